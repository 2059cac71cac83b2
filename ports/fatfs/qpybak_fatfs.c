/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The FatFs storage port (see qpybak_fatfs.h): each port operation is one
 * or two FatFs calls on a path mapped from the device path.
 */
#include "qpybak_fatfs.h"

#include <string.h>

/* What the port needs from ffconf.h (qpybak_fatfs.h).  FF_DEFINED comes
 * with ff.h: a static analyser run without FatFs's headers skips these. */
#ifdef FF_DEFINED
#if FF_FS_READONLY || FF_FS_MINIMIZE > 0
#error "qpybak's FatFs port writes and lists: FF_FS_READONLY 0 and FF_FS_MINIMIZE 0"
#endif
#if FF_USE_LFN == 0
#error "qpybak's FatFs port needs long file names (FF_USE_LFN >= 1)"
#endif
#if FF_LFN_UNICODE == 1 || FF_LFN_UNICODE == 3
#error "qpybak's FatFs port passes char paths: FF_LFN_UNICODE 0 (ANSI/OEM) or 2 (UTF-8)"
#endif
#if FF_DEFINED == 5385
#error "FatFs R0.15b: f_readdir never ends a listing (ChaN's R0.16 history); R0.15 and R0.16 are verified"
#endif
#if FF_FS_LOCK != 0 && FF_FS_LOCK < 7
#error "FF_FS_LOCK must allow seven objects (five files, a listing, remove's probe), or be 0"
#endif
#endif

int qpybak_fatfs_error(FRESULT fr)
{
    switch (fr) {
    case FR_OK:
        return 0;
    case FR_NO_FILE:
    case FR_NO_PATH:
        return QPYBAK_ERR_NOENT;
    case FR_EXIST:
        return QPYBAK_ERR_EXIST;
    case FR_DENIED: /* read-only attribute, or a full directory */
    case FR_LOCKED: /* FF_FS_LOCK: the object is open */
        return QPYBAK_ERR_ACCES;
    case FR_WRITE_PROTECTED:
        return QPYBAK_ERR_ROFS;
    case FR_INVALID_NAME:
    case FR_INVALID_DRIVE:
    case FR_INVALID_OBJECT:
    case FR_INVALID_PARAMETER:
        return QPYBAK_ERR_INVAL;
    case FR_NOT_ENOUGH_CORE:
        return QPYBAK_ERR_NOMEM;
    case FR_DISK_ERR:
    case FR_INT_ERR:
    case FR_NOT_READY:
    case FR_TIMEOUT:
        /* the medium, or the volume's mutex: a later try may succeed */
        return QPYBAK_ERR_IO;
    default: /* FR_NOT_ENABLED, FR_NO_FILESYSTEM, FR_TOO_MANY_OPEN_FILES ... */
        return QPYBAK_FATFS_ERR(fr);
    }
}

static int result(struct qpybak_fatfs *p, FRESULT fr)
{
    if (fr != FR_OK)
        p->last_fresult = fr;
    return qpybak_fatfs_error(fr);
}

static bool under(const char *path, const char *root)
{
    return strncmp(path, root, 4) == 0 && (path[4] == '\0' || path[4] == '/');
}

/* The FatFs path of a device path, in out: the root's mapping followed by
 * the rest ("/usr/lib/a.py" with "0:" -> "0:/lib/a.py"; "/usr" -> "0:/").
 * 0, or QPYBAK_ERR_INVAL outside /usr and /bak, QPYBAK_ERR_NAMETOOLONG. */
static int map_path(const struct qpybak_fatfs *p, const char *path, char out[QPYBAK_FATFS_PATH_MAX])
{
    const char *prefix;
    size_t plen, rlen;

    if (path == NULL)
        return QPYBAK_ERR_INVAL;
    if (under(path, "/usr"))
        prefix = p->usr_path;
    else if (under(path, "/bak"))
        prefix = p->bak_path;
    else
        return QPYBAK_ERR_INVAL;
    plen = strlen(prefix);
    rlen = strlen(path + 4);
    if (plen + rlen + 2 > QPYBAK_FATFS_PATH_MAX)
        return QPYBAK_ERR_NAMETOOLONG;
    memcpy(out, prefix, plen);
    if (rlen == 0 && (plen == 0 || prefix[plen - 1] == ':'))
        out[plen++] = '/'; /* a volume's root directory */
    memcpy(out + plen, path + 4, rlen + 1);
    return 0;
}

