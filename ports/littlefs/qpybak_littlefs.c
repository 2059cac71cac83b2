/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The littlefs port (qpybak_littlefs.h): each port call is one littlefs
 * call on the file system that holds the path's root.
 */
#include "qpybak_littlefs.h"

#include <limits.h>
#include <string.h>

/* Each code by name: most have the same number in both, but the mapping
 * does not rely on it. */
int qpybak_littlefs_error(int lfs_err)
{
    switch (lfs_err) {
    case LFS_ERR_OK: return 0;
    case LFS_ERR_NOENT: return QPYBAK_ERR_NOENT;
    case LFS_ERR_EXIST: return QPYBAK_ERR_EXIST;
    case LFS_ERR_NOTDIR: return QPYBAK_ERR_NOTDIR;
    case LFS_ERR_ISDIR: return QPYBAK_ERR_ISDIR;
    case LFS_ERR_NOTEMPTY: return QPYBAK_ERR_NOTEMPTY;
    case LFS_ERR_FBIG: return QPYBAK_ERR_FBIG;
    case LFS_ERR_INVAL: return QPYBAK_ERR_INVAL;
    case LFS_ERR_NOSPC: return QPYBAK_ERR_NOSPC;
    case LFS_ERR_NOMEM: return QPYBAK_ERR_NOMEM;
    case LFS_ERR_NAMETOOLONG: return QPYBAK_ERR_NAMETOOLONG;
    case LFS_ERR_IO:      /* the block device failed */
    case LFS_ERR_CORRUPT: /* a damaged block, not bad JSON: never -84 */
    case LFS_ERR_BADF:    /* a file the port did not open: its own bug */
    case LFS_ERR_NOATTR:  /* custom attributes: not used */
        return QPYBAK_ERR_IO;
    default:
        return lfs_err; /* a count, or a driver's own code passed up */
    }
}

static struct qpybak_littlefs *self(void *ctx)
{
    return (struct qpybak_littlefs *)ctx;
}

/* A device path's file system and its path there, or NULL when the path
 * is under neither root.  bak tells which root it is under. */
static lfs_t *route(struct qpybak_littlefs *p, const char *path, const char **lpath, bool *bak)
{
    lfs_t *fs;

    if (strncmp(path, "/usr", 4) == 0 && (path[4] == '/' || path[4] == '\0')) {
        fs = p->usr;
        *bak = false;
    } else if (strncmp(path, "/bak", 4) == 0 && (path[4] == '/' || path[4] == '\0')) {
        fs = p->bak;
        *bak = true;
    } else {
        return NULL;
    }
    if (p->usr == p->bak)
        *lpath = path; /* one file system: /usr and /bak are its folders */
    else
        *lpath = path[4] == '\0' ? "/" : path + 4; /* the partition's root */
    return fs;
}

/* route() for a change: QPYBAK_ERR_ROFS under a read-only /bak. */
static int route_change(struct qpybak_littlefs *p, const char *path, const char **lpath,
                        lfs_t **fs, bool *bak)
{
    *fs = route(p, path, lpath, bak);
    if (*fs == NULL)
        return QPYBAK_ERR_INVAL;
    if (*bak && !p->bak_writable)
        return QPYBAK_ERR_ROFS;
    return 0;
}

static bool valid_handle(const struct qpybak_littlefs *p, int h)
{
    return h >= 0 && h < QPYBAK_LITTLEFS_MAX_OPEN && p->owners[h] != NULL;
}

static int lp_open(void *ctx, const char *path, int flags)
{
    struct qpybak_littlefs *p = self(ctx);
    bool write = (flags & QPYBAK_O_WRITE) != 0;
    const char *lpath;
    lfs_t *fs;
    bool bak;
    int h, err;

    if (write) {
        err = route_change(p, path, &lpath, &fs, &bak);
        if (err)
            return err;
    } else {
        fs = route(p, path, &lpath, &bak);
        if (fs == NULL)
            return QPYBAK_ERR_INVAL;
    }
    for (h = 0; h < QPYBAK_LITTLEFS_MAX_OPEN && p->owners[h] != NULL; h++)
        ;
    if (h == QPYBAK_LITTLEFS_MAX_OPEN)
        return QPYBAK_LITTLEFS_ERR_MFILE;
    memset(&p->file_cfgs[h], 0, sizeof p->file_cfgs[h]);
    p->file_cfgs[h].buffer = p->caches[h].bytes;
    /* LFS_O_EXCL: anything at the name - a file, a directory - is
     * LFS_ERR_EXIST and nothing is truncated.  The empty file is created
     * (and committed) here; its data shows only at sync. */
    err = lfs_file_opencfg(fs, &p->files[h], lpath,
                           write ? LFS_O_WRONLY | LFS_O_CREAT | LFS_O_EXCL : LFS_O_RDONLY,
                           &p->file_cfgs[h]);
    if (err)
        return qpybak_littlefs_error(err); /* a directory: LFS_ERR_ISDIR */
    p->owners[h] = fs;
    return h;
}

