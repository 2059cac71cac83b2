/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The FatFs storage port: struct qpybak_port over ChaN's FatFs (R0.15,
 * R0.16; elm-chan.org/fsw/ff).  /usr and /bak are mapped onto two FatFs
 * paths the integrator chooses: two volumes ("0:", "1:"), or two folders
 * of one ("0:/usr", "0:/bak").  No heap: the file objects, the path
 * buffers and the directory object of a listing live in this structure.
 *
 * What FAT cannot give and how qpybak copes (docs/porting.md, "FatFs"):
 * - f_rename never replaces an existing file: rename returns
 *   QPYBAK_ERR_EXIST and the core removes the target, then renames again.
 *   A power cut between the two leaves the target missing and its
 *   temporary complete; the next boot restores or re-installs the file, or
 *   for qpybak's own files renames the complete temporary into place.
 * - f_rename itself writes the new directory entry before it deletes the
 *   old one; when they lie in two sectors, a cut between the two writes
 *   leaves two entries on one cluster chain (a cross-link).  Removing
 *   either with f_unlink would free clusters the other still uses, so
 *   remove first detaches a file whose chain another entry of its folder
 *   shares (its entry is set to no clusters, size 0), then unlinks it.
 * - Names are case-insensitive: "/usr/A.py" and "/usr/a.py" are one file.
 * - No links of any kind, so nothing can be followed.
 *
 * FatFs configuration (ffconf.h): FF_FS_READONLY 0, FF_FS_MINIMIZE 0 (the
 * port uses f_stat, f_unlink, f_rename, f_mkdir and f_readdir),
 * FF_USE_LFN >= 1 (checksum.json and *.qpybak-tmp are long names; 1 keeps
 * the LFN buffer static, not reentrant), FF_VOLUMES >= 2 when /usr and
 * /bak are two volumes, FF_FS_LOCK 0 or >= 7 (five files, a listing and
 * remove's probe open at once).
 */
#ifndef QPYBAK_FATFS_H
#define QPYBAK_FATFS_H

#include <stdbool.h>

#include "ff.h"
#include "qpybak.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Files open at once: the contract's five (qpybak.h). */
#define QPYBAK_FATFS_MAX_OPEN 5

/* The longest FatFs path built from a device path: the longer mapping
 * plus the device path after "/usr" or "/bak".  The core's default name
 * limit is 255. */
#ifndef QPYBAK_FATFS_PATH_MAX
#define QPYBAK_FATFS_PATH_MAX (16 + 256)
#endif

/* A FRESULT the port has no qpybak error for (FR_TOO_MANY_OPEN_FILES,
 * FR_MKFS_ABORTED...) comes back as QPYBAK_FATFS_ERR(fr): below the errno
 * range, so the caller can tell which one it was. */
#define QPYBAK_FATFS_ERR_BASE (-4200)
#define QPYBAK_FATFS_ERR(fr) (QPYBAK_FATFS_ERR_BASE - (int)(fr))

struct qpybak_fatfs {
    struct qpybak_port port; /* pass &p->port in struct qpybak_config */

    /* Set by qpybak_fatfs_init; the strings must outlive the port. */
    const char *usr_path;    /* FatFs path of /usr: "0:" or "0:/usr" */
    const char *bak_path;    /* FatFs path of /bak: "1:" or "0:/bak" */

    /* Set after qpybak_fatfs_init (off by default): */
    bool bak_writable;       /* /bak may be changed (building a backup
                                partition); else every write, rename,
                                remove and mkdir there is QPYBAK_ERR_ROFS */

    /* The last FRESULT other than FR_OK a FatFs call returned (for logs). */
    FRESULT last_fresult;

    /* Private. */
    FIL files[QPYBAK_FATFS_MAX_OPEN];
    bool used[QPYBAK_FATFS_MAX_OPEN];
    DIR dir;                 /* the listing's directory */
    FILINFO info;            /* stat's and the listing's entry */
    FIL probe;               /* remove: the file and its neighbours */
    DIR scan;                /* remove: the file's folder */
    FILINFO scan_info;
    char path[QPYBAK_FATFS_PATH_MAX];
    char path2[QPYBAK_FATFS_PATH_MAX]; /* rename's target */
    unsigned lock_shared;    /* the lock: a RAM flag, see below */
    bool lock_exclusive;
};

/*
 * Fills p->port for two mounted FatFs paths (f_mount is the caller's).
 * usr_path and bak_path are prefixes put in front of the rest of a device
 * path: with "0:" and "1:", "/usr/lib/a.py" is "0:/lib/a.py" and
 * "/bak/checksum.json" is "1:/checksum.json".
 *
 * port.lock and port.unlock are a RAM flag in this structure (a second
 * exclusive run, or a run nested in a callback, gets QPYBAK_ERR_BUSY; it
 * never survives a reset).  It does not make two tasks wait for each
 * other: with several tasks, set port.lock and port.unlock to an RTOS
 * mutex, or to NULL when only one task ever runs qpybak.
 */
void qpybak_fatfs_init(struct qpybak_fatfs *p, const char *usr_path, const char *bak_path);

/* The qpybak error for a FRESULT (FR_OK is 0). */
int qpybak_fatfs_error(FRESULT fr);

#ifdef __cplusplus
}
#endif

#endif
