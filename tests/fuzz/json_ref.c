/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/* Reference JSON, manifest, flag and name rules (see json_ref.h). */
#include "json_ref.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ UTF-8 */

/* Decodes one strict UTF-8 sequence at s[0..n); its length, 0 if invalid. */
static size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    size_t len, i;
    uint32_t v, min;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2;
        v = s[0] & 0x1Fu;
        min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3;
        v = s[0] & 0x0Fu;
        min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4;
        v = s[0] & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

bool ref_utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;
    uint32_t cp;

    while (i < len) {
        size_t n = utf8_decode(s + i, len - i, &cp);

        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* ------------------------------------------------------------- names */

static bool bytes_are(const uint8_t *s, size_t len, const char *text)
{
    return strlen(text) == len && memcmp(s, text, len) == 0;
}

/* Equal to text, ASCII letters in any case. */
static bool ascii_ieq(const uint8_t *s, size_t len, const char *text)
{
    size_t i;

    if (strlen(text) != len)
        return false;
    for (i = 0; i < len; i++) {
        uint8_t a = s[i], b = (uint8_t)text[i];

        if (a >= 'A' && a <= 'Z')
            a = (uint8_t)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (uint8_t)(b + 32);
        if (a != b)
            return false;
    }
    return true;
}

enum qpybak_reason ref_name_check(const uint8_t *name, size_t len, size_t name_max)
{
    size_t i, start;
    uint32_t cp;

    if (name_max == 0)
        name_max = QPYBAK_NAME_MAX_DEFAULT;
    if (name == NULL)
        return QPYBAK_REASON_NO_NAME;
    if (len > name_max)
        return QPYBAK_REASON_NAME_TOO_LONG;
    /* Characters first: valid UTF-8, no control character (C0, DEL, C1),
     * no backslash. */
    for (i = 0; i < len;) {
        size_t n = utf8_decode(name + i, len - i, &cp);

        if (n == 0)
            return QPYBAK_REASON_BAD_NAME;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == '\\')
            return QPYBAK_REASON_BAD_NAME;
        i += n;
    }
    /* Then the shape: "/usr/" and components that are not empty, "." or "..". */
    if (len < 5 || memcmp(name, "/usr/", 5) != 0)
        return QPYBAK_REASON_BAD_NAME;
    start = 5;
    for (i = 5; i <= len; i++) {
        if (i < len && name[i] != '/')
            continue;
        if (bytes_are(name + start, i - start, "") || bytes_are(name + start, i - start, ".") ||
            bytes_are(name + start, i - start, ".."))
            return QPYBAK_REASON_BAD_NAME;
        start = i + 1;
    }
    /* Reserved for qpybak itself, in any ASCII case (FatFs folds case). */
    if (ascii_ieq(name, len, "/usr/checksum.json") || ascii_ieq(name, len, "/usr/.qpybak") ||
        (len > 13 && ascii_ieq(name, 13, "/usr/.qpybak/")))
        return QPYBAK_REASON_RESERVED;
    /* and the default staging folder, which FOTA apply empties */
    if (ascii_ieq(name, len, "/usr/.updater") || (len > 14 && ascii_ieq(name, 14, "/usr/.updater/")))
        return QPYBAK_REASON_RESERVED;
    if (len >= 11 && ascii_ieq(name + len - 11, 11, ".qpybak-tmp"))
        return QPYBAK_REASON_RESERVED;
    return QPYBAK_REASON_NONE;
}

/* ------------------------------------------------------------- JSON */

struct p {
    const uint8_t *s;
    size_t n, i;
    int depth;
    bool deep;
    struct jref_doc *doc;
    size_t name_max;
    uint8_t *scratch; /* decoded strings, n bytes at most */
    uint8_t *names;   /* storage of entry names */
    size_t names_used;
};

static void ws(struct p *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                           p->s[p->i] == '\r'))
        p->i++;
}