/* A volume's root directory: f_stat refuses it (FR_INVALID_NAME). */
static bool is_volume_root(const char *fpath)
{
    const char *colon = strchr(fpath, ':');
    const char *rest = colon ? colon + 1 : fpath;

    return rest[0] == '\0' || (rest[0] == '/' && rest[1] == '\0');
}

static int check_writable(const struct qpybak_fatfs *p, const char *path)
{
    return !p->bak_writable && under(path, "/bak") ? QPYBAK_ERR_ROFS : 0;
}

/* The type behind a FatFs path, for the errors whose FRESULT does not say
 * (a directory opened as a file, a directory that is not empty). */
static enum qpybak_type type_of(struct qpybak_fatfs *p, const char *fpath)
{
    if (is_volume_root(fpath))
        return QPYBAK_TYPE_DIR;
    if (f_stat(fpath, &p->info) != FR_OK)
        return (enum qpybak_type)0;
    return (p->info.fattrib & AM_DIR) ? QPYBAK_TYPE_DIR : QPYBAK_TYPE_FILE;
}

static FIL *file_of(struct qpybak_fatfs *p, int h)
{
    if (h < 0 || h >= QPYBAK_FATFS_MAX_OPEN || !p->used[h])
        return NULL;
    return &p->files[h];
}

static int fat_open(void *ctx, const char *path, int flags)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;
    bool write = (flags & QPYBAK_O_WRITE) != 0;
    FRESULT fr;
    int h, err;

    if (flags != QPYBAK_O_READ && flags != QPYBAK_O_WRITE)
        return QPYBAK_ERR_INVAL;
    err = map_path(p, path, p->path);
    if (!err && write)
        err = check_writable(p, path);
    if (err)
        return err;
    for (h = 0; h < QPYBAK_FATFS_MAX_OPEN && p->used[h]; h++)
        ;
    if (h == QPYBAK_FATFS_MAX_OPEN)
        return QPYBAK_FATFS_ERR(FR_TOO_MANY_OPEN_FILES);
    /* FA_CREATE_NEW: a new, empty file, FR_EXIST when anything has the
     * name (a directory too); nothing is ever truncated. */
    fr = f_open(&p->files[h], p->path, write ? FA_WRITE | FA_CREATE_NEW : FA_READ);
    if (fr == FR_NO_FILE && !write && type_of(p, p->path) == QPYBAK_TYPE_DIR)
        return QPYBAK_ERR_ISDIR; /* f_open says "no file" for a directory */
    if (fr != FR_OK)
        return result(p, fr);
    p->used[h] = true;
    return h;
}

static int fat_read(void *ctx, int handle, void *buf, size_t len)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;
    FIL *f = file_of(p, handle);
    UINT n = 0;
    FRESULT fr;

    if (f == NULL)
        return QPYBAK_ERR_INVAL;
    if (len > 0x7fffu) /* UINT may be 16 bits; the count must fit an int */
        len = 0x7fffu;
    fr = f_read(f, buf, (UINT)len, &n);
    if (fr != FR_OK)
        return result(p, fr);
    return (int)n;
}

static int fat_write(void *ctx, int handle, const void *buf, size_t len)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;
    FIL *f = file_of(p, handle);
    UINT n = 0;
    FRESULT fr;

    if (f == NULL)
        return QPYBAK_ERR_INVAL;
    if (len > 0x7fffu)
        len = 0x7fffu;
    fr = f_write(f, buf, (UINT)len, &n);
    if (fr != FR_OK)
        return result(p, fr);
    /* FatFs reports a full volume as a short count, and none at all as 0 */
    return n > 0 || len == 0 ? (int)n : QPYBAK_ERR_NOSPC;
}

