/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ESP-IDF storage port (qpybak_espidf.h): POSIX calls on paths.
 */
#include "qpybak_espidf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h> /* rename */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Errors qpybak.h does not name (errno values are the C library's: newlib's
 * ENOTEMPTY is 90, Linux's 39, hence the table below). */
#define PORT_ERR_BADF (-9)
#define PORT_ERR_MFILE (-24)

static int err_of(int e)
{
    switch (e) {
    case ENOENT: return QPYBAK_ERR_NOENT;
    case EIO: return QPYBAK_ERR_IO;
    case EFAULT: return QPYBAK_ERR_IO; /* esp_littlefs: LFS_ERR_CORRUPT, a bad block */
    case ENOMEM: return QPYBAK_ERR_IO; /* the VFS's heap, not the work buffer */
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
    case ELOOP: return QPYBAK_ERR_LOOP;
    default: break;
    }
    /* Passed through, but never as QPYBAK_ERR_CORRUPT: that is bad content. */
    return e <= 0 || -e == QPYBAK_ERR_CORRUPT ? QPYBAK_ERR_IO : -e;
}

static int last_err(void)
{
    return err_of(errno);
}

/* "/usr/a/b" -> usr_root "/a/b" in px->path[slot]; refuses changes under
 * /bak and anything outside the two roots. */
static int map(struct qpybak_espidf *px, const char *path, bool change, int slot)
{
    const char *root;
    size_t rl, pl;

    if (strncmp(path, "/usr/", 5) == 0) {
        root = px->usr_root;
    } else if (strncmp(path, "/bak/", 5) == 0) {
        if (change)
            return QPYBAK_ERR_ROFS;
        root = px->bak_root;
    } else {
        return QPYBAK_ERR_INVAL;
    }
    rl = strlen(root);
    pl = strlen(path + 4);
    if (rl + pl + 1 > sizeof px->path[slot])
        return QPYBAK_ERR_NAMETOOLONG;
    memcpy(px->path[slot], root, rl);
    memcpy(px->path[slot] + rl, path + 4, pl + 1);
    return 0;
}

static bool handle_ok(const struct qpybak_espidf *px, int h)
{
    return h >= 0 && h < QPYBAK_ESPIDF_MAX_OPEN && px->fd[h] >= 0;
}

static enum qpybak_type type_of(mode_t mode)
{
    return S_ISREG(mode) ? QPYBAK_TYPE_FILE : S_ISDIR(mode) ? QPYBAK_TYPE_DIR : QPYBAK_TYPE_OTHER;
}

static int ep_stat(void *ctx, const char *path, struct qpybak_stat *st)
{
    struct qpybak_espidf *px = ctx;
    struct stat sb;
    int err = map(px, path, false, 0);

    if (err)
        return err;
    if (stat(px->path[0], &sb) != 0)
        return last_err();
    st->type = type_of(sb.st_mode);
    st->size = st->type == QPYBAK_TYPE_FILE ? (uint64_t)sb.st_size : 0;
    return 0;
}

/* What is at px->path[0], for an open that failed: FAT's VFS says "no such
 * file" for a folder, the core must hear "a folder". */
static int open_error(struct qpybak_espidf *px, int err)
{
    struct stat sb;

    if (err == QPYBAK_ERR_NOENT && stat(px->path[0], &sb) == 0 && !S_ISREG(sb.st_mode))
        return S_ISDIR(sb.st_mode) ? QPYBAK_ERR_ISDIR : QPYBAK_ERR_INVAL;
    return err;
}

static int ep_open(void *ctx, const char *path, int flags)
{
    struct qpybak_espidf *px = ctx;
    bool write = (flags & QPYBAK_O_WRITE) != 0;
    int oflags = write ? O_WRONLY | O_CREAT | O_EXCL : O_RDONLY;
    struct stat sb;
    int h, fd, err = map(px, path, write, 0);

    if (err)
        return err;
    for (h = 0; h < QPYBAK_ESPIDF_MAX_OPEN && px->fd[h] >= 0; h++)
        ;
    if (h == QPYBAK_ESPIDF_MAX_OPEN)
        return PORT_ERR_MFILE;
#ifndef ESP_PLATFORM
    /* A host has links and FIFOs, ESP-IDF's file systems have neither (and
     * their drivers need not know these flags): no link is followed, no
     * FIFO blocks the open. */
    oflags |= O_NOFOLLOW | O_NONBLOCK;
#endif
    do
        fd = open(px->path[0], oflags, 0644);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return open_error(px, last_err());
    /* A read opens nothing but a regular file (a host's FIFO or device). */
    if (!write && fstat(fd, &sb) != 0) {
        err = last_err();
        close(fd);
        return err;
    }
    if (!write && !S_ISREG(sb.st_mode)) {
        close(fd);
        return S_ISDIR(sb.st_mode) ? QPYBAK_ERR_ISDIR : QPYBAK_ERR_INVAL;
    }
    px->fd[h] = fd;
    return h;
}

static int ep_read(void *ctx, int h, void *buf, size_t len)
{
    struct qpybak_espidf *px = ctx;
    ssize_t n;

    if (!handle_ok(px, h))
        return PORT_ERR_BADF;
    if (len > INT_MAX)
        len = INT_MAX;
    do
        n = read(px->fd[h], buf, len);
    while (n < 0 && errno == EINTR);
    return n < 0 ? last_err() : (int)n;
}

