/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX storage port (see qpybak_posix.h and the port contract in
 * qpybak.h).
 *
 * Two host directories stand in for the partitions.  A device path is never
 * handed to the host as a path from the current directory: it is checked
 * component by component ("." and ".." and empty ones refused) and then
 * resolved from the root's directory descriptor, so neither a symbolic link
 * nor ".." - in a hostile manifest or a planted tree - can reach outside a
 * root, whatever the current directory or a race does.  Two resolvers, one
 * chosen at run time (qpybak_posix_open):
 *
 *  - beneath: one openat2(2) call with RESOLVE_BENEATH |
 *    RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, where the kernel has it
 *    (Linux 5.6+, and no seccomp filter refusing it): the kernel refuses a
 *    link anywhere in the path (ELOOP) and any escape (EXDEV).  A tracked
 *    file costs openat2, fstat, reads, close.
 *  - walk: every directory on the way opened with
 *    openat(O_DIRECTORY | O_NOFOLLOW), one at a time; the last component
 *    opened with O_NOFOLLOW.  Each folder level costs an openat and a close.
 *
 * Both give the same answers: a link anywhere is QPYBAK_ERR_LOOP, a file
 * where a folder belongs QPYBAK_ERR_NOTDIR, and so on.  walk_only (or
 * QPYBAK_POSIX_WALK=1 in the environment) forces the walk; the tests run
 * the link cases both ways.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* syscall(), syncfs(), DT_* */
#endif
#include "qpybak_posix.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h> /* renameat */
#include <stdlib.h> /* getenv */
#include <string.h>
#include <sys/file.h> /* flock */
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#include <sys/utsname.h>
#endif

/* openat2(2): glibc has no wrapper; the structure and flags are the
 * kernel's ABI (linux/openat2.h), spelled here so that older headers do. */
#if defined(__linux__) && (defined(SYS_openat2) || defined(__NR_openat2))
#define HAVE_OPENAT2 1
#ifndef SYS_openat2
#define SYS_openat2 __NR_openat2
#endif
struct px_open_how {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
};
#define PX_RESOLVE_NO_MAGICLINKS 0x02u
#define PX_RESOLVE_NO_SYMLINKS 0x04u
#define PX_RESOLVE_BENEATH 0x08u
#endif
#ifdef O_PATH
#define PX_O_PATH O_PATH
#else
#define PX_O_PATH O_RDONLY /* no openat2 there either: never used */
#endif

/* Longest device path the port accepts; the core's names are far shorter
 * (name_max, 255 by default), this only bounds the stack copy. */
#define PATH_CAP 4096

/* One resolved path: the directory that holds the last component, and
 * that component.  leaf is NULL when the path is a root itself. */
struct where {
    int dir;          /* owned unless it is one of the roots */
    const char *leaf; /* points into buf */
    int root;         /* the root's descriptor, to tell the two apart */
    char buf[PATH_CAP];
};

int qpybak_posix_error(int errnum)
{
    switch (errnum) {
    case ENOENT: return QPYBAK_ERR_NOENT;
    case EIO: return QPYBAK_ERR_IO;
    case ENOMEM: return QPYBAK_ERR_NOMEM;
    case EACCES: return QPYBAK_ERR_ACCES;
    case EBUSY: return QPYBAK_ERR_BUSY;
    case EEXIST: return QPYBAK_ERR_EXIST;
    case ENOTDIR: return QPYBAK_ERR_NOTDIR;
    case EISDIR: return QPYBAK_ERR_ISDIR;
    case EINVAL: return QPYBAK_ERR_INVAL;
    case EFBIG: return QPYBAK_ERR_FBIG;
    case EOVERFLOW: return QPYBAK_ERR_FBIG; /* off_t cannot hold the size */
    case ENOSPC: return QPYBAK_ERR_NOSPC;
#ifdef EDQUOT
    case EDQUOT: return QPYBAK_ERR_NOSPC;
#endif
    case EROFS: return QPYBAK_ERR_ROFS;
    case ENAMETOOLONG: return QPYBAK_ERR_NAMETOOLONG;
#if ENOTEMPTY != EEXIST /* one value on some systems */
    case ENOTEMPTY: return QPYBAK_ERR_NOTEMPTY;
#endif
    case ELOOP: return QPYBAK_ERR_LOOP;
    case 0: return QPYBAK_ERR_IO; /* a failure that set no errno */
    default: return -errnum;      /* the port's own code, passed through */
    }
}

