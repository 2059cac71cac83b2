/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The streaming checksum.json writer (docs/format.md, "What writers emit").
 * qpybak's form, one entry per line, order kept, what every qpybak run
 * writes:
 *
 *   [
 *   {"name": "/usr/main.py", "crc32": "0x1a2b3c4d", "size": 1834},
 *   {"name": "/usr/apn_cfg.json", "crc32": "0x00c0ffee", "size": 112}
 *   ]
 *
 * and QuecPython's form, what its ujson.dumps(list) gives, for a host tool
 * that builds a QuecPython device's partitions (qpybak pack --format
 * quecpython): one line, no newline at the end, crc32 as Python's hex(),
 * no size:
 *
 *   [{"name": "/usr/main.py", "crc32": "0x1a2b3c4d"}, {"name": "/usr/b.py", "crc32": "0x1f"}]
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

static int begin(struct qpybak_writer *w, qpybak_write_fn write, void *write_ctx,
                 enum qpybak_form form)
{
    struct jout o;
    bool quecpython = form == QPYBAK_FORM_QUECPYTHON;

    w->write = write;
    w->write_ctx = write_ctx;
    w->count = 0;
    w->error = 0;
    w->form = quecpython ? QPYBAK_FORM_QUECPYTHON : QPYBAK_FORM_QPYBAK;
    o = jout_of(w);
    jout_raw(&o, "[\n", quecpython ? 1 : 2);
    return w->error;
}

int qpybak_writer_begin(struct qpybak_writer *w, qpybak_write_fn write, void *write_ctx)
{
    return begin(w, write, write_ctx, QPYBAK_FORM_QPYBAK);
}

/* Only host tools call this (qpybak pack --format quecpython): the core
 * always writes qpybak's form. */
int qpybak_writer_begin_form(struct qpybak_writer *w, qpybak_write_fn write, void *write_ctx,
                             enum qpybak_form form)
{
    return begin(w, write, write_ctx, form);
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
    bool quecpython = w->form == QPYBAK_FORM_QUECPYTHON;
    char text[QPYBAK_CRC_STR_SIZE + 1]; /* the crc in quotes (its NUL becomes the '"') */
    size_t start = 0;

    if (w->count > 0)
        jout_raw(&o, quecpython ? ", " : ",\n", 2);
    jout_text(&o, "{\"name\": ");
    jout_string(&o, name, name_len);
    jout_text(&o, ", \"crc32\": ");
    text[0] = '"';
    qpybak_crc_format(crc, text + 1); /* "0x%08x" */
    text[11] = '"';
    if (quecpython) {
        /* Python's hex(): no leading zeros, hex(0) is "0x0". */
        while (start < 7 && text[start + 3] == '0')
            start++;
        text[start] = '"';
        text[start + 1] = '0';
        text[start + 2] = 'x';
    }
    jout_raw(&o, text + start, sizeof text - start);
    if (has_size && !quecpython) {
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

    if (w->form == QPYBAK_FORM_QUECPYTHON)
        jout_raw(&o, "]\n", 1); /* "]": no newline */
    else if (w->count)
        jout_raw(&o, "\n]\n", 3);
    else
        jout_raw(&o, "]\n", 2);
    return w->error;
}