/* The port returns an int count: one call moves at most INT_MAX bytes. */
static lfs_size_t clamp(size_t len)
{
    return len > (size_t)INT_MAX ? (lfs_size_t)INT_MAX : (lfs_size_t)len;
}

static int lp_read(void *ctx, int h, void *buf, size_t len)
{
    struct qpybak_littlefs *p = self(ctx);

    if (!valid_handle(p, h))
        return QPYBAK_ERR_INVAL;
    return qpybak_littlefs_error((int)lfs_file_read(p->owners[h], &p->files[h], buf, clamp(len)));
}

static int lp_write(void *ctx, int h, const void *buf, size_t len)
{
    struct qpybak_littlefs *p = self(ctx);

    if (!valid_handle(p, h))
        return QPYBAK_ERR_INVAL;
    return qpybak_littlefs_error((int)lfs_file_write(p->owners[h], &p->files[h], buf, clamp(len)));
}

/* Data and size reach the file's metadata in one commit: durable when
 * this returns. */
static int lp_sync(void *ctx, int h)
{
    struct qpybak_littlefs *p = self(ctx);

    if (!valid_handle(p, h))
        return QPYBAK_ERR_INVAL;
    return qpybak_littlefs_error(lfs_file_sync(p->owners[h], &p->files[h]));
}

static int lp_close(void *ctx, int h)
{
    struct qpybak_littlefs *p = self(ctx);
    int err;

    if (!valid_handle(p, h))
        return QPYBAK_ERR_INVAL;
    err = lfs_file_close(p->owners[h], &p->files[h]);
    p->owners[h] = NULL; /* released even when close failed */
    return qpybak_littlefs_error(err);
}

static enum qpybak_type type_of(uint8_t lfs_type)
{
    switch (lfs_type) {
    case LFS_TYPE_REG: return QPYBAK_TYPE_FILE;
    case LFS_TYPE_DIR: return QPYBAK_TYPE_DIR;
    default: return QPYBAK_TYPE_OTHER;
    }
}

static int lp_stat(void *ctx, const char *path, struct qpybak_stat *st)
{
    struct qpybak_littlefs *p = self(ctx);
    struct lfs_info info;
    const char *lpath;
    bool bak;
    lfs_t *fs = route(p, path, &lpath, &bak);
    int err;

    if (fs == NULL)
        return QPYBAK_ERR_INVAL;
    err = lfs_stat(fs, lpath, &info);
    if (err)
        return qpybak_littlefs_error(err);
    st->type = type_of(info.type);
    st->size = st->type == QPYBAK_TYPE_FILE ? info.size : 0;
    return 0;
}

/* The install: lfs_rename replaces `to` in one metadata commit (in two
 * directories, through littlefs's move state, also atomic). */
static int lp_rename(void *ctx, const char *from, const char *to)
{
    struct qpybak_littlefs *p = self(ctx);
    const char *a, *b;
    lfs_t *fs_a, *fs_b;
    bool bak_a, bak_b;
    int err = route_change(p, from, &a, &fs_a, &bak_a);

    if (err == 0)
        err = route_change(p, to, &b, &fs_b, &bak_b);
    if (err)
        return err;
    if (bak_a != bak_b)
        return QPYBAK_ERR_INVAL; /* between the roots */
    return qpybak_littlefs_error(lfs_rename(fs_a, a, b));
}

static int lp_remove(void *ctx, const char *path)
{
    struct qpybak_littlefs *p = self(ctx);
    const char *lpath;
    lfs_t *fs;
    bool bak;
    int err = route_change(p, path, &lpath, &fs, &bak);

    if (err)
        return err;
    return qpybak_littlefs_error(lfs_remove(fs, lpath)); /* LFS_ERR_NOTEMPTY as is */
}

