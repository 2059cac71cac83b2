/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage port over MicroPython's VFS (qpybak_mp_vfs.h).
 *
 * Each operation fills a `struct call` and runs one body function under
 * nlr_push, so that an exception raised anywhere in MicroPython becomes a
 * port error instead of a jump through the core's frames (which would skip
 * its clean-up and leave files open).  What each file system gives:
 * - VfsLfs2: open 'xb' is LFS_O_CREAT | LFS_O_EXCL; rename is lfs_rename,
 *   atomic and replacing; flush is lfs_file_sync; remove takes files and
 *   empty folders.
 * - VfsFat: open 'xb' is FA_CREATE_NEW; rename removes an existing target
 *   first (FatFs cannot replace), the window docs/porting.md describes;
 *   opening a folder says "no file" and removing one needs rmdir, both
 *   handled below.
 */
#include <limits.h>
#include <string.h>

#include "extmod/vfs.h"
#include "py/mperrno.h"
#include "py/nlr.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "qpybak_mp_vfs.h"

/* The errno values the port returns that qpybak.h does not name. */
#define PORT_ERR_BADF (-9)  /* a handle that is not open: a core bug */
#define PORT_ERR_MFILE (-24) /* every slot is in use */

/* One port call: its inputs, its outputs. */
struct call {
    const char *path, *to;
    qstr mode;               /* open: MP_QSTR_rb or MP_QSTR_xb */
    mp_obj_t file;           /* open's result; the file of a stream call */
    void *buf;               /* read, write */
    size_t len;
    mp_uint_t request;       /* ioctl: MP_STREAM_FLUSH, MP_STREAM_CLOSE */
    mp_uint_t count;         /* what the stream call returned */
    int errcode;             /* the stream call's error */
    struct qpybak_stat *st;  /* stat */
    int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type); /* list */
    void *fn_ctx;
    int stop;                /* list: what fn returned to stop it */
};

static int errno_error(int e)
{
    switch (e) {
    case MP_ENOENT: return QPYBAK_ERR_NOENT;
    case MP_EIO: return QPYBAK_ERR_IO;
    case MP_EACCES: return QPYBAK_ERR_ACCES;
    case MP_EBUSY: return QPYBAK_ERR_BUSY;
    case MP_EEXIST: return QPYBAK_ERR_EXIST;
    case MP_ENOTDIR: return QPYBAK_ERR_NOTDIR;
    case MP_EISDIR: return QPYBAK_ERR_ISDIR;
    case MP_EINVAL: return QPYBAK_ERR_INVAL;
    case MP_EFBIG: return QPYBAK_ERR_FBIG;
    case MP_ENOSPC: return QPYBAK_ERR_NOSPC;
    case MP_EROFS: return QPYBAK_ERR_ROFS;
    default: break;
    }
    /* littlefs raises its own codes (ENOTEMPTY 39, ENAMETOOLONG 36, ...), the
     * same numbers as qpybak's, whatever errno the port uses.  Its
     * LFS_ERR_CORRUPT (84) is a damaged block, not bad content: the core
     * must not take it for QPYBAK_ERR_CORRUPT. */
    if (e <= 0 || -e == QPYBAK_ERR_CORRUPT)
        return QPYBAK_ERR_IO;
    return -e;
}

int qpybak_mp_vfs_error(struct qpybak_mp_vfs *vfs, mp_obj_t exc)
{
    const mp_obj_type_t *type = mp_obj_get_type(exc);

    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(type), MP_OBJ_FROM_PTR(&mp_type_OSError))) {
        mp_obj_t value = mp_obj_exception_get_value(exc);

        return mp_obj_is_small_int(value) ? errno_error((int)MP_OBJ_SMALL_INT_VALUE(value))
                                          : QPYBAK_ERR_IO;
    }
    if (vfs->pending == MP_OBJ_NULL)
        vfs->pending = exc; /* MemoryError, KeyboardInterrupt: raised later */
    return QPYBAK_ERR_IO;
}

static int protect(struct qpybak_mp_vfs *vfs, void (*body)(struct call *), struct call *c)
{
    nlr_buf_t nlr;

    if (nlr_push(&nlr) == 0) {
        body(c);
        nlr_pop();
        return 0;
    }
    return qpybak_mp_vfs_error(vfs, MP_OBJ_FROM_PTR(nlr.ret_val));
}

static mp_obj_t str_of(const char *s)
{
    return mp_obj_new_str(s, strlen(s));
}