static int fat_sync(void *ctx, int handle)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;
    FIL *f = file_of(p, handle);

    return f ? result(p, f_sync(f)) : QPYBAK_ERR_INVAL;
}

static int fat_close(void *ctx, int handle)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;
    FIL *f = file_of(p, handle);

    if (f == NULL)
        return QPYBAK_ERR_INVAL;
    p->used[handle] = false; /* released whatever f_close says */
    return result(p, f_close(f));
}

static int fat_stat(void *ctx, const char *path, struct qpybak_stat *st)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;
    FRESULT fr;
    int err = map_path(p, path, p->path);

    if (err)
        return err;
    if (is_volume_root(p->path)) {
        st->type = QPYBAK_TYPE_DIR;
        st->size = 0;
        return 0;
    }
    fr = f_stat(p->path, &p->info);
    if (fr != FR_OK)
        return result(p, fr);
    st->type = (p->info.fattrib & AM_DIR) ? QPYBAK_TYPE_DIR : QPYBAK_TYPE_FILE;
    st->size = st->type == QPYBAK_TYPE_FILE ? (uint64_t)p->info.fsize : 0;
    return 0;
}

/* f_rename never replaces: FR_EXIST, which the core answers by removing
 * the target and renaming again (the remove-then-rename window of
 * docs/porting.md, "FatFs"). */
static int fat_rename(void *ctx, const char *from, const char *to)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;
    int err = map_path(p, from, p->path);

    if (!err)
        err = map_path(p, to, p->path2);
    if (!err)
        err = check_writable(p, from);
    if (!err)
        err = check_writable(p, to);
    if (err)
        return err;
    return result(p, f_rename(p->path, p->path2));
}

/* FIL's "entry to be rewritten" flag: private to ff.c (FA_MODIFIED, the
 * same in R0.15 and R0.16); f_sync then writes obj.sclust and obj.objsize
 * into the directory entry. */
#define FATFS_FA_MODIFIED 0x40

/* The first cluster of the file at fpath (0: empty, or not a file). */
static DWORD first_cluster(struct qpybak_fatfs *p, const char *fpath)
{
    DWORD cl;

    if (f_open(&p->probe, fpath, FA_READ) != FR_OK)
        return 0;
    cl = p->probe.obj.sclust;
    f_close(&p->probe);
    return cl;
}

/* True when another file of fpath's folder starts at cluster cl. */
static bool chain_shared(struct qpybak_fatfs *p, const char *fpath, DWORD cl)
{
    const char *slash = strrchr(fpath, '/');
    size_t dlen = (size_t)(slash - fpath);
    bool shared = false;

    /* p->path2: the folder, then each neighbour's path in turn */
    memcpy(p->path2, fpath, dlen);
    p->path2[dlen] = '\0';
    if (f_opendir(&p->scan, p->path2) != FR_OK) /* "0:" is the volume's root */
        return false;
    while (!shared && f_readdir(&p->scan, &p->scan_info) == FR_OK && p->scan_info.fname[0]) {
        size_t nlen = strlen(p->scan_info.fname);

        if ((p->scan_info.fattrib & AM_DIR) || dlen + nlen + 2 > QPYBAK_FATFS_PATH_MAX)
            continue;
        p->path2[dlen] = '/';
        memcpy(p->path2 + dlen + 1, p->scan_info.fname, nlen + 1);
        if (strcmp(p->path2, fpath) != 0 && first_cluster(p, p->path2) == cl)
            shared = true;
    }
    f_closedir(&p->scan);
    return shared;
}

/* Before f_unlink frees a file's chain: when a cut inside f_rename left
 * another entry on the same chain, this entry gives the chain up (no
 * clusters, size 0) so that the other keeps its content. */
