/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The streaming checksum.json reader (docs/format.md, "checksum.json").  One entry at a time,
 * in the caller's chunk and name buffers.  Entry-level problems make one
 * entry invalid; only a document that is not a JSON array is corrupt.
 * What QuecPython reads the same way and qpybak never writes - a name
 * QuecPython's VFS resolves to the same file, white space around crc32, a
 * trailing comma - is read and noted in the entry's or the reader's
 * warnings (docs/format.md, "QuecPython compatibility").
 */
#include "json.h"

enum reader_state { R_START, R_FIRST, R_NEXT, R_DONE, R_CORRUPT };

void qpybak_reader_init(struct qpybak_reader *r, qpybak_read_fn read, void *read_ctx,
                        void *chunk, size_t chunk_size, char *name, size_t name_size)
{
    r->read = read;
    r->read_ctx = read_ctx;
    r->chunk = (uint8_t *)chunk;
    r->chunk_size = chunk_size;
    r->pos = 0;
    r->len = 0;
    r->name = name;
    r->name_size = name_size;
    r->index = 0;
    r->state = R_START;
    r->error = 0;
    r->warnings = 0;
    r->eof = false;
    r->from = NULL;
    r->from_size = 0;
    r->from_len = 0;
}

void reader_accept_from(struct qpybak_reader *r, char *buf, size_t size)
{
    r->from = buf;
    r->from_size = size;
}

const char *reader_from(const struct qpybak_reader *r, size_t *len)
{
    /* An empty "from" names nothing: as good as none. */
    *len = r->from_len;
    return r->from_len ? r->from : NULL;
}

/* Parses "0x1a2b" / "1A2B" (1-8 hex digits): true and *crc on success. */
static bool parse_crc(const char *s, size_t len, uint32_t *crc)
{
    uint32_t v = 0;
    size_t i = 0;

    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2;
    if (len - i < 1 || len - i > 8)
        return false;
    for (; i < len; i++) {
        int c = (unsigned char)s[i], h;

        if (c >= '0' && c <= '9')
            h = c - '0';
        else if (c >= 'a' && c <= 'f')
            h = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            h = c - 'A' + 10;
        else
            return false;
        v = v << 4 | (uint32_t)h;
    }
    *crc = v;
    return true;
}

enum member { M_NAME = 1, M_CRC = 2, M_SIZE = 4, M_FROM = 8 };

/* Which member a decoded key names (0: unknown). */
static unsigned member_of(const char *key, size_t len, unsigned flags)
{
    if (flags)
        return 0;
    if (len == 4 && key[0] == 'n' && key[1] == 'a' && key[2] == 'm' && key[3] == 'e')
        return M_NAME;
    if (len == 5 && key[0] == 'c' && key[1] == 'r' && key[2] == 'c' && key[3] == '3' && key[4] == '2')
        return M_CRC;
    if (len == 4 && key[0] == 's' && key[1] == 'i' && key[2] == 'z' && key[3] == 'e')
        return M_SIZE;
    if (len == 4 && key[0] == 'f' && key[1] == 'r' && key[2] == 'o' && key[3] == 'm')
        return M_FROM;
    return 0;
}

/* Keeps the first reason an entry is invalid. */
static void invalidate(struct qpybak_entry *e, enum qpybak_reason why)
{
    if (e->invalid == QPYBAK_REASON_NONE)
        e->invalid = why;
}

/* Parses one member value into the entry. */
static int read_member(struct qpybak_reader *r, struct qpybak_entry *e, unsigned m,
                       char *crc_text, size_t *crc_len, bool *crc_ok)
{
    struct json_number num;
    unsigned flags;
    size_t len;
    int c = json_peek(r), err;

    if (m == M_NAME && c == '"') {
        /* In its normal form: everything after sees only that one. */
        err = json_string(r, r->name, r->name_size, &len, &flags, JSON_STR_NAME);
        if (err)
            return err;
        e->name = r->name;
        e->name_len = len < r->name_size ? len : r->name_size - 1;
        e->warnings = (uint8_t)((e->warnings & ~QPYBAK_WARN_NAME_FORM) |
                                (flags & JSON_STR_NORMALISED ? QPYBAK_WARN_NAME_FORM : 0));
        if (flags & JSON_STR_TRUNCATED)
            invalidate(e, QPYBAK_REASON_NAME_TOO_LONG);
        else if (flags & JSON_STR_BAD_TEXT)
            invalidate(e, QPYBAK_REASON_BAD_NAME);
        return 0;
    }
    if (m == M_CRC && c == '"') {
        /* White space around the digits as it streams past: int(text, 16)
         * takes it too. */
        err = json_string(r, crc_text, 11, crc_len, &flags, JSON_STR_TRIM);
        if (err)
            return err;
        *crc_ok = !(flags & ~JSON_STR_TRIMMED) && parse_crc(crc_text, *crc_len, &e->crc);
        e->warnings = (uint8_t)((e->warnings & ~QPYBAK_WARN_CRC_SPACES) |
                                (*crc_ok && (flags & JSON_STR_TRIMMED) ? QPYBAK_WARN_CRC_SPACES
                                                                       : 0));
        return 0;
    }
    if (m == M_SIZE && (c == '-' || (c >= '0' && c <= '9'))) {
        err = json_number(r, &num);
        if (err)
            return err;
        if (num.is_uint32) {
            e->size = num.value;
            e->has_size = true;
        } else {
            invalidate(e, QPYBAK_REASON_BAD_SIZE);
        }
        return 0;
    }
    if (m == M_FROM && c == '"' && r->from != NULL) {
        err = json_string(r, r->from, r->from_size, &len, &flags, 0);
        if (err)
            return err;
        r->from_len = len < r->from_size ? len : r->from_size - 1;
        if (flags)
            invalidate(e, QPYBAK_REASON_BAD_NAME);
        return 0;
    }
    if (m == M_SIZE)
        invalidate(e, QPYBAK_REASON_BAD_SIZE); /* a size that is not a number */
    return json_skip_value(r);
}

