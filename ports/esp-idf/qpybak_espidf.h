/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage port for ESP-IDF: plain POSIX calls (open, read, write,
 * fsync, close, stat, rename, unlink, rmdir, mkdir, opendir/readdir), which
 * ESP-IDF's VFS routes to the file system registered at a path - FAT
 * (esp_vfs_fat_*), littlefs (esp_littlefs) - without the *at() family,
 * which the VFS does not have.
 *
 *   static struct qpybak_espidf px;
 *   qpybak_espidf_init(&px, "/usr", "/bak");  // the VFS base paths
 *   cfg.port = &px.port;
 *
 * The device paths /usr/... and /bak/... are mapped onto the two roots
 * ("/usr/main.py" -> usr_root + "/main.py"); one partition with folders
 * usr and bak is "/data/usr", "/data/bak".  The backup partition is never
 * changed through the port (QPYBAK_ERR_ROFS).
 *
 * What the file systems give (docs/porting.md, "ESP-IDF"): littlefs's
 * rename replaces atomically; FAT's refuses an existing target (EEXIST),
 * and the core then removes it and renames again - the FAT window, which
 * the next boot recovers.  None of them has symbolic links, so stat and
 * open follow none: on a host with links, use the POSIX port.  No lock
 * (port.lock is NULL): run qpybak from one task, or set port.lock and
 * port.unlock to a mutex of your own.
 *
 * Plain POSIX, so it also runs on a host: tests/glue/test_espidf_port.c runs
 * the scenes of the RAM port through it over a temporary folder.
 */
#ifndef QPYBAK_ESPIDF_H
#define QPYBAK_ESPIDF_H

#include "qpybak.h"

#define QPYBAK_ESPIDF_MAX_OPEN 8
/* The longest root (ESP-IDF's VFS base paths are at most 15 bytes), and a
 * file path: root + device path below /usr. */
#ifndef QPYBAK_ESPIDF_ROOT_MAX
#define QPYBAK_ESPIDF_ROOT_MAX 32
#endif
#define QPYBAK_ESPIDF_PATH_MAX (QPYBAK_ESPIDF_ROOT_MAX + QPYBAK_NAME_MAX_DEFAULT + 1)

struct qpybak_espidf {
    struct qpybak_port port;
    const char *usr_root, *bak_root;
    int fd[QPYBAK_ESPIDF_MAX_OPEN]; /* -1: the slot is free */
    char path[2][QPYBAK_ESPIDF_PATH_MAX]; /* rename needs two */
    char list_path[QPYBAK_ESPIDF_PATH_MAX]; /* list's own, whatever fn does */
};

/* Sets up the port over the two VFS paths (not copied: keep them alive).
 * Returns 0, or QPYBAK_ERR_NAMETOOLONG when a root is longer than
 * QPYBAK_ESPIDF_ROOT_MAX - 1. */
int qpybak_espidf_init(struct qpybak_espidf *px, const char *usr_root, const char *bak_root);

#endif /* QPYBAK_ESPIDF_H */
