/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
#include "split_port.h"

#include "target.h"

int target_call_on(uintptr_t sp, int (*fn)(void *), void *arg);

/* an386.ld: between the heap and the main stack. */
extern uint32_t __port_stack_limit__[], __port_stack_top__[];
static uintptr_t port_sp;         /* where the next port call starts */
static const struct qpybak_port *inner;
static struct qpybak_port relay;

#define ALIGN_DOWN(sp) ((sp) & ~(uintptr_t)7)

enum which { OPEN, READ, WRITE, SYNC, CLOSE, STAT, RENAME, REMOVE, MKDIR, LIST, LOCK, UNLOCK };

struct list_relay {
    int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type);
    void *fn_ctx;
    uintptr_t main_sp; /* where the callback runs: below the core's list call */
    const char *name;
    enum qpybak_type type;
};

struct call {
    enum which which;
    const char *path;
    const char *path2;
    int n; /* flags, handle or mode */
    void *buf;
    const void *cbuf;
    size_t len;
    struct qpybak_stat *st;
    int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type);
    void *fn_ctx;
};

/* The calls in progress (a list callback may call the port again), kept
 * off the main stack so that the relay adds little to the core's measure:
 * one saved register pair per call, and call_on's. */
#define DEPTH_MAX 4
static struct call calls[DEPTH_MAX];
static struct list_relay lists[DEPTH_MAX];
static unsigned depth;

/* On the main stack: the core's list callback. */
static int list_thunk(void *arg)
{
    struct list_relay *l = (struct list_relay *)arg;

    return l->fn(l->fn_ctx, l->name, l->type);
}

/* On the port stack, called by the port's list: back to the main stack.
 * A port call the callback makes continues the port stack below here. */
static int list_back(void *fn_ctx, const char *name, enum qpybak_type type)
{
    struct list_relay *l = (struct list_relay *)fn_ctx;
    uintptr_t saved = port_sp;
    int ret;

    l->name = name;
    l->type = type;
    port_sp = ALIGN_DOWN(target_sp() - 64);
    ret = target_call_on(l->main_sp, list_thunk, l);
    port_sp = saved;
    return ret;
}

/* On the port stack: the port's operation. */
static int dispatch(void *arg)
{
    const struct call *c = (const struct call *)arg;
    void *ctx = inner->ctx;

    switch (c->which) {
    case OPEN:
        return inner->open(ctx, c->path, c->n);
    case READ:
        return inner->read(ctx, c->n, c->buf, c->len);
    case WRITE:
        return inner->write(ctx, c->n, c->cbuf, c->len);
    case SYNC:
        return inner->sync(ctx, c->n);
    case CLOSE:
        return inner->close(ctx, c->n);
    case STAT:
        return inner->stat(ctx, c->path, c->st);
    case RENAME:
        return inner->rename(ctx, c->path, c->path2);
    case REMOVE:
        return inner->remove(ctx, c->path);
    case MKDIR:
        return inner->mkdir(ctx, c->path);
    case LIST: {
        /* The relay of this depth (the call's own slot is depth - 1). */
        struct list_relay *l = &lists[c - calls];

        l->fn = c->fn;
        l->fn_ctx = c->fn_ctx;
        return inner->list(ctx, c->path, list_back, l);
    }
    case LOCK:
        return inner->lock(ctx, c->n);
    case UNLOCK:
        return inner->unlock(ctx);
    }
    return QPYBAK_ERR_INVAL;
}

/* The slot for a new call, or NULL when calls nest too deep. */
static struct call *slot(enum which which)
{
    struct call *c;

    if (depth == DEPTH_MAX)
        return NULL;
    c = &calls[depth];
    c->which = which;
    return c;
}

__attribute__((always_inline)) static inline int on_port(struct call *c)
{
    int ret;

    depth++;
    ret = target_call_on(port_sp, dispatch, c);
    depth--;
    return ret;
}

static int op_open(void *ctx, const char *path, int flags)
{
    struct call *c = slot(OPEN);

    (void)ctx;
    if (!c)
        return QPYBAK_ERR_NOMEM;
    c->path = path;
    c->n = flags;
    return on_port(c);
}

static int op_read(void *ctx, int handle, void *buf, size_t len)
{
    struct call *c = slot(READ);

    (void)ctx;
    if (!c)
        return QPYBAK_ERR_NOMEM;
    c->n = handle;
    c->buf = buf;
    c->len = len;
    return on_port(c);
}

static int op_write(void *ctx, int handle, const void *buf, size_t len)
{
    struct call *c = slot(WRITE);

    (void)ctx;
    if (!c)
        return QPYBAK_ERR_NOMEM;
    c->n = handle;
    c->cbuf = buf;
    c->len = len;
    return on_port(c);
}

static int op_n(enum which which, int n)
{
    struct call *c = slot(which);

    if (!c)
        return QPYBAK_ERR_NOMEM;
    c->n = n;
    return on_port(c);
}

static int op_sync(void *ctx, int handle)
{
    (void)ctx;
    return op_n(SYNC, handle);
}

static int op_close(void *ctx, int handle)
{
    (void)ctx;
    return op_n(CLOSE, handle);
}

static int op_lock(void *ctx, int mode)
{
    (void)ctx;
    return op_n(LOCK, mode);
}

static int op_unlock(void *ctx)
{
    (void)ctx;
    return op_n(UNLOCK, 0);
}

static int op_stat(void *ctx, const char *path, struct qpybak_stat *st)
{
    struct call *c = slot(STAT);

    (void)ctx;
    if (!c)
        return QPYBAK_ERR_NOMEM;
    c->path = path;
    c->st = st;
    return on_port(c);
}

static int op_path(enum which which, const char *path, const char *path2)
{
    struct call *c = slot(which);

    if (!c)
        return QPYBAK_ERR_NOMEM;
    c->path = path;
    c->path2 = path2;
    return on_port(c);
}

static int op_rename(void *ctx, const char *from, const char *to)
{
    (void)ctx;
    return op_path(RENAME, from, to);
}

static int op_remove(void *ctx, const char *path)
{
    (void)ctx;
    return op_path(REMOVE, path, NULL);
}

static int op_mkdir(void *ctx, const char *path)
{
    (void)ctx;
    return op_path(MKDIR, path, NULL);
}

static int op_list(void *ctx, const char *path,
                   int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type), void *fn_ctx)
{
    struct call *c = slot(LIST);

    (void)ctx;
    if (!c)
        return QPYBAK_ERR_NOMEM;
    c->path = path;
    c->fn = fn;
    c->fn_ctx = fn_ctx;
    /* The callback runs below this frame and call_on's two saved words. */
    lists[depth].main_sp = ALIGN_DOWN(target_sp() - 16);
    return on_port(c);
}

const struct qpybak_port *split_port(const struct qpybak_port *port)
{
    inner = port;
    port_sp = ALIGN_DOWN((uintptr_t)__port_stack_top__);
    relay.ctx = NULL;
    relay.open = op_open;
    relay.read = op_read;
    relay.write = op_write;
    relay.sync = op_sync;
    relay.close = op_close;
    relay.stat = op_stat;
    relay.rename = op_rename;
    relay.remove = op_remove;
    relay.mkdir = op_mkdir;
    relay.list = port->list ? op_list : NULL;
    relay.lock = port->lock ? op_lock : NULL;
    relay.unlock = port->unlock ? op_unlock : NULL;
    return &relay;
}

void split_port_paint(void)
{
    target_region_paint(__port_stack_limit__, __port_stack_top__);
}

size_t split_port_peak(void)
{
    return target_region_peak(__port_stack_limit__, __port_stack_top__);
}
