/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Carving the work buffer.  Everything a run needs lives here, sized from
 * the name limit; what is left over makes reads larger and the duplicate
 * check, the look-ups and the staging walk faster (docs/design.md, "Memory").
 */
#include "core.h"
#include "util.h"

#define CHUNK_MIN 64      /* manifest reader chunks and output buffers */
#define IO_MIN 128        /* file reads and copies */
#define CHUNK_MAX 4096
#define IO_MAX 65536
#define ALIGN 8

static size_t align_up(size_t n)
{
    return (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
}

static size_t path_size_for(size_t name_max)
{
    /* "/usr/.qpybak/good" + name + ".qpybak-tmp" + NUL, the longest path
     * built from a name */
    return align_up(name_max + (sizeof QPYBAK_PATH_LAST_GOOD - 1 - 4) + TEMP_SUFFIX_LEN + 1);
}

/* The bytes a procedure's layout takes at the minimum: the run, three
 * cursors (chunk and name buffer each), the I/O buffer, and the pieces the
 * procedure needs (LAYOUT_*, core.h). */
static size_t layout_size(size_t name_max, unsigned pieces)
{
    size_t n = align_up(sizeof(struct run)) + 3 * (CHUNK_MIN + align_up(name_max + 1)) + IO_MIN +
               ALIGN;

    if (pieces & PIECE_OUT)
        n += CHUNK_MIN;
    if (pieces & PIECE_REPORT)
        n += CHUNK_MIN;
    if (pieces & PIECE_NAMES)
        n += 2 * path_size_for(name_max);
    if (pieces & PIECE_FROM)
        n += path_size_for(name_max);
    return n;
}

/* The largest layout, boot's, is the minimum for every procedure. */
size_t qpybak_buffer_min(size_t name_max)
{
    if (name_max == 0)
        name_max = QPYBAK_NAME_MAX_DEFAULT;
    return layout_size(name_max, LAYOUT_BOOT);
}

/* Takes n bytes from the front of the free area. */
static uint8_t *take(uint8_t **free_at, size_t n)
{
    uint8_t *p = *free_at;

    *free_at += align_up(n);
    return p;
}

static void outfile_setup(struct outfile *o, struct run *c, uint8_t **free_at, size_t size)
{
    o->run = c;
    o->buf = size ? take(free_at, size) : NULL;
    o->cap = size;
    o->handle = -1;
    o->target = NULL;
}

static void mfile_setup(struct mfile *m, struct run *c, uint8_t **free_at, size_t chunk,
                        size_t name_size)
{
    m->run = c;
    m->handle = -1;
    m->path = NULL;
    m->reader.chunk = take(free_at, chunk);
    m->reader.chunk_size = chunk;
    m->reader.name = (char *)take(free_at, name_size);
    m->reader.name_size = name_size;
}

/* Where run_init placed the run in cfg's buffer. */
static struct run *core_at(const struct qpybak_config *cfg)
{
    uint8_t *p = (uint8_t *)cfg->buffer;
    size_t skew = (size_t)((uintptr_t)p & (ALIGN - 1));

    return (struct run *)(void *)(skew ? p + (ALIGN - skew) : p);
}

const char *qpybak_error_path(const struct qpybak_config *cfg)
{
    const struct run *c;

    if (cfg == NULL || cfg->buffer == NULL ||
        cfg->buffer_size < qpybak_buffer_min(cfg->name_max))
        return NULL;
    c = core_at(cfg);
    return c->cfg == cfg && c->err_path != NULL && c->err_path[0] ? c->err_path : NULL;
}

struct run *run_init(const struct qpybak_config *cfg, struct qpybak_result *result, int *err,
                     unsigned pieces)
{
    size_t name_max, need, extra, chunk, out, io;
    uint8_t *free_at, *end;
    struct run *c;

    mem_zero(result, sizeof *result);
    if (cfg == NULL || cfg->port == NULL || cfg->buffer == NULL) {
        *err = QPYBAK_ERR_INVAL;
        return NULL;
    }
    name_max = cfg->name_max ? cfg->name_max : QPYBAK_NAME_MAX_DEFAULT;
    need = qpybak_buffer_min(name_max);
    if (cfg->buffer_size < need) {
        *err = QPYBAK_ERR_NOMEM;
        return NULL;
    }
    free_at = (uint8_t *)core_at(cfg);
    end = (uint8_t *)cfg->buffer + cfg->buffer_size;

    /* Shares of what is left beyond this procedure's layout: larger file
     * reads first, then larger manifest chunks; the rest is the spare
     * buffer. */
    extra = cfg->buffer_size - layout_size(name_max, pieces);
    io = (IO_MIN + min_size(extra / 4, IO_MAX - IO_MIN)) & ~(size_t)(ALIGN - 1);
    chunk = (CHUNK_MIN + min_size(extra / 32, CHUNK_MAX - CHUNK_MIN)) & ~(size_t)(ALIGN - 1);
    out = chunk;

    c = (struct run *)(void *)take(&free_at, sizeof *c);
    mem_zero(c, sizeof *c);
    c->cfg = cfg;
    c->port = cfg->port;
    c->result = result;
    c->name_max = name_max;
    c->path_size = path_size_for(name_max);
    mfile_setup(&c->pass, c, &free_at, chunk, name_max + 1);
    mfile_setup(&c->rescan, c, &free_at, chunk, name_max + 1);
    mfile_setup(&c->lookup, c, &free_at, chunk, name_max + 1);
    outfile_setup(&c->out, c, &free_at, (pieces & PIECE_OUT) ? out : 0);
#ifndef QPYBAK_NO_REPORT
    outfile_setup(&c->report, c, &free_at, (pieces & PIECE_REPORT) ? out : 0);
#endif
    /* The path buffers, one owner each: the installer's two and the FOTA
     * journal's "from" (stage.c lends them to the staging walk, which runs
     * before any install or journal read).  Status has none: it installs
     * nothing and reads no journal. */
    c->inst.run = c;
    if (pieces & PIECE_NAMES) {
        c->inst.scratch = (char *)take(&free_at, c->path_size);
        c->inst.composed = (char *)take(&free_at, c->path_size);
    }
    if (pieces & PIECE_FROM)
        c->from = (char *)take(&free_at, c->path_size);
    c->inst.io = take(&free_at, io);
    c->inst.io_size = io;
    /* The copy of the path behind result->error comes first out of what is
     * spare: a minimum buffer reports the error without its path. */
    if (free_at + c->path_size <= end) {
        c->err_path = (char *)take(&free_at, c->path_size);
        c->err_path[0] = '\0';
    }
    /* The rest is the spare buffer, from c->bloom to the end: the
     * duplicate filter and the manifest index, shared out by spare_split
     * (index.c), or the FOTA staging walk's name batches. */
    c->bloom = free_at < end ? free_at : NULL;
    c->bloom_bits = 0;
    index_init(c);
    *err = 0;
    return c;
}
