/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one wrapper through which every storage call of the core goes: the
 * place to trace, and where test builds count operations and inject faults
 * (through the port itself, so the core is tested as it ships).
 */
#include "core.h"

int io_open(struct core *c, const char *path, int flags)
{
    return c->port->open(c->port->ctx, path, flags);
}

int io_read(struct core *c, int handle, void *buf, size_t len)
{
    int n = c->port->read(c->port->ctx, handle, buf, len);

    if (n > 0 && (size_t)n > len)
        return QPYBAK_ERR_IO; /* a port that claims more than asked is broken */
    return n;
}

int io_write(struct core *c, int handle, const void *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)buf;

    while (len > 0) {
        int n = c->port->write(c->port->ctx, handle, p, len);

        if (n < 0)
            return n;
        if (n == 0 || (size_t)n > len)
            return QPYBAK_ERR_IO; /* no progress: treat as a failed write */
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int io_sync(struct core *c, int handle)
{
    return c->port->sync(c->port->ctx, handle);
}

int io_close(struct core *c, int handle)
{
    return c->port->close(c->port->ctx, handle);
}

int io_stat(struct core *c, const char *path, struct qpybak_stat *st)
{
    return c->port->stat(c->port->ctx, path, st);
}

int io_rename(struct core *c, const char *from, const char *to)
{
    return c->port->rename(c->port->ctx, from, to);
}

int io_remove(struct core *c, const char *path)
{
    return c->port->remove(c->port->ctx, path);
}

int io_mkdir(struct core *c, const char *path)
{
    return c->port->mkdir(c->port->ctx, path);
}

int io_list(struct core *c, const char *path,
            int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type), void *fn_ctx)
{
    if (c->port->list == NULL)
        return QPYBAK_ERR_INVAL;
    return c->port->list(c->port->ctx, path, fn, fn_ctx);
}