/* Parses one array element: an object becomes an entry, anything else an
 * invalid entry. */
static int read_entry(struct qpybak_reader *r, struct qpybak_entry *e)
{
    char key[8], crc_text[11];
    size_t key_len, crc_len = 0;
    unsigned seen = 0, flags;
    bool crc_ok = false, first = true;
    int more, err;

    e->name = NULL;
    e->name_len = 0;
    e->crc = 0;
    e->size = 0;
    e->has_size = false;
    r->from_len = 0;
    e->index = r->index;
    e->invalid = QPYBAK_REASON_NONE;
    e->warnings = 0;

    if (json_peek(r) != '{') {
        invalidate(e, QPYBAK_REASON_NOT_OBJECT);
        return json_skip_value(r);
    }
    while ((more = json_object_member(r, &first, key, sizeof key, &key_len, &flags)) == 1) {
        unsigned m = member_of(key, key_len, flags);

        if (m == M_FROM && r->from == NULL)
            m = 0; /* an unknown key for ordinary manifests */
        if (m & seen)
            invalidate(e, QPYBAK_REASON_DUPLICATE_KEY);
        seen |= m;
        if (m == M_NAME) {
            /* a non-string name: remembered as missing */
            e->name = NULL;
            e->name_len = 0;
            e->warnings &= (uint8_t)~QPYBAK_WARN_NAME_FORM;
        }
        if (m == M_CRC)
            e->warnings &= (uint8_t)~QPYBAK_WARN_CRC_SPACES;
        err = read_member(r, e, m, crc_text, &crc_len, &crc_ok);
        if (err)
            return err;
    }
    if (more < 0)
        return more;

    /* The first problem in the order a reader of the report expects.  The
     * name is in its normal form: the rule is today's, whatever form the
     * manifest gave it in. */
    if (e->name == NULL) {
        e->invalid = QPYBAK_REASON_NO_NAME;
    } else if (e->invalid != QPYBAK_REASON_NAME_TOO_LONG && e->invalid != QPYBAK_REASON_BAD_NAME) {
        enum qpybak_reason why = qpybak_name_check(e->name, e->name_len, r->name_size - 1);

        if (why != QPYBAK_REASON_NONE)
            e->invalid = why;
    }
    if (e->invalid == QPYBAK_REASON_NO_NAME || e->invalid == QPYBAK_REASON_NAME_TOO_LONG ||
        e->invalid == QPYBAK_REASON_BAD_NAME || e->invalid == QPYBAK_REASON_RESERVED)
        e->warnings &= (uint8_t)~QPYBAK_WARN_NAME_FORM; /* a form of no valid name */
    if (!(seen & M_CRC))
        invalidate(e, QPYBAK_REASON_NO_CRC);
    else if (!crc_ok)
        invalidate(e, QPYBAK_REASON_BAD_CRC);
    return 0;
}

int qpybak_reader_next(struct qpybak_reader *r, struct qpybak_entry *entry)
{
    int c, err;

    switch (r->state) {
    case R_START:
        if (json_skip_bom(r))
            goto corrupt;
        c = json_peek(r);
        if (c != '[')
            goto corrupt;
        json_take(r);
        if (json_peek(r) == ']') {
            json_take(r);
            goto finish;
        }
        r->state = R_FIRST;
        break;
    case R_FIRST:
        break;
    case R_NEXT:
        c = json_peek(r);
        if (c == ']') {
            json_take(r);
            goto finish;
        }
        if (c != ',')
            goto corrupt;
        json_take(r);
        if (json_peek(r) == ']') {
            /* One trailing comma, as QuecPython's ujson reads it. */
            json_take(r);
            r->warnings |= QPYBAK_WARN_TRAILING_COMMA;
            goto finish;
        }
        break;
    case R_DONE:
        return 0;
    default:
        return r->error ? r->error : QPYBAK_ERR_CORRUPT;
    }

    err = read_entry(r, entry);
    if (err) {
        r->state = R_CORRUPT;
        if (err == QPYBAK_ERR_CORRUPT && r->error)
            err = r->error;
        return err;
    }
    r->index++;
    r->state = R_NEXT;
    return 1;

finish:
    if (json_peek(r) != JSON_END)
        goto corrupt; /* something after the array */
    if (r->error) {
        r->state = R_CORRUPT;
        return r->error;
    }
    r->state = R_DONE;
    return 0;
corrupt:
    r->state = R_CORRUPT;
    return r->error ? r->error : QPYBAK_ERR_CORRUPT;
}
