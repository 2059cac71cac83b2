/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The enable flag, backup_restore.json (docs/format.md): a JSON object with
 * an "enable" member, on or off as QuecPython decides it - `enable != 0`
 * in Python: false and numeric zero are off, true, any other number, a
 * string, null, an array or an object are on.  Missing member, malformed
 * or oversized document: off.
 *
 * QuecPython reads only the first 64 bytes, with MicroPython's ujson, and
 * fails on a byte order mark.  qpybak reads the whole flag (up to
 * QPYBAK_FLAG_MAX) and skips a byte order mark; it also parses the first
 * 64 bytes as ujson sees them, to say (QPYBAK_WARN_FLAG_QUECPYTHON) when
 * QuecPython's own code decides otherwise.
 */
#include "json.h"

/* What QuecPython's code reads of the flag file: at most its first 64
 * bytes (read(64)), and ujson takes a NUL byte for the end of its input. */
#define QUECPYTHON_FLAG_READ 64

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
    int n = c->read != NULL ? c->read(c->ctx, buf, len) : 0; /* NULL: the end */

    if (n > 0) {
        c->total += (size_t)n;
        if (c->total > QPYBAK_FLAG_MAX) {
            c->too_large = true;
            return QPYBAK_ERR_FBIG;
        }
    }
    return n;
}

/* Where the parse was when its input ran out (a document cut short). */
enum stop {
    STOP_OUTSIDE, /* before the object: no object at all */
    STOP_BETWEEN, /* inside the object, between two of its tokens */
    STOP_IN_TOKEN, /* inside a string, a literal or a nested value */
    STOP_IN_NUMBER /* inside a number */
};

struct flag {
    bool seen, on;     /* an "enable" member; the last one's decision */
    bool unsure;       /* there: the last enable may be 0.0 to QuecPython */
    uint8_t stop;      /* enum stop */
    unsigned warnings; /* QPYBAK_WARN_FLAG_FORM */
};

/* enable's value (the cursor at its first byte): on or off as Python's
 * `enable != 0`; a value that is neither a number nor a boolean is noted. */
static int enable_value(struct qpybak_reader *r, struct flag *f, int c)
{
    struct json_number num;
    int err;

    f->unsure = false;
    if (c == '-' || (c >= '0' && c <= '9')) {
        f->stop = STOP_IN_NUMBER;
        err = json_number(r, &num);
        f->on = num.nonzero;
        /* QuecPython's float may take 1e-400 for zero: not judged (a
         * fraction alone cannot get that small in 64 bytes) */
        f->unsure = num.nonzero && num.exponent;
        return err;
    }
    f->stop = STOP_IN_TOKEN;
    f->on = c != 'f'; /* false; true, a string, null, an array, an object */
    if (c != 't' && c != 'f')
        f->warnings |= QPYBAK_WARN_FLAG_FORM;
    return json_skip_value(r);
}

/*
 * Parses the object at the cursor.  0 for a whole object followed by
 * nothing but white space (f->seen says whether it had "enable"), or an
 * error (QPYBAK_ERR_CORRUPT for the wrong shape).  ujson's forms are
 * taken, each noted in f->warnings: a key without its colon, a comma
 * before the '}', "enable" given twice (the last one counts).
 */
static int parse_flag(struct qpybak_reader *r, struct flag *f)
{
    char key[8];
    size_t key_len;
    unsigned flags;
    bool enable;
    int c, err;

    f->seen = false;
    f->on = false;
    f->unsure = false;
    f->warnings = 0;
    f->stop = STOP_OUTSIDE;
    err = json_expect(r, '{');
    if (err)
        return err;
    f->stop = STOP_BETWEEN;
    c = json_peek(r);
    while (c != '}') {
        if (c != '"')
            return c == JSON_END ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
        f->stop = STOP_IN_TOKEN;
        err = json_string(r, key, sizeof key, &key_len, &flags, 0);
        if (err)
            return err;
        f->stop = STOP_BETWEEN;
        enable = !flags && key_len == 6 && key[0] == 'e' && key[1] == 'n' && key[2] == 'a' &&
                 key[3] == 'b' && key[4] == 'l' && key[5] == 'e';
        c = json_peek(r);
        if (c == ':') {
            json_take(r);
            c = json_peek(r);
        } else if (c != JSON_END) {
            f->warnings |= QPYBAK_WARN_FLAG_FORM; /* "enable" 1: ujson needs no colon */
        }
        if (c == JSON_END)
            return json_end_error(r);
        if (enable) {
            if (f->seen)
                f->warnings |= QPYBAK_WARN_FLAG_FORM; /* given twice: the last one counts */
            f->seen = true;
            err = enable_value(r, f, c);
        } else {
            f->stop = STOP_IN_TOKEN;
            err = json_skip_value(r);
        }
        if (err)
            return err;
        f->stop = STOP_BETWEEN;
        c = json_peek(r);
        if (c == ',') {
            json_take(r);
            c = json_peek(r);
            if (c == '}')
                f->warnings |= QPYBAK_WARN_FLAG_FORM; /* a trailing comma */
        } else if (c != '}') {
            return c == JSON_END ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
        }
    }
    json_take(r);
    if (json_peek(r) != JSON_END)
        return QPYBAK_ERR_CORRUPT;
    return r->error;
}