static FRESULT detach_if_shared(struct qpybak_fatfs *p, const char *fpath)
{
    DWORD cl = first_cluster(p, fpath);
    FRESULT fr;

    if (cl == 0 || !chain_shared(p, fpath, cl))
        return FR_OK;
    fr = f_open(&p->probe, fpath, FA_WRITE);
    if (fr != FR_OK)
        return fr;
    p->probe.obj.sclust = 0;
    p->probe.obj.objsize = 0;
    p->probe.flag |= FATFS_FA_MODIFIED;
    fr = f_sync(&p->probe);
    f_close(&p->probe);
    return fr;
}

static int fat_remove(void *ctx, const char *path)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;
    FRESULT fr;
    int err = map_path(p, path, p->path);

    if (!err)
        err = check_writable(p, path);
    if (err)
        return err;
    fr = detach_if_shared(p, p->path);
    if (fr != FR_OK)
        return result(p, fr);
    fr = f_unlink(p->path);
    if (fr == FR_DENIED && type_of(p, p->path) == QPYBAK_TYPE_DIR)
        return QPYBAK_ERR_NOTEMPTY; /* f_unlink's answer for a full folder */
    return result(p, fr);
}

static int fat_mkdir(void *ctx, const char *path)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;
    int err = map_path(p, path, p->path);

    if (!err)
        err = check_writable(p, path);
    if (err)
        return err;
    if (is_volume_root(p->path))
        return QPYBAK_ERR_EXIST;
    return result(p, f_mkdir(p->path));
}

/* One directory object: the core lists one folder at a time and makes no
 * port call from the callback that lists another. */
static int fat_list(void *ctx, const char *path,
                    int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type),
                    void *fn_ctx)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;
    FRESULT fr;
    int err = map_path(p, path, p->path);

    if (err)
        return err;
    fr = f_opendir(&p->dir, p->path);
    if (fr != FR_OK)
        return result(p, fr);
    for (;;) {
        fr = f_readdir(&p->dir, &p->info);
        if (fr != FR_OK) {
            err = result(p, fr);
            break;
        }
        if (p->info.fname[0] == 0)
            break; /* the end */
        if (strcmp(p->info.fname, ".") == 0 || strcmp(p->info.fname, "..") == 0)
            continue;
        err = fn(fn_ctx, p->info.fname,
                 (p->info.fattrib & AM_DIR) ? QPYBAK_TYPE_DIR : QPYBAK_TYPE_FILE);
        if (err)
            break;
    }
    f_closedir(&p->dir);
    return err;
}

/* The lock: a RAM flag (qpybak_fatfs.h).  It cannot outlive a reset. */
static int fat_lock(void *ctx, int mode)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;

    if (mode == QPYBAK_LOCK_EXCLUSIVE) {
        if (p->lock_exclusive || p->lock_shared > 0)
            return QPYBAK_ERR_BUSY;
        p->lock_exclusive = true;
    } else if (mode == QPYBAK_LOCK_SHARED) {
        if (p->lock_exclusive)
            return QPYBAK_ERR_BUSY;
        p->lock_shared++;
    } else {
        return QPYBAK_ERR_INVAL;
    }
    return 0;
}

static int fat_unlock(void *ctx)
{
    struct qpybak_fatfs *p = (struct qpybak_fatfs *)ctx;

    if (p->lock_exclusive)
        p->lock_exclusive = false;
    else if (p->lock_shared > 0)
        p->lock_shared--;
    else
        return QPYBAK_ERR_INVAL;
    return 0;
}

void qpybak_fatfs_init(struct qpybak_fatfs *p, const char *usr_path, const char *bak_path)
{
    memset(p, 0, sizeof *p);
    p->usr_path = usr_path;
    p->bak_path = bak_path;
    p->port.ctx = p;
    p->port.open = fat_open;
    p->port.read = fat_read;
    p->port.write = fat_write;
    p->port.sync = fat_sync;
    p->port.close = fat_close;
    p->port.stat = fat_stat;
    p->port.rename = fat_rename;
    p->port.remove = fat_remove;
    p->port.mkdir = fat_mkdir;
    p->port.list = fat_list;
    p->port.lock = fat_lock;
    p->port.unlock = fat_unlock;
}