static int fail(void)
{
    return qpybak_posix_error(errno);
}

static bool is_root(const struct qpybak_posix *p, int fd)
{
    return fd == p->usr_fd || fd == p->bak_fd;
}

static void release(const struct qpybak_posix *p, struct where *w)
{
    if (w->dir >= 0 && !is_root(p, w->dir))
        close(w->dir);
    w->dir = -1;
}

/* The backup partition is read-only at run time: whatever the core or a
 * hostile tree asks, nothing under /bak is written unless the caller opted
 * in (pack).  The prefix test is walk()'s own choice of root. */
static int writable(const struct qpybak_posix *p, const char *path)
{
    bool bak = strncmp(path, "/bak", 4) == 0 && (path[4] == '\0' || path[4] == '/');

    return bak && !p->bak_writable ? QPYBAK_ERR_ROFS : 0;
}

/* "." and ".." would step out of the walk; an empty component is "//" or a
 * trailing '/'.  The core never sends them; the port refuses them anyway. */
static bool bad_component(const char *s)
{
    return s[0] == '\0' || (s[0] == '.' && (s[1] == '\0' || (s[1] == '.' && s[2] == '\0')));
}

/* After a failed open of a component in dir: a symbolic link there is
 * QPYBAK_ERR_LOOP (Linux says ELOOP or ENOTDIR, depending on the flags). */
static int open_error(int dir, const char *name)
{
    int err = errno;
    struct stat st;

    if ((err == ENOTDIR || err == ELOOP) && fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISLNK(st.st_mode))
        return QPYBAK_ERR_LOOP;
    return qpybak_posix_error(err);
}

static bool beneath(const struct qpybak_posix *p)
{
    return p->has_openat2 && !p->walk_only;
}

static bool deferred(const struct qpybak_posix *p)
{
    return p->defer_sync && p->has_syncfs;
}

/* Maps "/usr/..." or "/bak/..." to its root and copies the rest ("" for
 * the root itself) to w->buf, every component checked.  w->dir is -1. */
static int split(const struct qpybak_posix *p, const char *path, struct where *w)
{
    size_t len = strlen(path);
    char *s, *slash;

    w->dir = -1;
    w->leaf = NULL;
    if (len < 4 || path[0] != '/' || (path[4] != '\0' && path[4] != '/'))
        return QPYBAK_ERR_INVAL;
    if (memcmp(path + 1, "usr", 3) == 0)
        w->root = p->usr_fd;
    else if (memcmp(path + 1, "bak", 3) == 0)
        w->root = p->bak_fd;
    else
        return QPYBAK_ERR_INVAL;
    if (w->root < 0)
        return QPYBAK_ERR_NOENT; /* that root was not given: nothing is there */
    if (len >= PATH_CAP)
        return QPYBAK_ERR_NAMETOOLONG;
    if (path[4] == '\0') {
        w->buf[0] = '\0';
        return 0; /* the root itself */
    }
    memcpy(w->buf, path + 5, len - 4); /* with the NUL */
    for (s = w->buf;; s = slash + 1) {
        slash = strchr(s, '/');
        if (slash)
            *slash = '\0';
        if (bad_component(s))
            return QPYBAK_ERR_INVAL;
        if (slash == NULL)
            return 0;
        *slash = '/';
    }
}

#ifdef HAVE_OPENAT2
/* openat2(root, rel, ...) with the kernel refusing any link and any way
 * out of root.  Returns the descriptor or -1 with errno set. */