/*
 * What QuecPython's code decides for the first bytes of the flag, chunk[0..
 * len): 1 on, 0 off, -1 not known.  ujson reads what qpybak reads in the
 * same way, and also an object cut short between two of its members (it
 * does not check that the '}' came); a document qpybak does not read may
 * mean anything to ujson (it reads much that is not JSON): not known.
 */
static int quecpython_decides(struct qpybak_reader *r, uint8_t *chunk, size_t len)
{
    struct capped none;
    struct flag f;
    char name[2];
    size_t i;
    int err;

    if (len >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF)
        return 0; /* ujson fails on a byte order mark */
    for (i = 0; i < len; i++)
        if (chunk[i] == 0)
            len = i; /* ujson's end of input */
    /* those bytes and no more */
    none.read = NULL;
    none.ctx = NULL;
    none.total = 0;
    none.too_large = false;
    qpybak_reader_init(r, capped_read, &none, chunk, QUECPYTHON_FLAG_READ, name, sizeof name);
    r->len = len;
    err = parse_flag(r, &f);
    if (err == 0 || (err == QPYBAK_ERR_CORRUPT && r->eof && f.stop == STOP_BETWEEN))
        return f.seen && f.unsure ? -1 : f.seen && f.on;
    if (err != QPYBAK_ERR_CORRUPT || !r->eof)
        return -1; /* a syntax error: ujson may read it otherwise */
    return f.stop == STOP_IN_NUMBER ? -1 : 0;
}

enum qpybak_off qpybak_flag_read(qpybak_read_fn read, void *read_ctx, unsigned *warnings)
{
    struct capped capped;
    struct qpybak_reader r;
    struct flag f;
    uint8_t chunk[QUECPYTHON_FLAG_READ];
    char name[2];
    size_t have = 0;
    bool ended = false;
    enum qpybak_off off;
    int err = 0, n, quec;

    if (warnings != NULL)
        *warnings = 0;
    capped.read = read;
    capped.ctx = read_ctx;
    capped.total = 0;
    capped.too_large = false;

    /* The first 64 bytes first: what QuecPython reads. */
    do {
        n = capped_read(&capped, chunk + have, sizeof chunk - have);
        if (n < 0 || (size_t)n > sizeof chunk - have)
            return n == QPYBAK_ERR_NOENT ? QPYBAK_OFF_MISSING : QPYBAK_OFF_UNREADABLE;
        ended = n == 0;
        have += (size_t)n;
    } while (have < sizeof chunk && !ended);
    quec = quecpython_decides(&r, chunk, have);

    /* Then the whole flag, from those same bytes on. */
    qpybak_reader_init(&r, capped_read, &capped, chunk, sizeof chunk, name, sizeof name);
    r.len = have;
    r.eof = ended;
    f.seen = false;
    f.on = false;
    f.warnings = 0;
    err = json_skip_bom(&r);
    if (!err)
        err = parse_flag(&r, &f);
    if (capped.too_large)
        off = QPYBAK_OFF_TOO_LARGE;
    else if (err == QPYBAK_ERR_CORRUPT || (!err && !f.seen))
        off = QPYBAK_OFF_MALFORMED;
    else if (err)
        return err == QPYBAK_ERR_NOENT ? QPYBAK_OFF_MISSING : QPYBAK_OFF_UNREADABLE;
    else
        off = f.on ? QPYBAK_OFF_NONE : QPYBAK_OFF_DISABLED;
    if (warnings != NULL) {
        if (off == QPYBAK_OFF_NONE || off == QPYBAK_OFF_DISABLED)
            *warnings |= f.warnings;
        if (quec >= 0 && (quec == 1) != (off == QPYBAK_OFF_NONE))
            *warnings |= QPYBAK_WARN_FLAG_QUECPYTHON;
    }
    return off;
}
