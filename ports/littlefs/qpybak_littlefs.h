/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The littlefs storage port: struct qpybak_port over file systems the
 * integrator has already mounted (lfs_mount).  Two layouts:
 *
 * - two partitions, as QuecPython has them: one lfs_t for /usr, another
 *   for /bak.  The root's name is stripped: "/usr/lib/a.py" is "/lib/a.py"
 *   on the user partition, "/bak/usr/a.py" is "/usr/a.py" on the backup one.
 * - one littlefs holding both as top-level folders "usr" and "bak" (pass
 *   the same lfs_t twice): paths are used as they are.
 *
 * littlefs carries the install guarantee: lfs_rename replaces its target in
 * one metadata commit, so after a power cut the target is the old file or
 * the new one; a file's data becomes visible only at lfs_file_sync.  There
 * are no symbolic links.  The port uses no heap: each open file gets its
 * cache buffer from this structure (lfs_file_opencfg), so it works with
 * littlefs built with LFS_NO_MALLOC too.  Needs littlefs v2.6 or later
 * (lfs_fs_mkconsistent); tested with v2.9.3.  docs/porting.md, "littlefs",
 * has the details and the test results.
 */
#ifndef QPYBAK_LITTLEFS_H
#define QPYBAK_LITTLEFS_H

#include "lfs.h"
#include "qpybak.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Files open at once: the port contract needs five (qpybak.h). */
#ifndef QPYBAK_LITTLEFS_MAX_OPEN
#define QPYBAK_LITTLEFS_MAX_OPEN 5
#endif

/* The largest cache_size of the mounted file systems' lfs_config: each open
 * file gets a buffer of this many bytes.  Set it to your cache_size to
 * spend no more RAM than littlefs needs (5 x 512 bytes by default). */
#ifndef QPYBAK_LITTLEFS_CACHE_SIZE
#define QPYBAK_LITTLEFS_CACHE_SIZE 512
#endif

/* open: every slot is taken (more files open than QPYBAK_LITTLEFS_MAX_OPEN;
 * the core never does that).  The errno value EMFILE. */
#define QPYBAK_LITTLEFS_ERR_MFILE (-24)

struct qpybak_littlefs {
    struct qpybak_port port; /* pass &p->port as qpybak_config.port */
    lfs_t *usr;              /* mounted: holds /usr */
    lfs_t *bak;              /* mounted: holds /bak (== usr: one file system) */

    /* Set by the caller after qpybak_littlefs_init, off by default: */
    bool bak_writable; /* /bak may be written (a tool that builds the backup
                          partition); else every create, rename, remove and
                          mkdir under /bak is QPYBAK_ERR_ROFS */

    /* Private: the open files, the buffers littlefs keeps using while a
     * file is open, and the lock (a RAM flag: a power cut clears it). */
    lfs_file_t files[QPYBAK_LITTLEFS_MAX_OPEN];
    struct lfs_file_config file_cfgs[QPYBAK_LITTLEFS_MAX_OPEN];
    lfs_t *owners[QPYBAK_LITTLEFS_MAX_OPEN]; /* NULL: the slot is free */
    union {
        uint8_t bytes[QPYBAK_LITTLEFS_CACHE_SIZE];
        uint32_t align; /* flash drivers may want word-aligned buffers */
    } caches[QPYBAK_LITTLEFS_MAX_OPEN];
    unsigned lock_shared;
    bool lock_exclusive;
};

/*
 * Fills p->port for the mounted file systems usr and bak (the same pointer
 * for one littlefs with folders /usr and /bak), and makes littlefs's view
 * of usr consistent (lfs_fs_mkconsistent: a rename that a power cut
 * interrupted is finished; until then littlefs can report a file next to
 * it missing).  Call it after every mount, before the first procedure.
 * Returns 0, QPYBAK_ERR_INVAL when usr or bak is NULL or a file system's
 * cache_size exceeds QPYBAK_LITTLEFS_CACHE_SIZE, or the error of
 * lfs_fs_mkconsistent.
 *
 * port.lock is a flag in this structure: a procedure started while another
 * holds it (calc called from boot's callback, say) gets QPYBAK_ERR_BUSY.
 * Taking it calls lfs_fs_mkconsistent on usr again (no work when nothing
 * is pending).  It does not wait and is not safe between threads: where
 * two tasks may run qpybak at once, set port.lock and port.unlock to
 * functions over an RTOS mutex that also call lfs_fs_mkconsistent (or both
 * to NULL when only one task ever does, after qpybak_littlefs_init).
 */
int qpybak_littlefs_init(struct qpybak_littlefs *p, lfs_t *usr, lfs_t *bak);

/* Maps a littlefs error to a qpybak error.  The numbers are mostly the
 * same; LFS_ERR_CORRUPT (-84, a damaged block) becomes QPYBAK_ERR_IO,
 * because -84 means bad content (QPYBAK_ERR_CORRUPT) to the core.  An
 * error of the block device driver that littlefs passed up unchanged is
 * passed through too. */
int qpybak_littlefs_error(int lfs_err);

#ifdef __cplusplus
}
#endif

#endif