static int openat2_beneath(int root, const char *rel, int flags, unsigned mode)
{
    struct px_open_how how;
    int fd, tries = 0;

    memset(&how, 0, sizeof(how));
    how.flags = (uint64_t)(unsigned)(flags | O_NOFOLLOW | O_CLOEXEC);
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = PX_RESOLVE_BENEATH | PX_RESOLVE_NO_SYMLINKS | PX_RESOLVE_NO_MAGICLINKS;
    do
        fd = (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
    /* EAGAIN: a rename raced with the check that nothing escapes. */
    while (fd < 0 && (errno == EINTR || (errno == EAGAIN && ++tries < 8)));
    return fd;
}
#else
static int openat2_beneath(int root, const char *rel, int flags, unsigned mode)
{
    (void)root;
    (void)rel;
    (void)flags;
    (void)mode;
    errno = ENOSYS;
    return -1;
}
#endif

/* After a failed openat2_beneath(root, rel): ELOOP is a link on the way
 * (or at the end, with O_NOFOLLOW), EXDEV a way out of the root; both are
 * what the walk reports as QPYBAK_ERR_LOOP.  With O_DIRECTORY a link at
 * the end is ENOTDIR: the link itself, opened with O_PATH, tells. */
static int beneath_error(int root, const char *rel)
{
    int err = errno, fd;
    struct stat st;

    if (err == ELOOP || err == EXDEV)
        return QPYBAK_ERR_LOOP;
    if (err == ENOTDIR && (fd = openat2_beneath(root, rel, PX_O_PATH, 0)) >= 0) {
        bool link = fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);

        close(fd);
        if (link)
            return QPYBAK_ERR_LOOP;
    }
    return qpybak_posix_error(err);
}

/* Resolves a device path to the directory that holds its last component,
 * never following a link.  On success w->dir and w->leaf name the last
 * component (w->leaf is NULL and w->dir the root for a root itself);
 * release(w) afterwards. */
static int walk(const struct qpybak_posix *p, const char *path, struct where *w)
{
    char *s, *slash;
    int err = split(p, path, w);

    if (err)
        return err;
    w->dir = w->root;
    if (w->buf[0] == '\0')
        return 0; /* the root itself */
    if (beneath(p)) {
        slash = strrchr(w->buf, '/');
        if (slash == NULL) {
            w->leaf = w->buf;
            return 0;
        }
        *slash = '\0';
        w->dir = openat2_beneath(w->root, w->buf, O_RDONLY | O_DIRECTORY, 0);
        if (w->dir < 0)
            return beneath_error(w->root, w->buf);
        w->leaf = slash + 1;
        return 0;
    }
    s = w->buf;
    while ((slash = strchr(s, '/')) != NULL) {
        int fd;

        *slash = '\0';
        fd = openat(w->dir, s, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            err = open_error(w->dir, s);
            release(p, w);
            return err;
        }
        release(p, w);
        w->dir = fd;
        s = slash + 1;
    }
    w->leaf = s;
    return 0;
}

/* Opens a device path itself (flags as openat's; O_NOFOLLOW and O_CLOEXEC
 * added): one openat2 call, or the walk and an openat of the last
 * component.  Returns the descriptor or a negative error; a root itself
 * is QPYBAK_ERR_ISDIR. */
static int open_path(const struct qpybak_posix *p, const char *path, int flags)
{
    struct where w;
    int fd, err;

    if (beneath(p)) {
        err = split(p, path, &w);
        if (err)
            return err;
        if (w.buf[0] == '\0')
            return QPYBAK_ERR_ISDIR;
        fd = openat2_beneath(w.root, w.buf, flags, 0644);
        if (fd < 0)
            return errno == ENXIO ? QPYBAK_ERR_INVAL /* a FIFO or socket */
                                  : beneath_error(w.root, w.buf);
        return fd;
    }
    err = walk(p, path, &w);
    if (err)
        return err;
    if (w.leaf == NULL) {
        release(p, &w);
        return QPYBAK_ERR_ISDIR;
    }
    fd = openat(w.dir, w.leaf, flags | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) {
        release(p, &w);
        return fd;
    }
    err = errno == ENXIO ? QPYBAK_ERR_INVAL /* a FIFO or socket */ : open_error(w.dir, w.leaf);
    release(p, &w);
    return err;
}

