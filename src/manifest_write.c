/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The streaming checksum.json writer (docs/format.md, "What writers emit"): the exact form
 * QuecPython's tools read, one entry per line, order kept:
 *
 *   [
 *   {"name": "/usr/main.py", "crc32": "0x1a2b3c4d", "size": 1834},
 *   {"name": "/usr/apn_cfg.json", "crc32": "0x00c0ffee", "size": 112}
 *   ]
 */
#include "core.h"
#include "json_out.h"

static struct jout jout_of(struct qpybak_writer *w)
{
    struct jout o;

    o.write = w->write;
    o.ctx = w->write_ctx;
    o.err = &w->error;
    return o;
}

int qpybak_writer_begin(struct qpybak_writer *w, qpybak_write_fn write, void *write_ctx)
{
    struct jout o;

    w->write = write;
    w->write_ctx = write_ctx;
    w->count = 0;
    w->error = 0;
    o = jout_of(w);
    jout_raw(&o, "[\n", 2);
    return w->error;
}

int qpybak_writer_entry(struct qpybak_writer *w, const char *name, size_t name_len,
                        uint32_t crc, bool has_size, uint32_t size)
{
    return writer_entry_from(w, name, name_len, crc, has_size, size, NULL, 0);
}

int writer_entry_from(struct qpybak_writer *w, const char *name, size_t name_len, uint32_t crc,
                      bool has_size, uint32_t size, const char *from, size_t from_len)
{
    struct jout o = jout_of(w);

    if (w->count > 0)
        jout_raw(&o, ",\n", 2);
    jout_text(&o, "{\"name\": ");
    jout_string(&o, name, name_len);
    jout_text(&o, ", \"crc32\": ");
    jout_crc(&o, crc);
    if (has_size) {
        jout_text(&o, ", \"size\": ");
        jout_u64(&o, size);
    }
    if (from) {
        jout_text(&o, ", \"from\": ");
        jout_string(&o, from, from_len);
    }
    jout_raw(&o, "}", 1);
    w->count++;
    return w->error;
}

int qpybak_writer_end(struct qpybak_writer *w)
{
    struct jout o = jout_of(w);

    if (w->count)
        jout_raw(&o, "\n]\n", 3);
    else
        jout_raw(&o, "]\n", 2);
    return w->error;
}