/* ------------------------------------------------------------- the bodies */

static void do_open(struct call *c)
{
    mp_obj_t args[2] = { str_of(c->path), MP_OBJ_NEW_QSTR(c->mode) };

    c->file = mp_vfs_open(2, args, (mp_map_t *)&mp_const_empty_map);
}

static void do_stat(struct call *c)
{
    mp_obj_t *item;
    size_t n;
    mp_int_t mode;

    mp_obj_get_array(mp_vfs_stat(str_of(c->path)), &n, &item);
    if (n < 7)
        mp_raise_OSError(MP_EIO);
    mode = mp_obj_get_int(item[0]) & 0xF000;
    c->st->type = mode == MP_S_IFDIR ? QPYBAK_TYPE_DIR
                  : mode == MP_S_IFREG ? QPYBAK_TYPE_FILE : QPYBAK_TYPE_OTHER;
    /* Truncated to the word: a size over 2^30 is a long int on 32-bit ports. */
    c->st->size = c->st->type == QPYBAK_TYPE_FILE
                  ? (uint64_t)(mp_uint_t)mp_obj_get_int_truncated(item[6]) : 0;
}

static void do_rename(struct call *c)
{
    mp_vfs_rename(str_of(c->path), str_of(c->to));
}

static void do_remove(struct call *c)
{
    mp_vfs_remove(str_of(c->path));
}

static void do_rmdir(struct call *c)
{
    mp_vfs_rmdir(str_of(c->path));
}

static void do_mkdir(struct call *c)
{
    mp_vfs_mkdir(str_of(c->path));
}

static void do_read(struct call *c)
{
    c->count = mp_get_stream(c->file)->read(c->file, c->buf, c->len, &c->errcode);
}

static void do_write(struct call *c)
{
    c->count = mp_get_stream(c->file)->write(c->file, c->buf, c->len, &c->errcode);
}

static void do_ioctl(struct call *c)
{
    c->count = mp_get_stream(c->file)->ioctl(c->file, c->request, 0, &c->errcode);
}

/* Lists to the end even after fn asked to stop: a VfsLfs2 listing that is
 * left unfinished keeps its folder open until the collector finds it. */
static void do_list(struct call *c)
{
    mp_obj_t dir = str_of(c->path);
    mp_obj_t it = mp_vfs_ilistdir(1, &dir);
    mp_obj_t entry;

    while ((entry = mp_iternext(it)) != MP_OBJ_STOP_ITERATION) {
        mp_obj_t *item;
        size_t n;
        const char *name;
        mp_int_t mode;

        mp_obj_get_array(entry, &n, &item);
        if (n < 2 || c->stop)
            continue;
        name = mp_obj_str_get_str(item[0]);
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        mode = mp_obj_get_int(item[1]) & 0xF000;
        c->stop = c->fn(c->fn_ctx, name, mode == MP_S_IFDIR ? QPYBAK_TYPE_DIR
                                         : mode == MP_S_IFREG ? QPYBAK_TYPE_FILE
                                         : QPYBAK_TYPE_OTHER);
    }
}

/* ------------------------------------------------------------ the port */

static bool under(const char *path, const char *root)
{
    size_t n = strlen(root);

    return strncmp(path, root, n) == 0 && path[n] == '/';
}

/* Device paths are VFS paths: /usr and /bak are the mount points.  The
 * backup partition is never changed through the port. */
static int route(const char *path, bool change)
{
    if (under(path, "/usr"))
        return 0;
    if (under(path, "/bak"))
        return change ? QPYBAK_ERR_ROFS : 0;
    return QPYBAK_ERR_INVAL;
}

static bool handle_ok(const struct qpybak_mp_vfs *vfs, int h)
{
    return h >= 0 && h < QPYBAK_MP_MAX_OPEN && vfs->file[h] != MP_OBJ_NULL;
}

static int vp_stat(void *ctx, const char *path, struct qpybak_stat *st)
{
    struct call c = { .path = path, .st = st };
    int err = route(path, false);

    return err ? err : protect(ctx, do_stat, &c);
}

