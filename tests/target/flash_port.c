/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
#include "flash_port.h"

#include <string.h>

#include "target.h"

#define N_SLOTS (2 * FLASH_PORT_MAX_FILES)

static uint32_t path_hash(const char *path)
{
    uint32_t h = 2166136261u;

    while (*path)
        h = (h ^ (uint8_t)*path++) * 16777619u;
    return h;
}

static int find(const struct flash_port *flash, const char *path)
{
    uint32_t i = path_hash(path) % N_SLOTS;

    while (flash->slots[i]) {
        int f = flash->slots[i] - 1;

        if (strcmp(flash->files[f].path, path) == 0)
            return f;
        i = (i + 1) % N_SLOTS;
    }
    return -1;
}

int flash_port_add(struct flash_port *flash, const char *path, const void *data, uint32_t size,
                   enum flash_kind kind)
{
    uint32_t i;
    struct flash_file *f;

    if (flash->n_files == FLASH_PORT_MAX_FILES)
        return -1;
    f = &flash->files[flash->n_files];
    f->path = path;
    f->data = (const uint8_t *)data;
    f->size = size;
    f->type = data ? QPYBAK_TYPE_FILE : QPYBAK_TYPE_DIR;
    f->kind = kind;
    for (i = path_hash(path) % N_SLOTS; flash->slots[i]; i = (i + 1) % N_SLOTS) {
    }
    flash->slots[i] = (int16_t)++flash->n_files;
    return 0;
}

/* At a port call's entry: the core's instructions since the last call go
 * to what it was working on. */
static void bill_core(struct flash_port *flash)
{
#ifdef FLASH_PORT_ATTRIBUTE
    if (flash->attribute) {
        uint64_t now = target_icount();

        flash->insns[flash->working_on] += now - flash->mark;
        flash->mark = now;
    }
#else
    (void)flash;
#endif
}

/* At its exit: the call's own go to the port. */
static void bill_port(struct flash_port *flash)
{
#ifdef FLASH_PORT_ATTRIBUTE
    if (flash->attribute) {
        uint64_t now = target_icount();

        flash->insns[FLASH_KIND_PORT] += now - flash->mark;
        flash->mark = now;
    }
#else
    (void)flash;
#endif
}

/* The core opened or read through handle: it works on that file. */
static void working_on(struct flash_port *flash, int handle)
{
#ifdef FLASH_PORT_ATTRIBUTE
    flash->working_on = flash->files[flash->handles[handle].file].kind;
    flash->handles[handle].last_read = ++flash->read_seq;
#else
    (void)flash;
    (void)handle;
#endif
}

/* After a close: the core is back on the open file it read last. */
static void back_to_last_read(struct flash_port *flash)
{
#ifdef FLASH_PORT_ATTRIBUTE
    unsigned long best = 0;
    int h;

    flash->working_on = FLASH_KIND_OTHER;
    for (h = 0; h < FLASH_PORT_HANDLES; h++)
        if (flash->handles[h].file >= 0 && flash->handles[h].last_read > best) {
            best = flash->handles[h].last_read;
            flash->working_on = flash->files[flash->handles[h].file].kind;
        }
#else
    (void)flash;
#endif
}

void flash_port_attribute(struct flash_port *flash)
{
    memset(flash->insns, 0, sizeof flash->insns);
    memset(flash->bytes, 0, sizeof flash->bytes);
    flash->working_on = FLASH_KIND_OTHER;
    flash->attribute = true;
    flash->mark = target_icount();
}

static int open_file(struct flash_port *flash, const char *path, int flags)
{
    int f, h;

    if (flags & QPYBAK_O_WRITE) {
        flash->changes++;
        return QPYBAK_ERR_ROFS;
    }
    f = find(flash, path);
    if (f < 0)
        return QPYBAK_ERR_NOENT;
    if (flash->files[f].type != QPYBAK_TYPE_FILE)
        return QPYBAK_ERR_ISDIR;
    for (h = 0; h < FLASH_PORT_HANDLES; h++)
        if (flash->handles[h].file < 0) {
            flash->handles[h].file = f;
            flash->handles[h].pos = 0;
            flash->opens++;
            working_on(flash, h);
            return h;
        }
    return QPYBAK_ERR_NOMEM;
}

static int op_open(void *ctx, const char *path, int flags)
{
    struct flash_port *flash = (struct flash_port *)ctx;
    int ret;

    bill_core(flash);
    ret = open_file(flash, path, flags);
    bill_port(flash);
    return ret;
}

