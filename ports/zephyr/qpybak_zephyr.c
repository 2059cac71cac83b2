/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Zephyr storage port (qpybak_zephyr.h): Zephyr's fs_* calls on paths.
 * Not compiled here: no Zephyr SDK could be installed (docs/porting.md).
 */
#include "qpybak_zephyr.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

/* Errors qpybak.h does not name. */
#define PORT_ERR_BADF (-9)
#define PORT_ERR_MFILE (-24)

/* Zephyr's errno values are its C library's (the minimal libc and newlib
 * give ENOTEMPTY 90, Linux 39): mapped by name. */
static int err_of(int err)
{
    switch (-err) {
    case ENOENT: return QPYBAK_ERR_NOENT;
    case EIO: return QPYBAK_ERR_IO;
    case EFAULT: return QPYBAK_ERR_IO; /* Zephyr's littlefs: LFS_ERR_CORRUPT, a bad block */
    case ENOMEM: return QPYBAK_ERR_IO; /* the driver's, not the work buffer */
    case EACCES: case EPERM: return QPYBAK_ERR_ACCES;
    case EBUSY: return QPYBAK_ERR_BUSY;
    case EEXIST: return QPYBAK_ERR_EXIST;
    case ENOTDIR: return QPYBAK_ERR_NOTDIR;
    case EISDIR: return QPYBAK_ERR_ISDIR;
    case EINVAL: return QPYBAK_ERR_INVAL;
    case EFBIG: return QPYBAK_ERR_FBIG;
    case ENOSPC: return QPYBAK_ERR_NOSPC;
    case EROFS: return QPYBAK_ERR_ROFS;
    case ENAMETOOLONG: return QPYBAK_ERR_NAMETOOLONG;
    case ENOTEMPTY: return QPYBAK_ERR_NOTEMPTY;
    default: break;
    }
    /* Passed through, but never as QPYBAK_ERR_CORRUPT: that is bad content. */
    return err >= 0 || err == QPYBAK_ERR_CORRUPT ? QPYBAK_ERR_IO : err;
}

/* "/usr/a/b" -> usr_root "/a/b" in zp->path[slot]; refuses changes under
 * /bak and anything outside the two roots. */
static int map(struct qpybak_zephyr *zp, const char *path, bool change, int slot)
{
    const char *root;
    size_t rl, pl;

    if (strncmp(path, "/usr/", 5) == 0) {
        root = zp->usr_root;
    } else if (strncmp(path, "/bak/", 5) == 0) {
        if (change)
            return QPYBAK_ERR_ROFS;
        root = zp->bak_root;
    } else {
        return QPYBAK_ERR_INVAL;
    }
    rl = strlen(root);
    pl = strlen(path + 4);
    if (rl + pl + 1 > sizeof zp->path[slot])
        return QPYBAK_ERR_NAMETOOLONG;
    memcpy(zp->path[slot], root, rl);
    memcpy(zp->path[slot] + rl, path + 4, pl + 1);
    return 0;
}

static bool handle_ok(const struct qpybak_zephyr *zp, int h)
{
    return h >= 0 && h < QPYBAK_ZEPHYR_MAX_OPEN && zp->used[h];
}

/* fs_stat of zp->path[0] into zp->entry. */
static int stat_mapped(struct qpybak_zephyr *zp)
{
    int r = fs_stat(zp->path[0], &zp->entry);

    return r < 0 ? err_of(r) : 0;
}

static int zp_stat(void *ctx, const char *path, struct qpybak_stat *st)
{
    struct qpybak_zephyr *zp = ctx;
    int err = map(zp, path, false, 0);

    if (err == 0)
        err = stat_mapped(zp);
    if (err)
        return err;
    st->type = zp->entry.type == FS_DIR_ENTRY_DIR ? QPYBAK_TYPE_DIR : QPYBAK_TYPE_FILE;
    st->size = st->type == QPYBAK_TYPE_FILE ? (uint64_t)zp->entry.size : 0;
    return 0;
}

static int zp_open(void *ctx, const char *path, int flags)
{
    struct qpybak_zephyr *zp = ctx;
    bool write = (flags & QPYBAK_O_WRITE) != 0;
    int h, r, err = map(zp, path, write, 0);

    if (err)
        return err;
    for (h = 0; h < QPYBAK_ZEPHYR_MAX_OPEN && zp->used[h]; h++)
        ;
    if (h == QPYBAK_ZEPHYR_MAX_OPEN)
        return PORT_ERR_MFILE;
    /* fs_open has no O_EXCL: a taken name is refused here, under the lock.
     * A read never opens a folder (FAT would say "no file" for it). */
    err = stat_mapped(zp);
    if (write && err != QPYBAK_ERR_NOENT)
        return err ? err : QPYBAK_ERR_EXIST;
    if (!write && err)
        return err;
    if (!write && zp->entry.type == FS_DIR_ENTRY_DIR)
        return QPYBAK_ERR_ISDIR;
    fs_file_t_init(&zp->file[h]);
    r = fs_open(&zp->file[h], zp->path[0], write ? FS_O_WRITE | FS_O_CREATE : FS_O_READ);
    if (r < 0)
        return err_of(r);
    zp->used[h] = true;
    return h;
}

