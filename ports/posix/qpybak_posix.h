/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX storage port: two host directories stand in for the partitions,
 * usr_root for /usr and bak_root for /bak.  No symbolic link - in the roots
 * or planted by a hostile tree - and no ".." can lead outside them: where
 * the kernel has it, a path is resolved in one openat2(2) call with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS (Linux 5.6 and later); elsewhere
 * it is walked one component at a time with openat(O_NOFOLLOW).  The
 * choice is made at run time, in qpybak_posix_open; both refuse the same
 * paths with the same errors.
 */
#ifndef QPYBAK_POSIX_H
#define QPYBAK_POSIX_H

#include "qpybak.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QPYBAK_POSIX_MAX_OPEN 8

/* qpybak_posix_open: the two roots are one directory, or one lies inside
 * the other (compared by device and inode, so a bind mount is seen too).
 * Outside the errno range: the port's own code. */
#define QPYBAK_POSIX_ERR_OVERLAP (-4096)

struct qpybak_posix {
    struct qpybak_port port;
    int usr_fd; /* directory descriptors of the two roots (-1: none) */
    int bak_fd;
    int fds[QPYBAK_POSIX_MAX_OPEN]; /* open files by handle, -1 when free */
    /* Per handle open for reading: the size fstat gave at open and the
     * bytes read so far.  A short read that ends exactly there is the end
     * of the file: the next read returns 0 without asking the kernel. */
    uint64_t read_size[QPYBAK_POSIX_MAX_OPEN];
    uint64_t read_pos[QPYBAK_POSIX_MAX_OPEN];
    bool read_eof[QPYBAK_POSIX_MAX_OPEN];
    const char *usr_root; /* the arguments of qpybak_posix_open */
    const char *bak_root;
    /* After a failed qpybak_posix_open or qpybak_posix_sync: the root
     * argument the error is about (usr_root or bak_root; usr_root for an
     * overlap), else NULL. */
    const char *failed_root;
    /* Set by qpybak_posix_open, read-only: the kernel resolves paths
     * beneath a root in one call (openat2 with RESOLVE_BENEATH |
     * RESOLVE_NO_SYMLINKS); false: every path is walked. */
    bool has_openat2;
    bool has_syncfs; /* syncfs(2) reports write-back errors (Linux 5.8+) */

    /* Set by the caller after qpybak_posix_open, all off by default: */
    bool bak_writable; /* /bak may be written (building a backup partition
                          on the host); else every write, rename, remove
                          and mkdir under /bak is QPYBAK_ERR_ROFS */
    bool lock_nowait;  /* port.lock returns QPYBAK_ERR_BUSY instead of
                          waiting for another holder */
    bool walk_only;    /* never openat2: walk every path one component at a
                          time, as on a kernel without it (tests run both;
                          qpybak_posix_open sets it when the environment
                          has QPYBAK_POSIX_WALK=1) */
    bool defer_sync;   /* for a tool that builds a tree from nothing (pack):
                          port.sync and the directory syncs of rename,
                          remove and mkdir are left to qpybak_posix_sync(),
                          one syncfs(2) per file system.  Ignored (every
                          sync made at once, as usual) where syncfs does
                          not report write-back errors.  Never for boot,
                          calc or FOTA apply: their crash safety needs each
                          sync before its rename. */
    void (*on_wait)(void *wait_ctx); /* called once before port.lock
                                        waits for another holder */
    void *wait_ctx;
};

/*
 * Opens the roots (either may be NULL when a command needs only one) and
 * fills p->port.  Returns 0, or a negative error (QPYBAK_ERR_NOENT when a
 * root does not exist, QPYBAK_ERR_NOTDIR when it is not a directory,
 * QPYBAK_POSIX_ERR_OVERLAP when the two roots are the same directory or
 * one holds the other) with p->failed_root set.
 *
 * port.lock is flock(2) on the /usr root's descriptor (LOCK_SH for
 * QPYBAK_LOCK_SHARED, LOCK_EX for QPYBAK_LOCK_EXCLUSIVE): it ends with the
 * process, so neither a power cut nor a kill leaves a stale lock behind.
 */
int qpybak_posix_open(struct qpybak_posix *p, const char *usr_root, const char *bak_root);

/* Makes everything written through the port durable: with defer_sync in
 * effect, one syncfs(2) per file system of the two roots (once when both
 * are on one); otherwise nothing is pending and it returns 0.  Returns 0
 * or a negative error: a write-back error of a file written since the
 * roots were opened (QPYBAK_ERR_IO; syncfs does not say which file), with
 * p->failed_root naming the root whose file system reported it. */
int qpybak_posix_sync(struct qpybak_posix *p);

/* Closes the roots and any file still open. */
void qpybak_posix_close(struct qpybak_posix *p);

/* Maps an errno value to a qpybak error (they are the same numbers on Linux;
 * this keeps the port honest elsewhere). */
int qpybak_posix_error(int errnum);

#ifdef __cplusplus
}
#endif

#endif