/* Sixteen bytes a turn: newlib-nano's memcpy goes byte by byte, and a
 * slow port would be billed to the core.  The Cortex-M4 loads and stores a
 * word at any address (the memcpy of 4 compiles to one LDR or STR), so the
 * manifests' odd offsets copy as fast as the files' aligned ones. */
static void copy(uint8_t *dst, const uint8_t *src, size_t n)
{
    uint32_t w0, w1, w2, w3;

    for (; n >= 16; n -= 16, dst += 16, src += 16) {
        memcpy(&w0, src, 4);
        memcpy(&w1, src + 4, 4);
        memcpy(&w2, src + 8, 4);
        memcpy(&w3, src + 12, 4);
        memcpy(dst, &w0, 4);
        memcpy(dst + 4, &w1, 4);
        memcpy(dst + 8, &w2, 4);
        memcpy(dst + 12, &w3, 4);
    }
    while (n--)
        *dst++ = *src++;
}

static int op_read(void *ctx, int handle, void *buf, size_t len)
{
    struct flash_port *flash = (struct flash_port *)ctx;
    const struct flash_file *f;
    uint32_t pos, left;

    bill_core(flash);
    if (handle < 0 || handle >= FLASH_PORT_HANDLES || flash->handles[handle].file < 0)
        return QPYBAK_ERR_INVAL;
    f = &flash->files[flash->handles[handle].file];
    working_on(flash, handle);
    pos = flash->handles[handle].pos;
    left = f->size - pos;
    if (len > left)
        len = left;
    if (len > 0x7FFFFFFFu)
        len = 0x7FFFFFFFu;
    copy((uint8_t *)buf, f->data + pos, len);
    flash->handles[handle].pos = pos + (uint32_t)len;
    flash->bytes_read += len;
#ifdef FLASH_PORT_ATTRIBUTE
    flash->bytes[f->kind] += len;
#endif
    flash->reads++;
    bill_port(flash);
    return (int)len;
}

static int op_close(void *ctx, int handle)
{
    struct flash_port *flash = (struct flash_port *)ctx;

    bill_core(flash);
    if (handle < 0 || handle >= FLASH_PORT_HANDLES || flash->handles[handle].file < 0)
        return QPYBAK_ERR_INVAL;
    flash->handles[handle].file = -1;
    back_to_last_read(flash);
    bill_port(flash);
    return 0;
}

static int op_stat(void *ctx, const char *path, struct qpybak_stat *st)
{
    struct flash_port *flash = (struct flash_port *)ctx;
    int f;

    bill_core(flash);
    f = find(flash, path);
    bill_port(flash);
    if (f < 0)
        return QPYBAK_ERR_NOENT;
    st->type = flash->files[f].type;
    st->size = flash->files[f].size;
    return 0;
}

static int refuse_handle(void *ctx, int handle)
{
    (void)handle;
    ((struct flash_port *)ctx)->changes++;
    return QPYBAK_ERR_ROFS;
}

static int refuse_write(void *ctx, int handle, const void *buf, size_t len)
{
    (void)buf;
    (void)len;
    return refuse_handle(ctx, handle);
}

static int refuse_path(void *ctx, const char *path)
{
    (void)path;
    ((struct flash_port *)ctx)->changes++;
    return QPYBAK_ERR_ROFS;
}

/* mkdir of a folder that is there changes nothing (EXIST), as on any
 * file system: the core asks for /usr/.qpybak at every boot. */
static int op_mkdir(void *ctx, const char *path)
{
    struct qpybak_stat st;

    if (op_stat(ctx, path, &st) == 0)
        return QPYBAK_ERR_EXIST;
    return refuse_path(ctx, path);
}

static int refuse_rename(void *ctx, const char *from, const char *to)
{
    (void)to;
    return refuse_path(ctx, from);
}

void flash_port_init(struct flash_port *flash)
{
    int h;

    memset(flash, 0, sizeof *flash);
    for (h = 0; h < FLASH_PORT_HANDLES; h++)
        flash->handles[h].file = -1;
    flash->port.ctx = flash;
    flash->port.open = op_open;
    flash->port.read = op_read;
    flash->port.write = refuse_write;
    flash->port.sync = refuse_handle;
    flash->port.close = op_close;
    flash->port.stat = op_stat;
    flash->port.rename = refuse_rename;
    flash->port.remove = refuse_path;
    flash->port.mkdir = op_mkdir;
}
