/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The enable flag, backup_restore.json (docs/format.md): a JSON object whose
 * "enable" member is a number (non-zero: on) or a boolean.  Anything else -
 * missing member, other type, malformed or oversized document - is "off".
 */
#include "json.h"

/* A source wrapper that refuses to read past QPYBAK_FLAG_MAX bytes. */
struct capped {
    qpybak_read_fn read;
    void *ctx;
    size_t total;
    bool too_large;
};

static int capped_read(void *ctx, void *buf, size_t len)
{
    struct capped *c = (struct capped *)ctx;
    int n = c->read(c->ctx, buf, len);

    if (n > 0) {
        c->total += (size_t)n;
        if (c->total > QPYBAK_FLAG_MAX) {
            c->too_large = true;
            return QPYBAK_ERR_FBIG;
        }
    }
    return n;
}

/* Parses the object; sets *on.  0, or an error (CORRUPT for bad shape). */
static int parse_flag(struct qpybak_reader *r, bool *on)
{
    char key[8];
    size_t key_len;
    unsigned flags;
    bool seen = false, first = true;
    int c, more, err;

    *on = false;
    err = json_skip_bom(r);
    if (err)
        return err;
    while ((more = json_object_member(r, &first, key, sizeof key, &key_len, &flags)) == 1) {
        c = json_peek(r);
        if (!flags && key_len == 6 && key[0] == 'e' && key[1] == 'n' && key[2] == 'a' &&
            key[3] == 'b' && key[4] == 'l' && key[5] == 'e') {
            if (seen)
                return QPYBAK_ERR_CORRUPT; /* ambiguous: given twice */
            seen = true;
            if (c == 't' || c == 'f') {
                *on = c == 't';
                err = json_skip_value(r);
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                struct json_number num;

                err = json_number(r, &num);
                *on = num.nonzero;
            } else {
                return c == JSON_END ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
            }
        } else {
            err = json_skip_value(r);
        }
        if (err)
            return err;
    }
    if (more < 0)
        return more;
    if (json_peek(r) != JSON_END)
        return QPYBAK_ERR_CORRUPT;
    if (r->error)
        return r->error;
    return seen ? 0 : QPYBAK_ERR_CORRUPT;
}

enum qpybak_off qpybak_flag_read(qpybak_read_fn read, void *read_ctx, unsigned *warnings)
{
    struct capped capped;
    struct qpybak_reader r;
    uint8_t chunk[64];
    char name[2];
    bool on;
    int err;

    if (warnings != NULL)
        *warnings = 0;
    capped.read = read;
    capped.ctx = read_ctx;
    capped.total = 0;
    capped.too_large = false;
    qpybak_reader_init(&r, capped_read, &capped, chunk, sizeof chunk, name, sizeof name);
    err = parse_flag(&r, &on);
    if (capped.too_large)
        return QPYBAK_OFF_TOO_LARGE;
    if (err == QPYBAK_ERR_CORRUPT)
        return QPYBAK_OFF_MALFORMED;
    if (err)
        return err == QPYBAK_ERR_NOENT ? QPYBAK_OFF_MISSING : QPYBAK_OFF_UNREADABLE;
    return on ? QPYBAK_OFF_NONE : QPYBAK_OFF_DISABLED;
}
