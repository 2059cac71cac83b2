/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The streaming JSON lexer (see json.h).  Syntax follows RFC 8259 strictly:
 * no trailing commas, no comments, no leading zeros, no raw control
 * characters in strings.  Text-level problems inside a string (invalid UTF-8,
 * a lone surrogate) are flagged rather than fatal, so that one bad name
 * invalidates one entry and not the whole manifest.
 */
#include "json.h"

/* Refills the chunk buffer; returns false at the end or on a source error. */
static bool refill(struct qpybak_reader *r)
{
    int n;

    if (r->eof || r->error)
        return false;
    n = r->read(r->read_ctx, r->chunk, r->chunk_size);
    if (n < 0) {
        r->error = n;
        return false;
    }
    if (n == 0 || (size_t)n > r->chunk_size) {
        r->eof = true; /* a count past the buffer is a broken source: stop */
        if (n != 0)
            r->error = QPYBAK_ERR_IO;
        return false;
    }
    r->pos = 0;
    r->len = (size_t)n;
    return true;
}

/* The next byte, consumed, or JSON_END. */
static int next_byte(struct qpybak_reader *r)
{
    if (r->pos == r->len && !refill(r))
        return JSON_END;
    return r->chunk[r->pos++];
}

/* The next byte, not consumed, or JSON_END. */
static int peek_byte(struct qpybak_reader *r)
{
    if (r->pos == r->len && !refill(r))
        return JSON_END;
    return r->chunk[r->pos];
}

int json_skip_bom(struct qpybak_reader *r)
{
    static const uint8_t bom[3] = {0xEF, 0xBB, 0xBF};
    int i;

    if (peek_byte(r) != bom[0])
        return 0;
    for (i = 0; i < 3; i++) {
        if (peek_byte(r) != bom[i])
            return QPYBAK_ERR_CORRUPT;
        json_take(r);
    }
    return 0;
}

int json_end_error(const struct qpybak_reader *r)
{
    return r->error ? r->error : QPYBAK_ERR_CORRUPT;
}

int json_peek(struct qpybak_reader *r)
{
    int c;

    for (;;) {
        c = peek_byte(r);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return c;
        r->pos++;
    }
}

void json_take(struct qpybak_reader *r)
{
    r->pos++;
}

int json_expect(struct qpybak_reader *r, int c)
{
    int got = json_peek(r);

    if (got == JSON_END)
        return json_end_error(r);
    if (got != c)
        return QPYBAK_ERR_CORRUPT;
    json_take(r);
    return 0;
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads the 4 hex digits of a \u escape; -1 on bad syntax, -2 at the end. */
static long read_u4(struct qpybak_reader *r)
{
    long v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        int c = next_byte(r);
        int h;

        if (c == JSON_END)
            return -2;
        h = hex_value(c);
        if (h < 0)
            return -1;
        v = v << 4 | h;
    }
    return v;
}

/* Appends one byte to a decoded string, flagging truncation. */
static void put_byte(char *out, size_t cap, size_t *len, unsigned *flags, uint8_t b)
{
    if (*len + 1 < cap)
        out[*len] = (char)b;
    else
        *flags |= JSON_STR_TRUNCATED;
    (*len)++;
}