/* fsync of a directory makes a rename, a new entry or a removal in it
 * durable.  Some file systems cannot sync a directory (EINVAL): nothing
 * more can be done there, so that is not an error. */
static int sync_dir(const struct qpybak_posix *p, int fd)
{
    if (deferred(p))
        return 0; /* qpybak_posix_sync() */
    while (fsync(fd) != 0) {
        if (errno == EINTR)
            continue;
        return errno == EINVAL ? 0 : fail();
    }
    return 0;
}

static int fd_of(const struct qpybak_posix *p, int handle)
{
    if (handle < 0 || handle >= QPYBAK_POSIX_MAX_OPEN || p->fds[handle] < 0)
        return -1;
    return p->fds[handle];
}

/* The open(2) flags of a port open.  Writing creates a new file and
 * nothing else (O_EXCL): whatever already has the name - a file, a hard
 * link to a backup file, a symbolic link, a directory, a FIFO - is
 * QPYBAK_ERR_EXIST and is never truncated or written through; the core
 * removes it and tries again.  O_EXCL also never follows a link at the
 * last component.  A read is non-blocking, so that a FIFO cannot hang it. */
static int open_flags(int flags)
{
    if ((flags & QPYBAK_O_WRITE) == 0)
        return O_RDONLY | O_NONBLOCK;
    return ((flags & QPYBAK_O_READ) ? O_RDWR : O_WRONLY) | O_CREAT | O_EXCL;
}

static int px_open(void *ctx, const char *path, int flags)
{
    struct qpybak_posix *p = ctx;
    struct stat st;
    int handle, fd, err;

    st.st_size = 0;
    for (handle = 0; handle < QPYBAK_POSIX_MAX_OPEN && p->fds[handle] >= 0; handle++)
        ;
    if (handle == QPYBAK_POSIX_MAX_OPEN)
        return qpybak_posix_error(EMFILE);
    if ((flags & (QPYBAK_O_READ | QPYBAK_O_WRITE)) == 0)
        return QPYBAK_ERR_INVAL;
    if ((flags & QPYBAK_O_WRITE) && (err = writable(p, path)) != 0)
        return err;

    fd = open_path(p, path, open_flags(flags));
    if (fd < 0)
        return fd;
    /* O_CREAT | O_EXCL made a new regular file: nothing to check.  A read
     * checks what it opened, on the descriptor (no race). */
    if ((flags & QPYBAK_O_WRITE) == 0) {
        if (fstat(fd, &st) != 0) {
            err = fail();
            close(fd);
            return err;
        }
        if (!S_ISREG(st.st_mode)) {
            close(fd);
            return S_ISDIR(st.st_mode) ? QPYBAK_ERR_ISDIR : QPYBAK_ERR_INVAL;
        }
    }
    p->read_size[handle] = (flags & QPYBAK_O_WRITE) == 0 ? (uint64_t)st.st_size : 0;
    p->read_pos[handle] = 0;
    p->read_eof[handle] = false;
#ifndef __linux__
    /* Back to blocking I/O: POSIX leaves O_NONBLOCK unspecified for regular
     * files.  Linux ignores it for them, which saves two calls per file. */
    if ((flags & QPYBAK_O_WRITE) == 0 &&
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        err = fail();
        close(fd);
        return err;
    }
#endif
    p->fds[handle] = fd;
    return handle;
}

/* The count must fit the int result; the core asks for far less. */
static size_t clamp(size_t len)
{
    return len > (size_t)INT_MAX ? (size_t)INT_MAX : len;
}