static int vp_open(void *ctx, const char *path, int flags)
{
    struct qpybak_mp_vfs *vfs = ctx;
    bool write = (flags & QPYBAK_O_WRITE) != 0;
    struct call c = { .path = path, .mode = write ? MP_QSTR_xb : MP_QSTR_rb };
    struct qpybak_stat st;
    int h, err = route(path, write);

    if (err)
        return err;
    for (h = 0; h < QPYBAK_MP_MAX_OPEN && vfs->file[h] != MP_OBJ_NULL; h++)
        ;
    if (h == QPYBAK_MP_MAX_OPEN)
        return PORT_ERR_MFILE;
    err = protect(vfs, do_open, &c);
    /* FatFs says "no file" for a folder: the core must hear "a folder". */
    if (err == QPYBAK_ERR_NOENT && !write && vp_stat(vfs, path, &st) == 0 &&
        st.type != QPYBAK_TYPE_FILE)
        return st.type == QPYBAK_TYPE_DIR ? QPYBAK_ERR_ISDIR : QPYBAK_ERR_INVAL;
    if (err)
        return err;
    vfs->file[h] = c.file;
    return h;
}

static int stream_call(struct qpybak_mp_vfs *vfs, int h, void (*body)(struct call *), struct call *c)
{
    int err;

    if (!handle_ok(vfs, h))
        return PORT_ERR_BADF;
    c->file = vfs->file[h];
    err = protect(vfs, body, c);
    if (err)
        return err;
    return c->count == MP_STREAM_ERROR ? errno_error(c->errcode) : 0;
}

static int vp_read(void *ctx, int h, void *buf, size_t len)
{
    struct call c = { .buf = buf, .len = len < INT_MAX ? len : INT_MAX };
    int err = stream_call(ctx, h, do_read, &c);

    return err ? err : (int)c.count;
}

static int vp_write(void *ctx, int h, const void *buf, size_t len)
{
    /* The stream protocol takes a const buffer for write. */
    struct call c = { .buf = (void *)(uintptr_t)buf, .len = len < INT_MAX ? len : INT_MAX };
    int err = stream_call(ctx, h, do_write, &c);

    return err ? err : (int)c.count;
}

static int vp_sync(void *ctx, int h)
{
    struct call c = { .request = MP_STREAM_FLUSH };

    return stream_call(ctx, h, do_ioctl, &c);
}

static int vp_close(void *ctx, int h)
{
    struct qpybak_mp_vfs *vfs = ctx;
    struct call c = { .request = MP_STREAM_CLOSE };
    int err = stream_call(vfs, h, do_ioctl, &c);

    if (handle_ok(vfs, h))
        vfs->file[h] = MP_OBJ_NULL; /* released even when close failed */
    return err;
}

static int vp_rename(void *ctx, const char *from, const char *to)
{
    struct call c = { .path = from, .to = to };
    int err = route(from, true);

    if (err == 0)
        err = route(to, true);
    return err ? err : protect(ctx, do_rename, &c);
}

static int vp_remove(void *ctx, const char *path)
{
    struct call c = { .path = path };
    int err = route(path, true);

    if (err)
        return err;
    err = protect(ctx, do_remove, &c);
    if (err != QPYBAK_ERR_ISDIR)
        return err;
    /* VfsFat removes folders with rmdir only, and FatFs refuses a folder
     * that is not empty with FR_DENIED (EACCES). */
    err = protect(ctx, do_rmdir, &c);
    return err == QPYBAK_ERR_ACCES ? QPYBAK_ERR_NOTEMPTY : err;
}

static int vp_mkdir(void *ctx, const char *path)
{
    struct call c = { .path = path };
    int err = route(path, true);

    return err ? err : protect(ctx, do_mkdir, &c);
}

static int vp_list(void *ctx, const char *path,
                   int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type),
                   void *fn_ctx)
{
    struct call c = { .path = path, .fn = fn, .fn_ctx = fn_ctx };
    int err = route(path, false);

    if (err == 0)
        err = protect(ctx, do_list, &c);
    return c.stop ? c.stop : err;
}

void qpybak_mp_vfs_init(struct qpybak_mp_vfs *vfs)
{
    int h;

    memset(&vfs->port, 0, sizeof vfs->port);
    for (h = 0; h < QPYBAK_MP_MAX_OPEN; h++)
        vfs->file[h] = MP_OBJ_NULL;
    vfs->pending = MP_OBJ_NULL;
    vfs->port.ctx = vfs;
    vfs->port.open = vp_open;
    vfs->port.read = vp_read;
    vfs->port.write = vp_write;
    vfs->port.sync = vp_sync;
    vfs->port.close = vp_close;
    vfs->port.stat = vp_stat;
    vfs->port.rename = vp_rename;
    vfs->port.remove = vp_remove;
    vfs->port.mkdir = vp_mkdir;
    vfs->port.list = vp_list;
}