static int zp_read(void *ctx, int h, void *buf, size_t len)
{
    struct qpybak_zephyr *zp = ctx;
    ssize_t n;

    if (!handle_ok(zp, h))
        return PORT_ERR_BADF;
    n = fs_read(&zp->file[h], buf, len < INT_MAX ? len : INT_MAX);
    return n < 0 ? err_of((int)n) : (int)n;
}

static int zp_write(void *ctx, int h, const void *buf, size_t len)
{
    struct qpybak_zephyr *zp = ctx;
    ssize_t n;

    if (!handle_ok(zp, h))
        return PORT_ERR_BADF;
    n = fs_write(&zp->file[h], buf, len < INT_MAX ? len : INT_MAX);
    if (n == 0 && len > 0)
        return QPYBAK_ERR_NOSPC; /* a full volume writes nothing */
    return n < 0 ? err_of((int)n) : (int)n;
}

static int zp_sync(void *ctx, int h)
{
    struct qpybak_zephyr *zp = ctx;
    int r;

    if (!handle_ok(zp, h))
        return PORT_ERR_BADF;
    r = fs_sync(&zp->file[h]);
    return r < 0 ? err_of(r) : 0;
}

static int zp_close(void *ctx, int h)
{
    struct qpybak_zephyr *zp = ctx;
    int r;

    if (!handle_ok(zp, h))
        return PORT_ERR_BADF;
    r = fs_close(&zp->file[h]);
    zp->used[h] = false; /* released even when close failed */
    return r < 0 ? err_of(r) : 0;
}

static int zp_rename(void *ctx, const char *from, const char *to)
{
    struct qpybak_zephyr *zp = ctx;
    int r, err = map(zp, from, true, 0);

    if (err == 0)
        err = map(zp, to, true, 1);
    if (err)
        return err;
    r = fs_rename(zp->path[0], zp->path[1]);
    return r < 0 ? err_of(r) : 0;
}

static int zp_remove(void *ctx, const char *path)
{
    struct qpybak_zephyr *zp = ctx;
    bool dir;
    int r, err = map(zp, path, true, 0);

    if (err == 0)
        err = stat_mapped(zp);
    if (err)
        return err;
    dir = zp->entry.type == FS_DIR_ENTRY_DIR;
    r = fs_unlink(zp->path[0]);
    /* FatFs refuses a folder that is not empty with FR_DENIED (EACCES). */
    if (dir && r == -EACCES)
        return QPYBAK_ERR_NOTEMPTY;
    return r < 0 ? err_of(r) : 0;
}

static int zp_mkdir(void *ctx, const char *path)
{
    struct qpybak_zephyr *zp = ctx;
    int r, err = map(zp, path, true, 0);

    if (err)
        return err;
    r = fs_mkdir(zp->path[0]);
    return r < 0 ? err_of(r) : 0;
}

/* Zephyr's fs layer leaves out "." and ".." already. */
static int zp_list(void *ctx, const char *path,
                   int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type),
                   void *fn_ctx)
{
    struct qpybak_zephyr *zp = ctx;
    int r, stop = 0, err = map(zp, path, false, 0);

    if (err)
        return err;
    fs_dir_t_init(&zp->dir);
    r = fs_opendir(&zp->dir, zp->path[0]);
    if (r < 0)
        return err_of(r);
    while (stop == 0 && (r = fs_readdir(&zp->dir, &zp->list_entry)) == 0 &&
           zp->list_entry.name[0] != '\0')
        stop = fn(fn_ctx, zp->list_entry.name,
                  zp->list_entry.type == FS_DIR_ENTRY_DIR ? QPYBAK_TYPE_DIR : QPYBAK_TYPE_FILE);
    fs_closedir(&zp->dir);
    if (stop)
        return stop;
    return r < 0 ? err_of(r) : 0;
}

static int zp_lock(void *ctx, int mode)
{
    struct qpybak_zephyr *zp = ctx;

    (void)mode; /* status too takes it whole: the port's buffers are shared */
    return k_mutex_lock(&zp->lock, K_FOREVER) == 0 ? 0 : QPYBAK_ERR_BUSY;
}

static int zp_unlock(void *ctx)
{
    struct qpybak_zephyr *zp = ctx;

    k_mutex_unlock(&zp->lock);
    return 0;
}

int qpybak_zephyr_init(struct qpybak_zephyr *zp, const char *usr_root, const char *bak_root)
{
    memset(zp, 0, sizeof *zp);
    if (strlen(usr_root) >= QPYBAK_ZEPHYR_ROOT_MAX || strlen(bak_root) >= QPYBAK_ZEPHYR_ROOT_MAX)
        return QPYBAK_ERR_NAMETOOLONG;
    zp->usr_root = usr_root;
    zp->bak_root = bak_root;
    k_mutex_init(&zp->lock);
    zp->port.ctx = zp;
    zp->port.open = zp_open;
    zp->port.read = zp_read;
    zp->port.write = zp_write;
    zp->port.sync = zp_sync;
    zp->port.close = zp_close;
    zp->port.stat = zp_stat;
    zp->port.rename = zp_rename;
    zp->port.remove = zp_remove;
    zp->port.mkdir = zp_mkdir;
    zp->port.list = zp_list;
    zp->port.lock = zp_lock;
    zp->port.unlock = zp_unlock;
    return 0;
}