static int hexv(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static size_t put_cp(uint8_t *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | cp >> 18);
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string at p->i (its '"').  Decoded into scratch: *len; *text_ok is
 * false for invalid UTF-8 or an unpaired surrogate escape.  A syntax error
 * returns false.  (An escape decodes to at most as many bytes as it takes.) */
static bool string(struct p *p, size_t *len, bool *text_ok)
{
    size_t o = 0;

    *text_ok = true;
    if (p->i >= p->n || p->s[p->i] != '"')
        return false;
    p->i++;
    for (;;) {
        uint8_t c;

        if (p->i >= p->n)
            return false;
        c = p->s[p->i];
        if (c == '"') {
            p->i++;
            *len = o;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c != '\\') {
            uint32_t cp;
            size_t k = utf8_decode(p->s + p->i, p->n - p->i, &cp);

            if (k == 0) {
                /* invalid text, kept byte for byte; syntax goes on */
                *text_ok = false;
                p->scratch[o++] = c;
                p->i++;
            } else {
                memcpy(p->scratch + o, p->s + p->i, k);
                o += k;
                p->i += k;
            }
            continue;
        }
        p->i++;
        if (p->i >= p->n)
            return false;
        c = p->s[p->i++];
        switch (c) {
        case '"': case '\\': case '/': p->scratch[o++] = c; break;
        case 'b': p->scratch[o++] = '\b'; break;
        case 'f': p->scratch[o++] = '\f'; break;
        case 'n': p->scratch[o++] = '\n'; break;
        case 'r': p->scratch[o++] = '\r'; break;
        case 't': p->scratch[o++] = '\t'; break;
        case 'u': {
            uint32_t v = 0;
            int k;

            for (k = 0; k < 4; k++) {
                int h;

                if (p->i >= p->n || (h = hexv(p->s[p->i])) < 0)
                    return false;
                v = v << 4 | (uint32_t)h;
                p->i++;
            }
            if (v >= 0xD800 && v <= 0xDBFF) {
                /* must be followed at once by a \u low half */
                uint32_t lo = 0;
                bool ok = p->i + 6 <= p->n && p->s[p->i] == '\\' && p->s[p->i + 1] == 'u';

                for (k = 0; ok && k < 4; k++) {
                    int h = hexv(p->s[p->i + 2 + (size_t)k]);

                    if (h < 0)
                        ok = false; /* a syntax error: found when parsed next */
                    else
                        lo = lo << 4 | (uint32_t)h;
                }
                if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
                    p->i += 6;
                    o += put_cp(p->scratch + o, 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00));
                } else {
                    *text_ok = false; /* high half alone */
                }
            } else if (v >= 0xDC00 && v <= 0xDFFF) {
                *text_ok = false; /* low half alone */
            } else {
                o += put_cp(p->scratch + o, v);
            }
            break;
        }
        default:
            return false;
        }
    }
}

struct num {
    bool is_uint32; /* integer, no fraction or exponent, 0..2^32-1 */
    bool nonzero;
};

static bool digit(struct p *p)
{
    return p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

static bool number(struct p *p, struct num *num)
{
    bool neg = false, frac = false, expo = false;
    uint64_t v = 0;
    bool big = false;

    num->nonzero = false;
    if (p->i < p->n && p->s[p->i] == '-') {
        neg = true;
        p->i++;
    }
    if (!digit(p))
        return false;
    if (p->s[p->i] == '0') {
        p->i++;
    } else {
        while (digit(p)) {
            v = v * 10 + (uint64_t)(p->s[p->i] - '0');
            if (v > 0xFFFFFFFFull) {
                big = true;
                v = 0xFFFFFFFFull + 1;
            }
            num->nonzero = true;
            p->i++;
        }
    }
    if (p->i < p->n && p->s[p->i] == '.') {
        p->i++;
        frac = true;
        if (!digit(p))
            return false;
        while (digit(p)) {
            if (p->s[p->i] != '0')
                num->nonzero = true;
            p->i++;
        }
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        expo = true;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            p->i++;
        if (!digit(p))
            return false;
        while (digit(p))
            p->i++;
    }
    num->is_uint32 = !neg && !frac && !expo && !big;
    return true;
}

static bool word(struct p *p, const char *w)
{
    size_t k = strlen(w);

    if (p->n - p->i < k || memcmp(p->s + p->i, w, k) != 0)
        return false;
    p->i += k;
    return true;
}

enum kind { K_OTHER, K_STRING, K_NUMBER, K_TRUE, K_FALSE, K_CONTAINER };

struct val {
    enum kind kind;
    size_t str_len; /* K_STRING: decoded in scratch */
    bool text_ok;
    struct num num;
};

static bool value(struct p *p, struct val *v);

static bool container(struct p *p, uint8_t open)
{
    uint8_t close = open == '[' ? ']' : '}';
    struct val v;

    p->depth++;
    if (p->depth > p->doc->max_depth)
        p->doc->max_depth = p->depth;
    if (p->depth > JREF_DEPTH_CAP) {
        p->deep = true;
        return false;
    }
    p->i++;
    ws(p);
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
        p->depth--;
        return true;
    }
    for (;;) {
        if (open == '{') {
            size_t kl;
            bool ok;

            ws(p);
            if (!string(p, &kl, &ok))
                return false;
            ws(p);
            if (p->i >= p->n || p->s[p->i] != ':')
                return false;
            p->i++;
        }
        if (!value(p, &v))
            return false;
        ws(p);
        if (p->i >= p->n)
            return false;
        if (p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->s[p->i] == close) {
            p->i++;
            p->depth--;
            return true;
        }
        return false;
    }
}