static int lp_mkdir(void *ctx, const char *path)
{
    struct qpybak_littlefs *p = self(ctx);
    const char *lpath;
    lfs_t *fs;
    bool bak;
    int err = route_change(p, path, &lpath, &fs, &bak);

    if (err)
        return err;
    return qpybak_littlefs_error(lfs_mkdir(fs, lpath));
}

static int lp_list(void *ctx, const char *path,
                   int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type), void *fn_ctx)
{
    struct qpybak_littlefs *p = self(ctx);
    struct lfs_info info;
    const char *lpath;
    lfs_dir_t dir;
    bool bak;
    lfs_t *fs = route(p, path, &lpath, &bak);
    int r, stop = 0, err;

    if (fs == NULL)
        return QPYBAK_ERR_INVAL;
    err = lfs_dir_open(fs, &dir, lpath);
    if (err)
        return qpybak_littlefs_error(err);
    while (stop == 0 && (r = lfs_dir_read(fs, &dir, &info)) > 0) {
        if (strcmp(info.name, ".") == 0 || strcmp(info.name, "..") == 0)
            continue;
        stop = fn(fn_ctx, info.name, type_of(info.type));
    }
    err = lfs_dir_close(fs, &dir);
    if (stop != 0)
        return stop;
    return qpybak_littlefs_error(r < 0 ? r : err);
}

/*
 * littlefs finishes a rename cut between its two commits - the source and
 * the target in two metadata pairs of one directory - only at its first
 * write after the mount.  Until then lookups can miss a sibling of the
 * moved file: after such a cut, littlefs 2.9.3 (and 2.11.2) reported
 * /usr/.qpybak missing - journal and shadow manifest with it - until the
 * first write, and boot would have restored the updated files before
 * seeing the FOTA journal.  So the view is made consistent before a
 * procedure reads anything.  Costs nothing when no fix is pending.
 */
static int make_consistent(struct qpybak_littlefs *p)
{
#ifndef LFS_READONLY
    return qpybak_littlefs_error(lfs_fs_mkconsistent(p->usr));
#else
    (void)p;
    return 0;
#endif
}

/* A RAM flag: gone with the power, as the contract asks.  Taking it also
 * makes littlefs's view consistent (see make_consistent). */
static int lp_lock(void *ctx, int mode)
{
    struct qpybak_littlefs *p = self(ctx);
    int err;

    if (p->lock_exclusive || (mode == QPYBAK_LOCK_EXCLUSIVE && p->lock_shared > 0))
        return QPYBAK_ERR_BUSY;
    err = make_consistent(p);
    if (err)
        return err;
    if (mode == QPYBAK_LOCK_EXCLUSIVE)
        p->lock_exclusive = true;
    else
        p->lock_shared++;
    return 0;
}

static int lp_unlock(void *ctx)
{
    struct qpybak_littlefs *p = self(ctx);

    if (p->lock_exclusive)
        p->lock_exclusive = false;
    else if (p->lock_shared > 0)
        p->lock_shared--;
    else
        return QPYBAK_ERR_INVAL; /* nothing held */
    return 0;
}

int qpybak_littlefs_init(struct qpybak_littlefs *p, lfs_t *usr, lfs_t *bak)
{
    memset(p, 0, sizeof *p);
    if (usr == NULL || bak == NULL || usr->cfg == NULL || bak->cfg == NULL ||
        usr->cfg->cache_size > QPYBAK_LITTLEFS_CACHE_SIZE ||
        bak->cfg->cache_size > QPYBAK_LITTLEFS_CACHE_SIZE)
        return QPYBAK_ERR_INVAL;
    p->usr = usr;
    p->bak = bak;
    p->port.ctx = p;
    p->port.open = lp_open;
    p->port.read = lp_read;
    p->port.write = lp_write;
    p->port.sync = lp_sync;
    p->port.close = lp_close;
    p->port.stat = lp_stat;
    p->port.rename = lp_rename;
    p->port.remove = lp_remove;
    p->port.mkdir = lp_mkdir;
    p->port.list = lp_list;
    p->port.lock = lp_lock;
    p->port.unlock = lp_unlock;
    return make_consistent(p);
}