static void put_utf8(char *out, size_t cap, size_t *len, unsigned *flags, uint32_t cp)
{
    if (cp < 0x80) {
        put_byte(out, cap, len, flags, (uint8_t)cp);
    } else if (cp < 0x800) {
        put_byte(out, cap, len, flags, (uint8_t)(0xC0 | cp >> 6));
        put_byte(out, cap, len, flags, (uint8_t)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        put_byte(out, cap, len, flags, (uint8_t)(0xE0 | cp >> 12));
        put_byte(out, cap, len, flags, (uint8_t)(0x80 | ((cp >> 6) & 0x3F)));
        put_byte(out, cap, len, flags, (uint8_t)(0x80 | (cp & 0x3F)));
    } else {
        put_byte(out, cap, len, flags, (uint8_t)(0xF0 | cp >> 18));
        put_byte(out, cap, len, flags, (uint8_t)(0x80 | ((cp >> 12) & 0x3F)));
        put_byte(out, cap, len, flags, (uint8_t)(0x80 | ((cp >> 6) & 0x3F)));
        put_byte(out, cap, len, flags, (uint8_t)(0x80 | (cp & 0x3F)));
    }
}

/* Checks raw UTF-8 continuation state: returns how many continuation bytes
 * the lead byte b announces, or -1 if b cannot start a sequence. */
static int utf8_follow(uint8_t b)
{
    if (b < 0x80)
        return 0;
    if (b >= 0xC2 && b <= 0xDF)
        return 1;
    if (b >= 0xE0 && b <= 0xEF)
        return 2;
    if (b >= 0xF0 && b <= 0xF4)
        return 3;
    return -1;
}

int json_string(struct qpybak_reader *r, char *out, size_t cap, size_t *len, unsigned *flags)
{
    int follow = 0;    /* UTF-8 continuation bytes still expected */
    long high = -1;    /* a \u high surrogate waiting for its low half */
    int c;

    *len = 0;
    *flags = 0;
    if (next_byte(r) != '"')
        return QPYBAK_ERR_CORRUPT;
    for (;;) {
        /* The common case first: a run of plain printable ASCII, taken
         * straight from the chunk (names are mostly that). */
        while (follow == 0 && high < 0 && r->pos < r->len) {
            uint8_t b = r->chunk[r->pos];

            if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\')
                break;
            put_byte(out, cap, len, flags, b);
            r->pos++;
        }
        c = next_byte(r);
        if (c == JSON_END)
            return json_end_error(r);
        if (follow > 0) {
            if ((c & 0xC0) == 0x80) {
                follow--;
                put_byte(out, cap, len, flags, (uint8_t)c);
                continue;
            }
            *flags |= JSON_STR_BAD_TEXT; /* sequence cut short */
            follow = 0;
        }
        if (c == '\\' && peek_byte(r) == 'u') {
            long v;

            json_take(r);
            v = read_u4(r);
            if (v < 0)
                return v == -2 ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
            if (high >= 0 && v >= 0xDC00 && v <= 0xDFFF) {
                put_utf8(out, cap, len, flags,
                         0x10000u + (((uint32_t)high - 0xD800u) << 10) + ((uint32_t)v - 0xDC00u));
                high = -1;
                continue;
            }
            if (high >= 0)
                *flags |= JSON_STR_BAD_TEXT; /* high half without a low half */
            high = -1;
            if (v >= 0xD800 && v <= 0xDBFF)
                high = v;
            else if (v >= 0xDC00 && v <= 0xDFFF)
                *flags |= JSON_STR_BAD_TEXT; /* low half alone */
            else
                put_utf8(out, cap, len, flags, (uint32_t)v);
            continue;
        }
        if (high >= 0) {
            *flags |= JSON_STR_BAD_TEXT;
            high = -1;
        }
        if (c == '"')
            break;
        if (c < 0x20)
            return QPYBAK_ERR_CORRUPT; /* raw control characters are not JSON */
        if (c == '\\') {
            c = next_byte(r);
            switch (c) {
            case '"': case '\\': case '/':
                put_byte(out, cap, len, flags, (uint8_t)c);
                break;
            case 'b': put_byte(out, cap, len, flags, '\b'); break;
            case 'f': put_byte(out, cap, len, flags, '\f'); break;
            case 'n': put_byte(out, cap, len, flags, '\n'); break;
            case 'r': put_byte(out, cap, len, flags, '\r'); break;
            case 't': put_byte(out, cap, len, flags, '\t'); break;
            case JSON_END:
                return json_end_error(r);
            default:
                return QPYBAK_ERR_CORRUPT;
            }
            continue;
        }
        follow = utf8_follow((uint8_t)c);
        if (follow < 0) {
            *flags |= JSON_STR_BAD_TEXT;
            follow = 0;
        }
        put_byte(out, cap, len, flags, (uint8_t)c);
    }
    if (follow > 0)
        *flags |= JSON_STR_BAD_TEXT;
    out[*len < cap ? *len : cap - 1] = '\0';
    return 0;
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

int json_number(struct qpybak_reader *r, struct json_number *num)
{
    int c = peek_byte(r);
    bool negative = false, overflow = false;
    uint32_t value = 0;

    num->is_uint32 = false;
    num->nonzero = false;
    num->value = 0;
    if (c == '-') {
        negative = true;
        json_take(r);
        c = peek_byte(r);
    }
    if (!is_digit(c))
        return c == JSON_END ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
    if (c == '0') {
        json_take(r);
        c = peek_byte(r);
        if (is_digit(c))
            return QPYBAK_ERR_CORRUPT; /* leading zero */
    } else {
        while (is_digit(c)) {
            uint32_t d = (uint32_t)(c - '0');

            if (value > (0xFFFFFFFFu - d) / 10u)
                overflow = true;
            else
                value = value * 10u + d;
            num->nonzero = true;
            json_take(r);
            c = peek_byte(r);
        }
    }
    num->is_uint32 = !negative && !overflow;
    num->value = value;
    if (c == '.') {
        json_take(r);
        c = peek_byte(r);
        if (!is_digit(c))
            return c == JSON_END ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
        while (is_digit(c)) {
            if (c != '0')
                num->nonzero = true;
            json_take(r);
            c = peek_byte(r);
        }
        num->is_uint32 = false;
    }
    if (c == 'e' || c == 'E') {
        json_take(r);
        c = peek_byte(r);
        if (c == '+' || c == '-') {
            json_take(r);
            c = peek_byte(r);
        }
        if (!is_digit(c))
            return c == JSON_END ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
        while (is_digit(c)) {
            json_take(r);
            c = peek_byte(r);
        }
        num->is_uint32 = false;
    }
    if (r->error)
        return r->error;
    return 0;
}

int json_object_member(struct qpybak_reader *r, bool *first, char *key, size_t cap, size_t *len,
                       unsigned *flags)
{
    int c, err;

    if (*first) {
        *first = false;
        err = json_expect(r, '{');
        if (err)
            return err;
        if (json_peek(r) == '}') {
            json_take(r);
            return 0;
        }
    } else {
        c = json_peek(r);
        if (c == '}') {
            json_take(r);
            return 0;
        }
        if (c != ',')
            return c == JSON_END ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
        json_take(r);
    }
    c = json_peek(r);
    if (c != '"')
        return c == JSON_END ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
    err = json_string(r, key, cap, len, flags);
    if (!err)
        err = json_expect(r, ':');
    return err ? err : 1;
}

/* Consumes a literal such as "true"; the cursor is at its first letter. */
static int literal(struct qpybak_reader *r, const char *word)
{
    while (*word) {
        int c = next_byte(r);

        if (c == JSON_END)
            return json_end_error(r);
        if (c != *word++)
            return QPYBAK_ERR_CORRUPT;
    }
    return 0;
}

/* Skips one scalar (string, number, literal) at the cursor. */
static int skip_scalar(struct qpybak_reader *r, int c)
{
    struct json_number num;
    char sink[1];
    size_t len;
    unsigned flags;

    switch (c) {
    case '"': return json_string(r, sink, sizeof sink, &len, &flags);
    case 't': return literal(r, "true");
    case 'f': return literal(r, "false");
    case 'n': return literal(r, "null");
    case JSON_END: return json_end_error(r);
    default:
        if (c == '-' || is_digit(c))
            return json_number(r, &num);
        return QPYBAK_ERR_CORRUPT;
    }
}

int json_skip_value(struct qpybak_reader *r)
{
    /* Bit d of `objects` says whether nesting level d is an object (1) or an
     * array (0); `expect_value` tracks whether a value must come next. */
    uint64_t objects = 0;
    int depth = 0, c, err;

    for (;;) {
        c = json_peek(r);
        /* A value is expected here. */
        if (c == '[' || c == '{') {
            if (depth == QPYBAK_JSON_DEPTH_MAX)
                return QPYBAK_ERR_CORRUPT;
            json_take(r);
            if (c == '{')
                objects |= (uint64_t)1 << depth;
            else
                objects &= ~((uint64_t)1 << depth);
            depth++;
            c = json_peek(r);
            if (c == (objects >> (depth - 1) & 1 ? '}' : ']')) {
                json_take(r);
                depth--;
                goto after_value;
            }
            if (objects >> (depth - 1) & 1)
                goto object_member;
            continue;
        }
        err = skip_scalar(r, c);
        if (err)
            return err;
    after_value:
        for (;;) {
            bool in_object;

            if (depth == 0)
                return 0;
            in_object = objects >> (depth - 1) & 1;
            c = json_peek(r);
            if (c == ',') {
                json_take(r);
                if (in_object)
                    goto object_member;
                break; /* next array element */
            }
            if (c == (in_object ? '}' : ']')) {
                json_take(r);
                depth--;
                continue;
            }
            return c == JSON_END ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
        }
        continue;
    object_member:
        c = json_peek(r);
        if (c != '"')
            return c == JSON_END ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
        err = skip_scalar(r, c);
        if (!err)
            err = json_expect(r, ':');
        if (err)
            return err;
    }
}