static bool value(struct p *p, struct val *v)
{
    ws(p);
    v->kind = K_OTHER;
    if (p->i >= p->n)
        return false;
    switch (p->s[p->i]) {
    case '[':
    case '{':
        v->kind = K_CONTAINER;
        return container(p, p->s[p->i]);
    case '"':
        v->kind = K_STRING;
        return string(p, &v->str_len, &v->text_ok);
    case 't':
        v->kind = K_TRUE;
        return word(p, "true");
    case 'f':
        v->kind = K_FALSE;
        return word(p, "false");
    case 'n':
        return word(p, "null");
    default:
        v->kind = K_NUMBER;
        return number(p, &v->num);
    }
}

/* "0x1a2b" or "1A2B": an optional 0x/0X and 1-8 hex digits. */
static bool crc_text(const uint8_t *s, size_t len, uint32_t *crc)
{
    size_t i = 0;
    uint32_t v = 0;

    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2;
    if (len - i < 1 || len - i > 8)
        return false;
    for (; i < len; i++) {
        int h = hexv(s[i]);

        if (h < 0)
            return false;
        v = v << 4 | (uint32_t)h;
    }
    *crc = v;
    return true;
}

/* docs/format.md, "Names in a form QuecPython resolves": split at '/',
 * leave out the empty and "." components but the last one, join again
 * (absolute stays absolute); "usr/..." gains a leading '/'.  out holds
 * len + 1 bytes. */
size_t ref_name_normal(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t o = 0, start = 0, i;
    bool absolute = len > 0 && in[0] == '/', first = true;

    if (absolute) {
        out[o++] = '/';
        start = 1;
    }
    for (i = start; i <= len; i++) {
        size_t clen;

        if (i < len && in[i] != '/')
            continue;
        clen = i - start;
        if (i < len && (clen == 0 || (clen == 1 && in[start] == '.'))) {
            start = i + 1; /* not the last component: left out */
            continue;
        }
        if (!first)
            out[o++] = '/';
        memcpy(out + o, in + start, clen);
        o += clen;
        first = false;
        start = i + 1;
    }
    if (!absolute && o >= 4 && memcmp(out, "usr/", 4) == 0) {
        memmove(out + 1, out, o);
        out[0] = '/';
        o++;
    }
    return o;
}

/* crc32's text without the space, tab, CR and LF around it. */
static bool crc_trimmed(const uint8_t *s, size_t len, uint32_t *crc)
{
    while (len > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
                       s[len - 1] == '\n'))
        len--;
    return crc_text(s, len, crc);
}