/* A read that returns fewer bytes than asked and ends exactly at the size
 * fstat gave at open has met the end of the file (a short read for any
 * other reason - a signal, a file that changed size - ends elsewhere): the
 * reader's next call, which would only learn that, costs no system call.
 * A file read whole takes one read, not two.  (The check then describes
 * the file as that read found it, as it would anyway.) */
static int px_read(void *ctx, int handle, void *buf, size_t len)
{
    struct qpybak_posix *p = ctx;
    int fd = fd_of(p, handle);
    ssize_t n;

    if (fd < 0)
        return QPYBAK_ERR_INVAL;
    if (p->read_eof[handle] && len > 0)
        return 0;
    do
        n = read(fd, buf, clamp(len));
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return fail();
    p->read_pos[handle] += (uint64_t)n;
    if (n > 0 && (size_t)n < clamp(len) && p->read_pos[handle] == p->read_size[handle])
        p->read_eof[handle] = true;
    return (int)n;
}

static int px_write(void *ctx, int handle, const void *buf, size_t len)
{
    int fd = fd_of(ctx, handle);
    ssize_t n;

    if (fd < 0)
        return QPYBAK_ERR_INVAL;
    do
        n = write(fd, buf, clamp(len));
    while (n < 0 && errno == EINTR);
    return n < 0 ? fail() : (int)n; /* a short count is the core's to retry */
}

static int px_sync(void *ctx, int handle)
{
    int fd = fd_of(ctx, handle);

    if (fd < 0)
        return QPYBAK_ERR_INVAL;
    if (deferred(ctx))
        return 0; /* qpybak_posix_sync() */
    while (fsync(fd) != 0)
        if (errno != EINTR)
            return fail();
    return 0;
}

static int px_close(void *ctx, int handle)
{
    struct qpybak_posix *p = ctx;
    int fd = fd_of(p, handle);

    if (fd < 0)
        return QPYBAK_ERR_INVAL;
    p->fds[handle] = -1;
    /* Never retried: after EINTR the descriptor is already gone on Linux. */
    if (close(fd) != 0 && errno != EINTR)
        return fail();
    return 0;
}

static void fill_stat(const struct stat *st, struct qpybak_stat *out)
{
    out->type = S_ISREG(st->st_mode)   ? QPYBAK_TYPE_FILE
                : S_ISDIR(st->st_mode) ? QPYBAK_TYPE_DIR
                                       : QPYBAK_TYPE_OTHER; /* links included */
    out->size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
}

static int px_stat(void *ctx, const char *path, struct qpybak_stat *out)
{
    struct qpybak_posix *p = ctx;
    struct where w;
    struct stat st;
    int fd, err;

    if (beneath(p)) {
        /* O_PATH | O_NOFOLLOW opens a link at the end as itself: fstat
         * then says what lstat would. */
        err = split(p, path, &w);
        if (err)
            return err;
        if (w.buf[0] == '\0') {
            err = fstat(w.root, &st) ? fail() : 0;
        } else {
            fd = openat2_beneath(w.root, w.buf, PX_O_PATH, 0);
            if (fd < 0)
                return beneath_error(w.root, w.buf);
            err = fstat(fd, &st) ? fail() : 0;
            close(fd);
        }
        if (err == 0)
            fill_stat(&st, out);
        return err;
    }
    err = walk(p, path, &w);
    if (err)
        return err;
    if (w.leaf == NULL)
        err = fstat(w.dir, &st);
    else
        err = fstatat(w.dir, w.leaf, &st, AT_SYMLINK_NOFOLLOW);
    err = err ? fail() : 0;
    release(p, &w);
    if (err == 0)
        fill_stat(&st, out);
    return err;
}

