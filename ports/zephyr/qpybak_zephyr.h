/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage port for Zephyr: its file system API (fs_open, fs_read,
 * fs_write, fs_sync, fs_close, fs_stat, fs_rename, fs_unlink, fs_mkdir,
 * fs_opendir/fs_readdir), so it works on whatever Zephyr mounts: littlefs
 * and FAT.
 *
 *   static struct qpybak_zephyr zp;
 *   qpybak_zephyr_init(&zp, "/lfs", "/bak");   // the two mount points
 *   cfg.port = &zp.port;
 *
 * The device paths /usr/... and /bak/... are mapped onto the two roots
 * ("/usr/main.py" -> usr_root + "/main.py"): two mount points ("/lfs",
 * "/SD:"), or folders of one ("/lfs/usr", "/lfs/bak").  The backup
 * partition is never changed through the port (QPYBAK_ERR_ROFS).
 *
 * - Zephyr's fs_open has no exclusive create: the port asks fs_stat first
 *   and refuses a taken name with QPYBAK_ERR_EXIST.  Every procedure holds
 *   the port's lock, so nothing of qpybak's comes in between; the
 *   application must not create qpybak's temporary names.
 * - fs_rename replaces the target: littlefs atomically; Zephyr's FAT driver
 *   removes the target first, the FAT window docs/porting.md describes and
 *   the next boot recovers.
 * - The lock is a k_mutex (port.lock waits for it): no power cut outlives
 *   it.
 *
 * Written against Zephyr's <zephyr/fs/fs.h> (3.x/4.x); not compiled here,
 * no Zephyr SDK being installable (docs/porting.md says what was tested).
 */
#ifndef QPYBAK_ZEPHYR_H
#define QPYBAK_ZEPHYR_H

#include <zephyr/fs/fs.h>
#include <zephyr/kernel.h>

#include "qpybak.h"

#define QPYBAK_ZEPHYR_MAX_OPEN 5 /* the most qpybak opens at once */
#define QPYBAK_ZEPHYR_ROOT_MAX 32
#define QPYBAK_ZEPHYR_PATH_MAX (QPYBAK_ZEPHYR_ROOT_MAX + QPYBAK_NAME_MAX_DEFAULT + 1)

struct qpybak_zephyr {
    struct qpybak_port port;
    const char *usr_root, *bak_root;
    struct fs_file_t file[QPYBAK_ZEPHYR_MAX_OPEN];
    bool used[QPYBAK_ZEPHYR_MAX_OPEN];
    struct fs_dir_t dir;
    struct fs_dirent entry;      /* stat: too large for a small stack */
    struct fs_dirent list_entry; /* list's own, whatever fn does */
    struct k_mutex lock;
    char path[2][QPYBAK_ZEPHYR_PATH_MAX]; /* rename needs two */
};

/* Sets up the port over the two roots (not copied: keep them alive).
 * Returns 0, or QPYBAK_ERR_NAMETOOLONG when a root is longer than
 * QPYBAK_ZEPHYR_ROOT_MAX - 1. */
int qpybak_zephyr_init(struct qpybak_zephyr *zp, const char *usr_root, const char *bak_root);

#endif /* QPYBAK_ZEPHYR_H */