/* One element of the top-level array, at depth 1. */
static bool element(struct p *p, struct jref_entry *e)
{
    int names = 0, crcs = 0, sizes = 0;
    bool name_ok = false, crc_ok = false, size_ok = true;
    struct val v;

    memset(e, 0, sizeof *e);
    ws(p);
    if (p->i >= p->n || p->s[p->i] != '{')
        return value(p, &v); /* not an object: an invalid entry */
    p->depth++;
    if (p->depth > p->doc->max_depth)
        p->doc->max_depth = p->depth;
    p->i++;
    ws(p);
    if (p->i < p->n && p->s[p->i] == '}') {
        p->i++;
        p->depth--;
        return true; /* {}: no name */
    }
    for (;;) {
        size_t kl;
        bool ok;
        enum { OTHER, NAME, CRC, SIZE } key = OTHER;

        ws(p);
        if (!string(p, &kl, &ok))
            return false;
        if (ok && kl == 4 && memcmp(p->scratch, "name", 4) == 0)
            key = NAME;
        else if (ok && kl == 5 && memcmp(p->scratch, "crc32", 5) == 0)
            key = CRC;
        else if (ok && kl == 4 && memcmp(p->scratch, "size", 4) == 0)
            key = SIZE;
        ws(p);
        if (p->i >= p->n || p->s[p->i] != ':')
            return false;
        p->i++;
        if (!value(p, &v))
            return false;
        switch (key) {
        case NAME:
            names++;
            name_ok = false;
            if (v.kind == K_STRING && v.text_ok) {
                /* in its normal form (the text is in scratch; names has
                 * room for it and one byte more) */
                size_t nl = ref_name_normal(p->scratch, v.str_len, p->names + p->names_used);

                name_ok = ref_name_check(p->names + p->names_used, nl, p->name_max) ==
                          QPYBAK_REASON_NONE;
                e->name_form = nl != v.str_len ||
                               memcmp(p->names + p->names_used, p->scratch, nl) != 0;
                if (name_ok) {
                    e->name = p->names + p->names_used;
                    e->name_len = nl;
                    p->names_used += nl;
                }
            }
            break;
        case CRC:
            crcs++;
            crc_ok = v.kind == K_STRING && v.text_ok && crc_trimmed(p->scratch, v.str_len, &e->crc);
            e->crc_spaces = crc_ok && !crc_text(p->scratch, v.str_len, &e->crc);
            if (crc_ok)
                crc_trimmed(p->scratch, v.str_len, &e->crc);
            break;
        case SIZE:
            sizes++;
            size_ok = v.kind == K_NUMBER && v.num.is_uint32;
            if (size_ok) {
                /* re-read the digits: the value itself */
                size_t j = p->i;
                uint64_t s = 0, m = 1;

                while (j > 0 && p->s[j - 1] >= '0' && p->s[j - 1] <= '9') {
                    s += (uint64_t)(p->s[j - 1] - '0') * m;
                    m *= 10;
                    j--;
                }
                e->size = (uint32_t)s;
                e->has_size = true;
            }
            break;
        default:
            break;
        }
        ws(p);
        if (p->i >= p->n)
            return false;
        if (p->s[p->i] == ',') {
            p->i++;
            ws(p);
            if (p->i < p->n && p->s[p->i] == '}') {
                p->i++; /* one trailing comma */
                p->doc->trailing_comma = true;
                break;
            }
            continue;
        }
        if (p->s[p->i] == '}') {
            p->i++;
            break;
        }
        return false;
    }
    p->depth--;
    e->valid = names == 1 && name_ok && crcs == 1 && crc_ok && sizes <= 1 && size_ok;
    return true;
}

void jref_parse(const uint8_t *data, size_t len, bool allow_bom, size_t name_max,
                struct jref_doc *doc)
{
    struct p p;
    struct val v;
    bool ok;