static int px_rename(void *ctx, const char *from, const char *to)
{
    struct qpybak_posix *p = ctx;
    struct where a, b;
    int err = writable(p, from);

    if (err == 0)
        err = writable(p, to);
    if (err == 0)
        err = walk(p, from, &a);
    if (err)
        return err;
    err = walk(p, to, &b);
    if (err) {
        release(p, &a);
        return err;
    }
    /* A root cannot be renamed, and nothing moves between partitions. */
    if (a.leaf == NULL || b.leaf == NULL || a.root != b.root)
        err = QPYBAK_ERR_INVAL;
    else if (renameat(a.dir, a.leaf, b.dir, b.leaf) != 0)
        err = fail();
    else
        err = sync_dir(p, b.dir);
    release(p, &a);
    release(p, &b);
    return err;
}

static int px_remove(void *ctx, const char *path)
{
    struct qpybak_posix *p = ctx;
    struct where w;
    int err = writable(p, path);

    if (err == 0)
        err = walk(p, path, &w);
    if (err)
        return err;
    if (w.leaf == NULL) {
        err = QPYBAK_ERR_INVAL; /* a root */
    } else if (unlinkat(w.dir, w.leaf, 0) != 0) {
        /* Linux says EISDIR for a directory, POSIX allows EPERM. */
        if ((errno == EISDIR || errno == EPERM) && unlinkat(w.dir, w.leaf, AT_REMOVEDIR) == 0)
            err = sync_dir(p, w.dir);
        else
            err = fail();
    } else {
        err = sync_dir(p, w.dir);
    }
    release(p, &w);
    return err;
}

static int px_mkdir(void *ctx, const char *path)
{
    struct qpybak_posix *p = ctx;
    struct where w;
    int err = writable(p, path);

    if (err == 0)
        err = walk(p, path, &w);
    if (err)
        return err;
    if (w.leaf == NULL)
        err = QPYBAK_ERR_EXIST;
    else if (mkdirat(w.dir, w.leaf, 0755) != 0)
        err = fail();
    else
        err = sync_dir(p, w.dir); /* else a file renamed into it may vanish with it */
    release(p, &w);
    return err;
}

/* The type of a directory entry: readdir's d_type where the file system
 * gives one, else fstatat.  1: gone since the listing (skip it). */