static int ep_write(void *ctx, int h, const void *buf, size_t len)
{
    struct qpybak_espidf *px = ctx;
    ssize_t n;

    if (!handle_ok(px, h))
        return PORT_ERR_BADF;
    if (len > INT_MAX)
        len = INT_MAX;
    do
        n = write(px->fd[h], buf, len);
    while (n < 0 && errno == EINTR);
    return n < 0 ? last_err() : (int)n;
}

static int ep_sync(void *ctx, int h)
{
    struct qpybak_espidf *px = ctx;

    if (!handle_ok(px, h))
        return PORT_ERR_BADF;
    return fsync(px->fd[h]) == 0 ? 0 : last_err();
}

static int ep_close(void *ctx, int h)
{
    struct qpybak_espidf *px = ctx;
    int r;

    if (!handle_ok(px, h))
        return PORT_ERR_BADF;
    r = close(px->fd[h]);
    px->fd[h] = -1; /* released even when close failed */
    return r == 0 ? 0 : last_err();
}

/* On FAT, f_rename syncs the volume before it returns, and littlefs commits
 * the rename at once: no folder sync is needed (or possible) after it. */
static int ep_rename(void *ctx, const char *from, const char *to)
{
    struct qpybak_espidf *px = ctx;
    int err = map(px, from, true, 0);

    if (err == 0)
        err = map(px, to, true, 1);
    if (err)
        return err;
    return rename(px->path[0], px->path[1]) == 0 ? 0 : last_err();
}

static bool has_entries(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *de;
    bool any = false;

    while (dir != NULL && !any && (de = readdir(dir)) != NULL)
        any = strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    if (dir != NULL)
        closedir(dir);
    return any;
}

static int ep_remove(void *ctx, const char *path)
{
    struct qpybak_espidf *px = ctx;
    struct stat sb;
    int err = map(px, path, true, 0);

    if (err)
        return err;
    if (stat(px->path[0], &sb) != 0)
        return last_err();
    if (!S_ISDIR(sb.st_mode))
        return unlink(px->path[0]) == 0 ? 0 : last_err();
    if (rmdir(px->path[0]) == 0)
        return 0;
    /* POSIX lets a folder that is not empty be EEXIST too, and ESP-IDF's
     * FAT says EACCES (FatFs's FR_DENIED) for it. */
    err = last_err();
    if (err == QPYBAK_ERR_EXIST || (err == QPYBAK_ERR_ACCES && has_entries(px->path[0])))
        return QPYBAK_ERR_NOTEMPTY;
    return err;
}

static int ep_mkdir(void *ctx, const char *path)
{
    struct qpybak_espidf *px = ctx;
    int err = map(px, path, true, 0);

    if (err)
        return err;
    return mkdir(px->path[0], 0755) == 0 ? 0 : last_err();
}

/* Types each entry with stat (d_type is not POSIX); only FOTA apply lists. */
static int ep_list(void *ctx, const char *path,
                   int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type),
                   void *fn_ctx)
{
    struct qpybak_espidf *px = ctx;
    struct dirent *de;
    struct stat sb;
    size_t base;
    DIR *dir;
    int stop = 0, err = map(px, path, false, 0);

    if (err)
        return err;
    dir = opendir(px->path[0]);
    if (dir == NULL)
        return last_err();
    memcpy(px->list_path, px->path[0], sizeof px->list_path);
    base = strlen(px->list_path);
    errno = 0;
    while (stop == 0 && (de = readdir(dir)) != NULL) {
        size_t nl = strlen(de->d_name);
        enum qpybak_type type = QPYBAK_TYPE_OTHER;

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (base + 1 + nl + 1 <= sizeof px->list_path) {
            px->list_path[base] = '/';
            memcpy(px->list_path + base + 1, de->d_name, nl + 1);
            if (stat(px->list_path, &sb) == 0)
                type = type_of(sb.st_mode);
        }
        stop = fn(fn_ctx, de->d_name, type);
        errno = 0;
    }
    err = stop == 0 && errno != 0 ? last_err() : 0;
    closedir(dir);
    return stop ? stop : err;
}

int qpybak_espidf_init(struct qpybak_espidf *px, const char *usr_root, const char *bak_root)
{
    int h;

    memset(px, 0, sizeof *px);
    for (h = 0; h < QPYBAK_ESPIDF_MAX_OPEN; h++)
        px->fd[h] = -1;
    if (strlen(usr_root) >= QPYBAK_ESPIDF_ROOT_MAX || strlen(bak_root) >= QPYBAK_ESPIDF_ROOT_MAX)
        return QPYBAK_ERR_NAMETOOLONG;
    px->usr_root = usr_root;
    px->bak_root = bak_root;
    px->port.ctx = px;
    px->port.open = ep_open;
    px->port.read = ep_read;
    px->port.write = ep_write;
    px->port.sync = ep_sync;
    px->port.close = ep_close;
    px->port.stat = ep_stat;
    px->port.rename = ep_rename;
    px->port.remove = ep_remove;
    px->port.mkdir = ep_mkdir;
    px->port.list = ep_list;
    return 0;
}