    memset(doc, 0, sizeof *doc);
    memset(&p, 0, sizeof p);
    p.s = data;
    p.n = len;
    p.doc = doc;
    p.name_max = name_max;
    p.scratch = (uint8_t *)malloc(len + 4);
    p.names = (uint8_t *)malloc(len + 4 + len / 2); /* normal forms: a byte more each */
    doc->entries = (struct jref_entry *)calloc(len + 1, sizeof *doc->entries);
    if (!p.scratch || !p.names || !doc->entries)
        abort();
    doc->storage = p.names;
    doc->top = -1;
    if (allow_bom && len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
        p.i = 3;
    ws(&p);
    if (p.i < p.n)
        doc->top = data[p.i];
    if (doc->top == '[') {
        p.depth = 1;
        doc->max_depth = 1;
        p.i++;
        ws(&p);
        if (p.i < p.n && p.s[p.i] == ']') {
            p.i++;
            ok = true;
        } else {
            for (;;) {
                if (!element(&p, &doc->entries[doc->n_entries])) {
                    ok = false;
                    break;
                }
                doc->n_entries++;
                ws(&p);
                if (p.i < p.n && p.s[p.i] == ',') {
                    p.i++;
                    ws(&p);
                    if (p.i < p.n && p.s[p.i] == ']') {
                        p.i++; /* one trailing comma */
                        doc->trailing_comma = true;
                        ok = true;
                        break;
                    }
                    continue;
                }
                ok = p.i < p.n && p.s[p.i] == ']';
                p.i++;
                break;
            }
        }
    } else if (doc->top == '{') {
        /* the flag view: the top object's members */
        p.depth = 1;
        doc->max_depth = 1;
        p.i++;
        ws(&p);
        if (p.i < p.n && p.s[p.i] == '}') {
            p.i++;
            ok = true;
        } else {
            for (;;) {
                size_t kl;
                bool tok, enable;

                ws(&p);
                if (!string(&p, &kl, &tok)) {
                    ok = false;
                    break;
                }
                enable = tok && kl == 6 && memcmp(p.scratch, "enable", 6) == 0;
                ws(&p);
                if (p.i < p.n && p.s[p.i] == ':')
                    p.i++;
                else
                    doc->flag_form = true; /* no colon: ujson needs none */
                if (!value(&p, &v)) {
                    ok = false;
                    break;
                }
                if (enable) {
                    doc->enable_count++;
                    doc->enable_type_ok =
                        v.kind == K_NUMBER || v.kind == K_TRUE || v.kind == K_FALSE;
                    if (!doc->enable_type_ok || doc->enable_count > 1)
                        doc->flag_form = true;
                    /* Python's enable != 0: only false and a zero number */
                    doc->enable_on =
                        !(v.kind == K_FALSE || (v.kind == K_NUMBER && !v.num.nonzero));
                }
                ws(&p);
                if (p.i < p.n && p.s[p.i] == ',') {
                    p.i++;
                    ws(&p);
                    if (p.i < p.n && p.s[p.i] == '}') {
                        p.i++; /* one trailing comma */
                        doc->flag_form = true;
                        ok = true;
                        break;
                    }
                    continue;
                }
                ok = p.i < p.n && p.s[p.i] == '}';
                p.i++;
                break;
            }
        }
    } else {
        ok = value(&p, &v);
    }
    if (ok) {
        ws(&p);
        ok = p.i == p.n;
    }
    doc->syntax_ok = ok && !p.deep;
    free(p.scratch);
}

void jref_free(struct jref_doc *doc)
{
    free(doc->storage);
    free(doc->entries);
    doc->storage = NULL;
    doc->entries = NULL;
}

/* ------------------------------------------------------ QuecPython */

/*
 * A model of what QuecPython's flag check does with the text it read:
 * ujson.loads(text)['enable'] != 0, any exception meaning off.  Written
 * from MicroPython's documented ujson behaviour, not from its code: one
 * pass, no recursion; ',' and ':' are white space; '}' and ']' close
 * whatever is open; a dict takes its items as key, value, key, value (one
 * pending key for all levels); the first value is the document, and a
 * container that is still open at the end of the text is fine if it is the
 * outermost one; after the document only white space (space and \t-\r);
 * a NUL byte ends the text.
 */
enum uj { UJ_OFF = 0, UJ_ON = 1, UJ_UNKNOWN = -1 };

/* A number's text as ujson gathers it (a first '-' or digit, then any of
 * 0-9 + - . e E).  Python's int() and float() take a JSON number for sure
 * (huge ones too: a big integer, inf, 0.0): UJ_ON or UJ_OFF when its truth
 * is plain, UJ_SURE when an exponent may take it to 0.0; any other text
 * they may refuse (an exception: off) or not: UJ_UNKNOWN. */
#define UJ_SURE 2
static int uj_number(const uint8_t *t, size_t n)
{
    size_t i = 0, digits = 0;
    bool nonzero = false;

    if (i < n && t[i] == '-')
        i++;
    while (i < n && t[i] >= '0' && t[i] <= '9') {
        nonzero |= t[i] != '0';
        digits++;
        i++;
    }
    if (digits == 0)
        return UJ_UNKNOWN;
    if (i < n && t[i] == '.') {
        size_t frac = 0;

        i++;
        while (i < n && t[i] >= '0' && t[i] <= '9') {
            nonzero |= t[i] != '0';
            frac++;
            i++;
        }
        if (frac == 0)
            return UJ_UNKNOWN;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        size_t exp = 0;

        i++;
        if (i < n && (t[i] == '+' || t[i] == '-'))
            i++;
        while (i < n && t[i] >= '0' && t[i] <= '9') {
            exp++;
            i++;
        }
        if (exp == 0 || i != n)
            return UJ_UNKNOWN;
        return nonzero ? UJ_SURE : UJ_OFF; /* 0e5 is 0.0; 1e-400 may be */
    }
    if (i != n)
        return UJ_UNKNOWN; /* a sign inside, leading zeros... */
    return nonzero ? UJ_ON : UJ_OFF;
}

int ref_ujson_flag(const uint8_t *s, size_t n)
{
    enum { NONE, LIST, DICT } stack[70];
    int depth = 0, top = NONE, enable = UJ_OFF;
    bool started = false, key_pending = false, key_is_enable = false, have_enable = false;
    size_t i = 0, k;

    for (k = 0; k < n; k++)
        if (s[k] == 0)
            n = k; /* the end of the text */
    for (;;) {
        uint8_t c;
        int value = UJ_UNKNOWN; /* the value just read: its truth */
        bool is_enable_str = false, opens = false;

        if (i >= n) {
            /* the end: fine inside the outermost container only */
            if (!started || depth > 1)
                return UJ_OFF;
            break;
        }
        c = s[i++];
        if (c == ',' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == '}' || c == ']') {
            if (!started || depth == 0)
                return UJ_OFF; /* nothing open */
            if (depth == 1) {
                depth = 0;
                break; /* the document */
            }
            depth--;
            continue;
        }
        if (c == 'n' || c == 't' || c == 'f') {
            const char *w = c == 'n' ? "null" : c == 't' ? "true" : "false";
            size_t wl = strlen(w);

            if (n - (i - 1) < wl || memcmp(s + i - 1, w, wl) != 0)
                return UJ_OFF;
            i += wl - 1;
            value = c == 'f' ? UJ_OFF : UJ_ON;
        } else if (c == '"') {
            /* the text, decoded as far as telling "enable" needs */
            uint8_t text[8];
            size_t tl = 0;
            bool odd = false;

            for (;;) {
                uint8_t d;

                if (i >= n)
                    return UJ_OFF; /* unterminated */
                d = s[i++];
                if (d == '"')
                    break;
                if (d == '\\') {
                    if (i >= n)
                        return UJ_OFF;
                    d = s[i++];
                    if (d == 'u') {
                        uint32_t v = 0;
                        int h, q;

                        for (q = 0; q < 4; q++) {
                            if (i >= n)
                                return UJ_OFF;
                            h = hexv(s[i++]);
                            if (h < 0)
                                odd = true; /* ujson does not check */
                            v = v << 4 | (uint32_t)(h < 0 ? 0 : h);
                        }
                        d = v < 0x80 ? (uint8_t)v : 0xFF; /* not in "enable" */
                    } else if (d == 'b' || d == 'f' || d == 'n' || d == 'r' || d == 't') {
                        d = 1; /* a control character: not in "enable" */
                    }
                    /* any other escaped byte stands for itself */
                }
                if (tl < sizeof text)
                    text[tl] = d;
                tl++;
            }
            if (odd)
                return UJ_UNKNOWN;
            is_enable_str = tl == 6 && memcmp(text, "enable", 6) == 0;
            value = UJ_ON; /* a string is != 0 */
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t st = i - 1;

            while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' ||
                             s[i] == '.' || s[i] == 'e' || s[i] == 'E'))
                i++;
            value = uj_number(s + st, i - st);
            if (value == UJ_UNKNOWN)
                return UJ_UNKNOWN; /* it may raise */
            if (value == UJ_SURE)
                value = UJ_UNKNOWN; /* parsed; only its truth is unknown */
        } else if (c == '[' || c == '{') {
            opens = true;
            value = UJ_ON; /* a container is != 0 */
        } else {
            return UJ_OFF; /* anything else: a syntax error */
        }

        /* the value just read */
        if (!started) {
            started = true;
            top = c == '{' ? DICT : c == '[' ? LIST : NONE;
            if (!opens)
                break; /* a scalar document */
            stack[depth++] = top == DICT ? DICT : LIST;
            continue;
        }
        if (stack[depth - 1] == DICT) {
            if (!key_pending) {
                if (opens)
                    return UJ_OFF; /* a container for a key */
                key_pending = true;
                key_is_enable = is_enable_str;
            } else {
                if (depth == 1 && key_is_enable) {
                    have_enable = true;
                    enable = value;
                }
                key_pending = false;
            }
        }
        if (opens) {
            if (depth == (int)(sizeof stack / sizeof stack[0]))
                return UJ_UNKNOWN;
            stack[depth++] = c == '{' ? DICT : LIST;
        }
    }
    /* after the document: white space only */
    while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        i++;
    if (i < n)
        return UJ_OFF;
    if (top != DICT || !have_enable)
        return UJ_OFF; /* not a dict; no 'enable': an exception */
    return enable;
}