static int entry_type(int dir, const struct dirent *de, enum qpybak_type *type)
{
    struct qpybak_stat qs;
    struct stat st;

#ifdef DT_UNKNOWN
    if (de->d_type != DT_UNKNOWN) {
        *type = de->d_type == DT_REG   ? QPYBAK_TYPE_FILE
                : de->d_type == DT_DIR ? QPYBAK_TYPE_DIR
                                       : QPYBAK_TYPE_OTHER; /* links included */
        return 0;
    }
#endif
    if (fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 1 : fail(); /* ENOENT: removed while we listed */
    fill_stat(&st, &qs);
    *type = qs.type;
    return 0;
}

static int px_list(void *ctx, const char *path,
                   int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type), void *fn_ctx)
{
    struct qpybak_posix *p = ctx;
    struct where w;
    struct dirent *de;
    DIR *d;
    int fd, err;

    fd = open_path(p, path, O_RDONLY | O_DIRECTORY); /* closedir closes it */
    if (fd == QPYBAK_ERR_ISDIR) { /* only for a root itself */
        err = split(p, path, &w);
        if (err)
            return err;
        fd = openat(w.root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return fail();
    } else if (fd < 0) {
        return fd;
    }
    d = fdopendir(fd);
    if (d == NULL) {
        err = fail();
        close(fd);
        return err;
    }
    for (;;) {
        enum qpybak_type type = QPYBAK_TYPE_OTHER;

        errno = 0;
        de = readdir(d);
        if (de == NULL) {
            err = errno ? fail() : 0;
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        err = entry_type(fd, de, &type);
        if (err > 0)
            continue;
        if (err)
            break;
        err = fn(fn_ctx, de->d_name, type);
        if (err)
            break;
    }
    closedir(d);
    return err;
}

static int flock_retry(int fd, int op)
{
    while (flock(fd, op) != 0)
        if (errno != EINTR)
            return errno;
    return 0;
}

/* port.lock: flock(2) on the /usr root, which every run of every process
 * opens anew, so runs on one user partition exclude each other whatever
 * path (a bind mount, a link) they were given.  The kernel drops it when
 * the process ends: a cut or killed run leaves nothing behind. */
static int px_lock(void *ctx, int mode)
{
    struct qpybak_posix *p = ctx;
    int op, err;

    if (mode != QPYBAK_LOCK_SHARED && mode != QPYBAK_LOCK_EXCLUSIVE)
        return QPYBAK_ERR_INVAL;
    if (p->usr_fd < 0)
        return 0; /* no user partition given: nothing here can be written */
    op = mode == QPYBAK_LOCK_SHARED ? LOCK_SH : LOCK_EX;
    err = flock_retry(p->usr_fd, op | LOCK_NB);
    if ((err == EWOULDBLOCK || err == EAGAIN) && !p->lock_nowait) {
        if (p->on_wait != NULL)
            p->on_wait(p->wait_ctx); /* once, before the wait: a wait can be long */
        err = flock_retry(p->usr_fd, op);
    }
    if (err == EWOULDBLOCK || err == EAGAIN)
        return QPYBAK_ERR_BUSY;
    return err ? qpybak_posix_error(err) : 0;
}

static int px_unlock(void *ctx)
{
    struct qpybak_posix *p = ctx;
    int err;

    if (p->usr_fd < 0)
        return 0;
    err = flock_retry(p->usr_fd, LOCK_UN);
    return err ? qpybak_posix_error(err) : 0;
}

static int open_root(const char *dir, int *fd)
{
    struct stat st;
    int err;

    *fd = -1;
    if (dir == NULL)
        return 0;
    /* The root itself may be reached through a link: the user chose it. */
    *fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return fail();
    if (fstat(*fd, &st) != 0)
        err = fail();
    else if (!S_ISDIR(st.st_mode))
        err = QPYBAK_ERR_NOTDIR;
    else
        return 0;
    close(*fd);
    *fd = -1;
    return err;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether the directory dir is `other` or lies below it (*found).  Its
 * ancestors are compared with other by device and inode - a path string
 * would miss a bind mount - walking up through "..", "../..", ... until
 * the file system's root, whose ".." is itself.  Those paths need search
 * permission only and open nothing.  A walk that cannot finish is an
 * error: the answer must not default to "apart". */
static int lies_in(int dir, const struct stat *other, bool *found)
{
    char up[PATH_CAP];
    struct stat cur, parent;
    size_t n = 2;

    *found = false;
    if (fstat(dir, &cur) != 0)
        return fail();
    memcpy(up, "..", 3);
    for (;;) {
        if (same_file(&cur, other)) {
            *found = true;
            return 0;
        }
        if (fstatat(dir, up, &parent, 0) != 0)
            return fail();
        if (same_file(&parent, &cur))
            return 0; /* the root: nothing above */
        if (n + 4 > sizeof(up))
            return QPYBAK_ERR_NAMETOOLONG;
        memcpy(up + n, "/..", 4);
        n += 3;
        cur = parent;
    }
}

/* The two roots must be apart: the same directory, or one inside the
 * other, and a write to /usr would land in /bak (or the reverse). */
static int roots_apart(const struct qpybak_posix *p)
{
    struct stat usr, bak;
    bool found = false;
    int err;

    if (p->usr_fd < 0 || p->bak_fd < 0)
        return 0;
    if (fstat(p->usr_fd, &usr) != 0 || fstat(p->bak_fd, &bak) != 0)
        return fail();
    err = lies_in(p->usr_fd, &bak, &found);
    if (err == 0 && !found)
        err = lies_in(p->bak_fd, &usr, &found);
    return err ? err : found ? QPYBAK_POSIX_ERR_OVERLAP : 0;
}

/* Whether openat2 with RESOLVE_BENEATH works here: the kernel may be
 * older than 5.6, or a seccomp filter (a container) may refuse it. */
static bool probe_openat2(int dir)
{
    int fd;

    if (dir < 0)
        return false;
    fd = openat2_beneath(dir, ".", O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* Whether syncfs(2) reports write-back errors: Linux 5.8 and later.
 * Before, it synced but said nothing of a page that failed to reach the
 * disk, and fsync per file is the only way to hear of it. */
static bool probe_syncfs(void)
{
#ifdef __linux__
    struct utsname u;
    char *end;
    long major, minor;

    if (uname(&u) != 0)
        return false;
    major = strtol(u.release, &end, 10);
    if (*end != '.')
        return false;
    minor = strtol(end + 1, NULL, 10);
    return major > 5 || (major == 5 && minor >= 8);
#else
    return false;
#endif
}

int qpybak_posix_open(struct qpybak_posix *p, const char *usr_root, const char *bak_root)
{
    const char *walk_env = getenv("QPYBAK_POSIX_WALK");
    int i, err;

    memset(p, 0, sizeof(*p));
    for (i = 0; i < QPYBAK_POSIX_MAX_OPEN; i++)
        p->fds[i] = -1;
    p->port.ctx = p;
    p->port.open = px_open;
    p->port.read = px_read;
    p->port.write = px_write;
    p->port.sync = px_sync;
    p->port.close = px_close;
    p->port.stat = px_stat;
    p->port.rename = px_rename;
    p->port.remove = px_remove;
    p->port.mkdir = px_mkdir;
    p->port.list = px_list;
    p->port.lock = px_lock;
    p->port.unlock = px_unlock;
    p->bak_fd = -1;
    p->usr_root = usr_root;
    p->bak_root = bak_root;
    p->walk_only = walk_env != NULL && strcmp(walk_env, "1") == 0;

    p->failed_root = usr_root;
    err = open_root(usr_root, &p->usr_fd);
    if (err == 0) {
        p->failed_root = bak_root;
        err = open_root(bak_root, &p->bak_fd);
    }
    if (err == 0) {
        p->failed_root = usr_root;
        err = roots_apart(p);
    }
    if (err) {
        qpybak_posix_close(p);
        return err;
    }
    p->failed_root = NULL;
    /* Not even probed when the walk is forced: a tool that does not know
     * the system call (valgrind 3.19) would say so on stderr. */
    p->has_openat2 = !p->walk_only && probe_openat2(p->usr_fd >= 0 ? p->usr_fd : p->bak_fd);
    p->has_syncfs = probe_syncfs();
    return 0;
}

/* syncfs(2), or 0 where there is none (nothing was deferred there). */
static int sync_fs(int fd)
{
#ifdef __linux__
    while (syncfs(fd) != 0)
        if (errno != EINTR)
            return fail();
#else
    (void)fd;
#endif
    return 0;
}

int qpybak_posix_sync(struct qpybak_posix *p)
{
    struct stat usr, bak;
    bool one_fs;
    int err = 0;

    p->failed_root = NULL;
    if (!deferred(p))
        return 0; /* every sync was made when asked */
    one_fs = p->usr_fd >= 0 && p->bak_fd >= 0 && fstat(p->usr_fd, &usr) == 0 &&
             fstat(p->bak_fd, &bak) == 0 && usr.st_dev == bak.st_dev;
    if (p->bak_fd >= 0 && (err = sync_fs(p->bak_fd)) != 0)
        p->failed_root = p->bak_root;
    if (err == 0 && p->usr_fd >= 0 && !one_fs && (err = sync_fs(p->usr_fd)) != 0)
        p->failed_root = p->usr_root;
    return err;
}

void qpybak_posix_close(struct qpybak_posix *p)
{
    int i;

    for (i = 0; i < QPYBAK_POSIX_MAX_OPEN; i++) {
        if (p->fds[i] >= 0)
            close(p->fds[i]);
        p->fds[i] = -1;
    }
    if (p->usr_fd >= 0)
        close(p->usr_fd);
    if (p->bak_fd >= 0)
        close(p->bak_fd);
    p->usr_fd = -1;
    p->bak_fd = -1;
}
