/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one wrapper through which every storage call of the core goes: the
 * place to trace, and where test builds count operations and inject faults
 * (through the port itself, so the core is tested as it ships).
 */
#include "core.h"
#include "util.h"

int io_open(struct run *c, const char *path, int flags)
{
    int h = c->port->open(c->port->ctx, path, flags);

    QPYBAK_TRACE("qpybak: open %s 0x%x -> %d", path, (unsigned)flags, h);
    return h;
}

int io_read(struct run *c, int handle, void *buf, size_t len)
{
    int n = c->port->read(c->port->ctx, handle, buf, len);

    QPYBAK_TRACE("qpybak: read %d %lu -> %d", handle, (unsigned long)len, n);
    QPYBAK_ASSERT(n <= 0 || (size_t)n <= len);
    if (n > 0 && (size_t)n > len)
        return QPYBAK_ERR_IO; /* a port that claims more than asked is broken */
    return n;
}

int io_write(struct run *c, int handle, const void *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)buf;

    while (len > 0) {
        int n = c->port->write(c->port->ctx, handle, p, len);

        QPYBAK_TRACE("qpybak: write %d %lu -> %d", handle, (unsigned long)len, n);
        if (n < 0)
            return n;
        if (n == 0 || (size_t)n > len)
            return QPYBAK_ERR_IO; /* no progress: treat as a failed write */
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int io_sync(struct run *c, int handle)
{
    int r = c->port->sync(c->port->ctx, handle);

    QPYBAK_TRACE("qpybak: sync %d -> %d", handle, r);
    return r;
}

int io_close(struct run *c, int handle)
{
    int r = c->port->close(c->port->ctx, handle);

    QPYBAK_TRACE("qpybak: close %d -> %d", handle, r);
    return r;
}

int io_stat(struct run *c, const char *path, struct qpybak_stat *st)
{
    int r = c->port->stat(c->port->ctx, path, st);

    QPYBAK_TRACE("qpybak: stat %s -> %d", path, r);
    return r;
}

int io_rename(struct run *c, const char *from, const char *to)
{
    int r = c->port->rename(c->port->ctx, from, to);

    QPYBAK_TRACE("qpybak: rename %s %s -> %d", from, to, r);
    return r;
}

int io_replace(struct run *c, const char *from, const char *to)
{
    struct qpybak_stat st;
    int r = io_rename(c, from, to);

    /* A port whose rename cannot replace (FAT) says EXIST: the old file
     * goes first.  Until the second rename, `to` is missing and `from`
     * complete; the next boot finishes from there (docs/design.md,
     * "Renames that cannot replace").  A failed step is returned as it is,
     * so that a passing error is tried again like any other. */
    if (r != QPYBAK_ERR_EXIST)
        return r;
    r = io_stat(c, to, &st);
    if (!r && st.type != QPYBAK_TYPE_FILE)
        return QPYBAK_ERR_EXIST; /* only a file is replaced */
    if (!r)
        r = io_remove(c, to);
    if (!r || err_class(r) == ERR_ABSENT)
        r = io_rename(c, from, to);
    return r;
}

int io_remove(struct run *c, const char *path)
{
    int r = c->port->remove(c->port->ctx, path);

    QPYBAK_TRACE("qpybak: remove %s -> %d", path, r);
    return r;
}

int io_mkdir(struct run *c, const char *path)
{
    int r = c->port->mkdir(c->port->ctx, path);

    QPYBAK_TRACE("qpybak: mkdir %s -> %d", path, r);
    return r;
}

int io_list(struct run *c, const char *path,
            int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type), void *fn_ctx)
{
    int r;

    if (c->port->list == NULL)
        return QPYBAK_ERR_INVAL;
    r = c->port->list(c->port->ctx, path, fn, fn_ctx);
    QPYBAK_TRACE("qpybak: list %s -> %d", path, r);
    return r;
}
