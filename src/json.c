/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The streaming JSON lexer (see json.h).  Syntax follows RFC 8259 strictly
 * - no comments, no leading zeros, no raw control characters in strings -
 * but for one trailing comma in an object json_object_member walks, which
 * QuecPython's ujson writes and reads (docs/format.md, "QuecPython
 * compatibility").  Text-level problems inside a string (invalid UTF-8,
 * a lone surrogate) are flagged rather than fatal, so that one bad name
 * invalidates one entry and not the whole manifest.
 */
#include "json.h"
#include "util.h"

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

/* Internal to json_string: white space met after some text (JSON_STR_TRIM). */
#define JSON_STR_SPACE 0x40u

/*
 * A name's normal form (JSON_STR_NAME), for the complete components of
 * s[0..len): those a '/' ends.  Runs of '/' become one (a leading '/'
 * stays: the name is absolute) and "." components go; the text after the
 * last '/' is left as it is - it may still grow, and as the last component
 * it is the name check's to judge.  Returns the new length (never more).
 */
static size_t name_compact(char *s, size_t len)
{
    size_t last = len, i, o, start;

    while (last > 0 && s[last - 1] != '/')
        last--;
    if (last == 0)
        return len; /* no '/': nothing complete */
    o = i = s[0] == '/' ? 1 : 0;
    while (i < last) {
        start = i;
        while (s[i] != '/')
            i++;
        i++; /* past the '/' */
        if (i - start == 1 || (i - start == 2 && s[start] == '.'))
            continue; /* "" or "." */
        if (o != start)
            mem_copy(s + o, s + start, i - start); /* leftwards: safe */
        o += i - start;
    }
    if (o != last)
        mem_copy(s + o, s + last, len - last);
    return o + (len - last);
}

/*
 * Appends one byte to a decoded string, flagging truncation.  In a mode:
 * JSON_STR_TRIM holds white space back - left out before the text and
 * after it, one space inside it (the text is then bad); JSON_STR_NAME, when
 * the buffer is full, puts the complete components in their normal form to
 * make room for b, and takes without storing it a '/' that would only end
 * an empty or "." component.  One frame, calling a leaf: the stack bound.
 */
static void put_byte(char *out, size_t cap, size_t *len, unsigned *flags, uint8_t b)
{
    if (*flags & JSON_STR_TRIM) {
        if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
            *flags |= *len == 0 ? JSON_STR_TRIMMED : JSON_STR_SPACE;
            return;
        }
        if (*flags & JSON_STR_SPACE) {
            *flags &= ~JSON_STR_SPACE;
            if (*len + 1 < cap)
                out[*len] = ' ';
            else
                *flags |= JSON_STR_TRUNCATED;
            (*len)++;
        }
    }
    if (*len + 1 >= cap && (*flags & (JSON_STR_NAME | JSON_STR_TRUNCATED)) == JSON_STR_NAME) {
        size_t n = name_compact(out, *len);
        bool taken = b == '/' && (n == 0 || out[n - 1] == '/'); /* "//" */

        if (!taken && b == '/' && out[n - 1] == '.' && (n == 1 || out[n - 2] == '/')) {
            n--; /* "/./" or a leading "./": the "." goes, and the '/' */
            taken = true;
        }
        if (n != *len || taken)
            *flags |= JSON_STR_NORMALISED;
        *len = n;
        if (taken)
            return;
    }
    if (*len + 1 < cap)
        out[*len] = (char)b;
    else
        *flags |= JSON_STR_TRUNCATED;
    (*len)++;
}

/* The end of a string read in a mode: trailing white space left out, a
 * name put in its normal form ("usr/x" becomes "/usr/x"). */
static void string_end(char *out, size_t cap, size_t *len, unsigned *flags)
{
    size_t n;

    if (*flags & JSON_STR_SPACE)
        *flags |= JSON_STR_TRIMMED;
    if ((*flags & (JSON_STR_NAME | JSON_STR_TRUNCATED)) == JSON_STR_NAME) {
        n = name_compact(out, *len);
        if (n != *len)
            *flags |= JSON_STR_NORMALISED;
        if (n >= 4 && out[0] == 'u' && out[1] == 's' && out[2] == 'r' && out[3] == '/') {
            *flags |= JSON_STR_NORMALISED;
            if (n + 1 < cap) {
                size_t i;

                for (i = n; i > 0; i--)
                    out[i] = out[i - 1];
                out[0] = '/';
            } else {
                *flags |= JSON_STR_TRUNCATED; /* its normal form is too long */
            }
            n++;
        }
        *len = n;
    }
    *flags &= JSON_STR_TRUNCATED | JSON_STR_BAD_TEXT | JSON_STR_NORMALISED | JSON_STR_TRIMMED;
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

int json_string(struct qpybak_reader *r, char *out, size_t cap, size_t *len, unsigned *flags,
                unsigned mode)
{
    int follow = 0;    /* UTF-8 continuation bytes still expected */
    long high = -1;    /* a \u high surrogate waiting for its low half */
    uint8_t low = mode & JSON_STR_TRIM ? 0x21 : 0x20; /* a run's lowest byte */
    uint32_t cp, lead;
    int c, n;

    *len = 0;
    *flags = mode;
    if (next_byte(r) != '"')
        return QPYBAK_ERR_CORRUPT;
    for (;;) {
        /* The common case first: a run of plain printable ASCII, taken
         * straight from the chunk (names are mostly that).  JSON_STR_TRIM:
         * a space ends a run, and none starts while one is held back. */
        if (follow == 0 && high < 0 && !(*flags & JSON_STR_SPACE)) {
            while (r->pos < r->len) {
                uint8_t b = r->chunk[r->pos];

                if (b < low || b >= 0x80 || b == '"' || b == '\\')
                    break;
                if (*len + 1 < cap)
                    out[(*len)++] = (char)b;
                else
                    put_byte(out, cap, len, flags, b); /* the buffer is full */
                r->pos++;
            }
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
            cp = (uint32_t)v;
            if (high >= 0 && v >= 0xDC00 && v <= 0xDFFF) {
                cp = 0x10000u + (((uint32_t)high - 0xD800u) << 10) + ((uint32_t)v - 0xDC00u);
            } else {
                if (high >= 0)
                    *flags |= JSON_STR_BAD_TEXT; /* high half without a low half */
                if (v >= 0xD800 && v <= 0xDFFF) {
                    if (v <= 0xDBFF)
                        high = v;
                    else
                        *flags |= JSON_STR_BAD_TEXT; /* low half alone */
                    continue;
                }
            }
            high = -1;
            /* cp as UTF-8: a lead byte, then n - 1 continuation bytes */
            n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            lead = n == 1 ? cp : ((0xF0u << (4 - n)) & 0xFFu) | cp >> (6 * (n - 1));
            put_byte(out, cap, len, flags, (uint8_t)(lead & 0xFFu));
            while (--n > 0)
                put_byte(out, cap, len, flags, (uint8_t)(0x80u | ((cp >> (6 * (n - 1))) & 0x3Fu)));
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
    if (mode)
        string_end(out, cap, len, flags);
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
    num->exponent = false;
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
        num->exponent = true;
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
        if (json_peek(r) == '}') {
            json_take(r);
            r->warnings |= QPYBAK_WARN_TRAILING_COMMA;
            return 0;
        }
    }
    c = json_peek(r);
    if (c != '"')
        return c == JSON_END ? json_end_error(r) : QPYBAK_ERR_CORRUPT;
    err = json_string(r, key, cap, len, flags, 0);
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
    case '"': return json_string(r, sink, sizeof sink, &len, &flags, 0);
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
