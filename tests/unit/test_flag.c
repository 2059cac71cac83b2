/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The enable flag, backup_restore.json (docs/format.md): on or off as
 * QuecPython decides it - a JSON object whose "enable" member is not false
 * and not a number equal to zero - with the forms ujson reads (a missing
 * colon, a trailing comma, enable given twice) and the warnings: each form
 * QuecPython reads and qpybak never writes, and each flag QuecPython's own
 * code decides otherwise (it reads 64 bytes and no byte order mark).
 * Every other case is off, with the reason.  Each document is read with
 * random short reads, single bytes and whole reads, which must all agree,
 * warnings included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "qpybak_tools.h"

enum read_mode { READ_RANDOM, READ_ONE, READ_ALL, READ_MODES };

struct memsrc {
    const char *data;
    size_t len, pos;
    enum read_mode mode;
    uint32_t rng;
    long error_at; /* >= 0: the read at this offset fails */
    int error;
    size_t delivered;
};

static int mem_read(void *ctx, void *buf, size_t len)
{
    struct memsrc *m = (struct memsrc *)ctx;
    size_t n = m->len - m->pos;

    if (m->error_at >= 0 && m->pos >= (size_t)m->error_at)
        return m->error;
    if (m->error_at >= 0 && n > (size_t)m->error_at - m->pos)
        n = (size_t)m->error_at - m->pos;
    if (n > len)
        n = len;
    if (n > 1 && m->mode == READ_ONE)
        n = 1;
    if (n > 1 && m->mode == READ_RANDOM) {
        uint32_t x = m->rng;

        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        m->rng = x;
        n = 1 + x % n;
    }
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    m->delivered += n;
    return (int)n;
}

static enum qpybak_off flag_warn(const char *doc, size_t len, enum read_mode mode, uint32_t seed,
                                 long error_at, int error, unsigned *warnings)
{
    struct memsrc m;

    memset(&m, 0, sizeof m);
    m.data = doc;
    m.len = len;
    m.mode = mode;
    m.rng = seed ? seed : 1;
    m.error_at = error_at;
    m.error = error;
    return qpybak_flag_read(mem_read, &m, warnings);
}

static enum qpybak_off flag_with(const char *doc, size_t len, enum read_mode mode, uint32_t seed,
                                 long error_at, int error)
{
    unsigned warnings = 0xFFFFu;
    enum qpybak_off off = flag_warn(doc, len, mode, seed, error_at, error, &warnings);

    /* a storage error or a missing file: nothing to warn about */
    if ((off == QPYBAK_OFF_MISSING || off == QPYBAK_OFF_UNREADABLE) && warnings != 0)
        fail_msg("flag off (%s) with warnings 0x%x", qpybak_off_text(off), warnings);
    /* NULL is allowed, and changes nothing */
    assert_int_equal(flag_warn(doc, len, mode, seed, error_at, error, NULL), off);
    return off;
}

/* The flag read every way; fails unless all ways give `want` and exactly
 * the warnings want_warn. */
static void expect_flag_warn(const char *doc, size_t len, enum qpybak_off want, unsigned want_warn,
                             int line)
{
    int mode;
    uint32_t seed;

    for (mode = 0; mode < READ_MODES; mode++) {
        for (seed = 1; seed <= (mode == READ_RANDOM ? 5u : 1u); seed++) {
            unsigned warn = 0xFFFFu;
            enum qpybak_off got =
                flag_warn(doc, len, (enum read_mode)mode, seed, -1, 0, &warn);

            if (got != want || warn != want_warn)
                fail_msg("line %d: flag %.*s%s (read mode %d): %d (%s) warnings 0x%x, want %d "
                         "(%s) warnings 0x%x",
                         line, len > 60 ? 60 : (int)len, doc, len > 60 ? "..." : "", mode,
                         (int)got, qpybak_off_text(got), warn, (int)want, qpybak_off_text(want),
                         want_warn);
        }
    }
}

static void expect_flag_len(const char *doc, size_t len, enum qpybak_off want, int line)
{
    expect_flag_warn(doc, len, want, 0, line);
}

#define FLAG(doc, want) expect_flag_len((doc), strlen(doc), (want), __LINE__)
#define ON(doc) FLAG((doc), QPYBAK_OFF_NONE)
#define DISABLED(doc) FLAG((doc), QPYBAK_OFF_DISABLED)
#define MALFORMED(doc) FLAG((doc), QPYBAK_OFF_MALFORMED)
#define FLAG_W(doc, want, w) expect_flag_warn((doc), strlen(doc), (want), (w), __LINE__)
#define FORM QPYBAK_WARN_FLAG_FORM
#define QUEC QPYBAK_WARN_FLAG_QUECPYTHON
/* on or off as QuecPython's ujson reads it, in a form qpybak never writes */
#define ON_FORM(doc) FLAG_W((doc), QPYBAK_OFF_NONE, FORM)
#define DISABLED_FORM(doc) FLAG_W((doc), QPYBAK_OFF_DISABLED, FORM)

static void test_on(void **state)
{
    (void)state;
    ON("{\"enable\": 1}");
    ON("{\"enable\":1}");
    ON("{\"enable\": true}");
    ON("{\"enable\": 2}");
    ON("{\"enable\": 255}");
    ON("{\"enable\": 4294967296}");
    ON("{\"enable\": 123456789012345678901234567890}");
    ON("{\"enable\": -1}");
    ON("{\"enable\": 1e5}");
    ON("{\"enable\": 1E+5}");
    ON("{\"enable\": 1e-5}");
    ON("{\"enable\": 0.5}");
    ON("{\"enable\": 0.0001}");
    ON("{\"enable\": 1.0}");
    ON("{\"enable\": -0.5}");
    ON(" \t\r\n{ \t\r\n\"enable\" \t\r\n: \t\r\n1 \t\r\n} \t\r\n");
    ON("{\"enable\": 1}\n");
}

static void test_disabled(void **state)
{
    (void)state;
    DISABLED("{\"enable\": 0}");
    DISABLED("{\"enable\":0}");
    DISABLED("{\"enable\": false}");
    DISABLED("{\"enable\": 0.0}");
    DISABLED("{\"enable\": 0.000}");
    DISABLED("{\"enable\": -0}");
    DISABLED("{\"enable\": -0.0}");
    DISABLED("{\"enable\": 0e5}");
    DISABLED("{\"enable\": 0E-7}");
    DISABLED("{\"enable\": -0.0e+10}");
    DISABLED("\n{ \"enable\" : false }\n");
}

static void test_extra_members(void **state)
{
    (void)state;
    ON("{\"enable\": 1, \"version\": 2}");
    ON("{\"version\": \"1.0\", \"enable\": 1}");
    ON("{\"a\": [1, {\"b\": null}, \"}\"], \"enable\": true, \"c\": {\"d\": [[]]}}");
    DISABLED("{\"a\": 1, \"enable\": 0, \"b\": true}");
    /* an "enable" inside an unknown member is not the flag */
    ON("{\"cfg\": {\"enable\": 0}, \"enable\": 1}");
    DISABLED("{\"cfg\": {\"enable\": 1}, \"enable\": 0}");
    ON("{\"enable\": 1, \"cfg\": {\"enable\": 0}}");
    MALFORMED("{\"cfg\": {\"enable\": 1}}");
    MALFORMED("{\"list\": [{\"enable\": 1}]}");
    /* keys that look alike */
    MALFORMED("{\"Enable\": 1}");
    MALFORMED("{\"ENABLE\": 1}");
    MALFORMED("{\"enabled\": 1}");
    MALFORMED("{\"enabl\": 1}");
    MALFORMED("{\" enable\": 1}");
    MALFORMED("{\"enable \": 1}");
    ON("{\"enabled\": 0, \"enable\": 1}");
    /* an escaped key is the same key */
    ON("{\"en\\u0061ble\": 1}");
}

static void test_missing_enable(void **state)
{
    (void)state;
    MALFORMED("{}");
    MALFORMED("{ }");
    MALFORMED("{\"x\": 1}");
}

/* The decision table of docs/format.md: Python's `enable != 0`.  A string
 * (any: "0", "" and "false" too), null, an array or an object is on, as in
 * QuecPython, and noted: qpybak never writes one. */
static void test_decision_table(void **state)
{
    (void)state;
    ON("{\"enable\": true}");
    DISABLED("{\"enable\": false}");
    ON("{\"enable\": 1}");
    ON("{\"enable\": -1}");
    ON("{\"enable\": 0.5}");
    DISABLED("{\"enable\": 0}");
    DISABLED("{\"enable\": -0}");
    DISABLED("{\"enable\": 0.0}");
    ON_FORM("{\"enable\": \"1\"}");
    ON_FORM("{\"enable\": \"0\"}");
    ON_FORM("{\"enable\": \"\"}");
    ON_FORM("{\"enable\": \"true\"}");
    ON_FORM("{\"enable\": \"false\"}");
    ON_FORM("{\"enable\": \"off\"}");
    ON_FORM("{\"enable\": \"\\u0000\"}");
    ON_FORM("{\"enable\": \"\xff\"}"); /* not UTF-8: still a string */
    ON_FORM("{\"enable\": null}");
    ON_FORM("{\"enable\": []}");
    ON_FORM("{\"enable\": [0]}");
    ON_FORM("{\"enable\": [1]}");
    ON_FORM("{\"enable\": {}}");
    ON_FORM("{\"enable\": {\"enable\": 0}}");
    ON_FORM("{\"enable\": {\"enable\": 1}}");
    ON_FORM("{\"enable\": [[{\"a\": null}]], \"x\": 1}");
    /* what a string or a container holds is read as JSON all the same */
    MALFORMED("{\"enable\": [1,]}");
    MALFORMED("{\"enable\": \"\\x\"}");
    MALFORMED("{\"enable\": {\"a\" 1}}");
}

/* Forms ujson reads: a key without its colon, a comma before the '}',
 * "enable" given twice (a Python dict keeps the last).  Each is noted. */
static void test_ujson_forms(void **state)
{
    (void)state;
    ON_FORM("{\"enable\" 1}");
    ON_FORM("{\"enable\"1}");
    ON_FORM("{\"enable\" \t\r\n 1 }");
    DISABLED_FORM("{\"enable\" 0}");
    DISABLED_FORM("{\"enable\" false}");
    ON_FORM("{\"x\" 2, \"enable\": 1}");
    ON_FORM("{\"x\" [1, 2], \"enable\": 1}");
    ON_FORM("{\"enable\": 1,}");
    ON_FORM("{\"enable\": 1 , }");
    DISABLED_FORM("{\"enable\": 0,}");
    ON_FORM("{\"x\": 0, \"enable\": 1,\n}");
    ON_FORM("{\"enable\" 1,}");
    /* given twice: the last one counts */
    ON_FORM("{\"enable\": 1, \"enable\": 1}");
    DISABLED_FORM("{\"enable\": 1, \"enable\": 0}");
    ON_FORM("{\"enable\": 0, \"enable\": 1}");
    ON_FORM("{\"enable\": true, \"x\": 2, \"enable\": true}");
    DISABLED_FORM("{\"enable\": \"on\", \"enable\": false}");
    ON_FORM("{\"enable\": false, \"en\\u0061ble\": null}");
    DISABLED_FORM("{\"enable\": 0, \"enable\": 1, \"enable\": 0}");
    /* what stays malformed: more than one comma, a comma before the first
     * member, a doubled colon, a comma for a colon, no comma between two
     * members, a comma with no member at all */
    MALFORMED("{\"enable\": 1,,}");
    MALFORMED("{,\"enable\": 1}");
    MALFORMED("{,}");
    MALFORMED("{\"enable\":: 1}");
    MALFORMED("{\"enable\" : : 1}");
    MALFORMED("{\"enable\", 1}");
    MALFORMED("{\"enable\": 1 \"x\": 2}");
    MALFORMED("{\"x\": 2 \"enable\": 1}");
    MALFORMED("{\"enable\"}");
    MALFORMED("{\"enable\" }");
    MALFORMED("{\"enable\": 1,, \"x\": 2}");
}

static void test_malformed_json(void **state)
{
    static const char *const docs[] = {
        "",
        " ",
        "\n",
        "{",
        "}",
        "{,\"enable\": 1}",
        "{\"enable\":: 1}",
        "{\"enable\": }",
        "{\"enable\"}",
        "{enable: 1}",
        "{'enable': 1}",
        "{\"enable\": 01}",
        "{\"enable\": 00}",
        "{\"enable\": -01}",
        "{\"enable\": 1.}",
        "{\"enable\": .5}",
        "{\"enable\": +1}",
        "{\"enable\": 1e}",
        "{\"enable\": -}",
        "{\"enable\": 0x1}",
        "{\"enable\": tru}",
        "{\"enable\": True}",
        "{\"enable\": truee}",
        "{\"enable\": fals}",
        "{\"enable\": NaN}",
        "{\"enable\": Infinity}",
        "{\"enable\": 1 1}",
        "{\"enable\": 1}}",
        "{\"enable\": 1}]",
        "{\"enable\": 1} x",
        "{\"enable\": 1}{}",
        "{\"enable\": 1},",
        "{\"enable\": 1} {\"enable\": 1}",
        "{\"enable\": 1} // on",
        "{\"x\": [1,], \"enable\": 1}",
        "{\"x\": \"\\q\", \"enable\": 1}",
        "{\"x\": \"a\tb\", \"enable\": 1}",
        "{\"en\nable\": 1}",
        "{\"enable\": 1, \"x\": \"unterminated}",
        "[{\"enable\": 1}]",
        "[1]",
        "1",
        "true",
        "\"enable\"",
        "null",
        "enable: 1",
        "enable=1",
        "{\f\"enable\": 1}",
        "{\"enable\":\v1}",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof docs / sizeof docs[0]; i++)
        MALFORMED(docs[i]);
    /* ujson takes a NUL for the end of its input: QuecPython reads what
     * comes before it */
    expect_flag_warn("{\"enable\": 1}\0", 14, QPYBAK_OFF_MALFORMED, QUEC, __LINE__);
    expect_flag_len("\0{\"enable\": 1}", 14, QPYBAK_OFF_MALFORMED, __LINE__);
    expect_flag_warn("{\"enable\": 1\0}", 14, QPYBAK_OFF_MALFORMED, QUEC, __LINE__);
    expect_flag_len("{\"enable\": 0}\0", 14, QPYBAK_OFF_MALFORMED, __LINE__);
    /* a document cut short between two members: QuecPython's ujson does
     * not check that the '}' came, qpybak does */
    FLAG_W("{\"enable\": 1", QPYBAK_OFF_MALFORMED, QUEC);
    FLAG_W("{\"enable\": 1,", QPYBAK_OFF_MALFORMED, QUEC);
    FLAG_W("{\"enable\": 1, \"x\"", QPYBAK_OFF_MALFORMED, QUEC);
    FLAG_W("{\"enable\": 1, \"x\":", QPYBAK_OFF_MALFORMED, QUEC);
    FLAG_W("{\"enable\": 1, \"x\": [1, {}]", QPYBAK_OFF_MALFORMED, QUEC);
    FLAG_W("{\"enable\": 1, \"enable\"", QPYBAK_OFF_MALFORMED, QUEC);
    FLAG_W("{\"enable\": true\n", QPYBAK_OFF_MALFORMED, QUEC);
    FLAG_W("{\"enable\": \"0\"", QPYBAK_OFF_MALFORMED, QUEC);
    /* ... off there too: no enable yet, or cut inside a token */
    MALFORMED("{\"enable\"");
    MALFORMED("{\"enable\":");
    MALFORMED("{\"enable\": 0");
    MALFORMED("{\"enable\": 1, \"enable\": 0");
    MALFORMED("{\"enable\": 1, \"x\": [1");
    MALFORMED("{\"enable\": 1, \"x\": \"ab");
    MALFORMED("{\"enable\": 1, \"en");
    MALFORMED("{\"enable\": tr");
}

/* A byte order mark: qpybak skips it, QuecPython's ujson fails on it (off
 * there) - said when that makes a difference. */
static void test_bom(void **state)
{
    (void)state;
    FLAG_W("\xef\xbb\xbf{\"enable\": 1}", QPYBAK_OFF_NONE, QUEC);
    FLAG_W("\xef\xbb\xbf{\"enable\": 1}\n", QPYBAK_OFF_NONE, QUEC);
    FLAG_W("\xef\xbb\xbf{\"enable\" \"0\"}", QPYBAK_OFF_NONE, FORM | QUEC);
    DISABLED("\xef\xbb\xbf{\"enable\": 0}"); /* off both ways */
    MALFORMED("\xef\xbb\xbf{\"x\": 1}");
    MALFORMED("\xef\xbb\xbf");
    /* not a byte order mark at the very start */
    MALFORMED("\xef\xbb{\"enable\": 1}");
    MALFORMED(" \xef\xbb\xbf{\"enable\": 1}");
    MALFORMED("\xef\xbb\xbf\xef\xbb\xbf{\"enable\": 1}");
    MALFORMED("{\"enable\": 1}\xef\xbb\xbf");
}

/* doc[0..len) = head, then fill up to `at` bytes, then tail. */
static size_t build(char *doc, const char *head, char fill, size_t at, const char *tail)
{
    size_t len = strlen(head);

    memcpy(doc, head, len);
    while (len < at)
        doc[len++] = fill;
    memcpy(doc + len, tail, strlen(tail));
    return len + strlen(tail);
}

#define WINDOW(head, fill, at, tail, want, warn)                                                  \
    do {                                                                                           \
        size_t len_ = build(doc, (head), (fill), (at), (tail));                                    \
        expect_flag_warn(doc, len_, (want), (warn), __LINE__);                                     \
    } while (0)

/* QuecPython reads the first 64 bytes of the flag and decides by them;
 * qpybak decides by the whole flag and says (QPYBAK_WARN_FLAG_QUECPYTHON)
 * when QuecPython's decision differs.  ujson reads an object cut short
 * between two members (it does not check for the '}'); one cut inside a
 * string, a literal or a nested value fails (off). */
static void test_quecpython_window(void **state)
{
    static char doc[6000];
    size_t len;

    (void)state;
    /* 64 bytes, complete: the same document both ways */
    len = build(doc, "{\"enable\": 1}", ' ', 64, "");
    assert_int_equal(len, 64);
    expect_flag_len(doc, len, QPYBAK_OFF_NONE, __LINE__);
    WINDOW("{\"enable\": 1, \"pad\": \"", 'x', 62, "\"}", QPYBAK_OFF_NONE, 0);
    WINDOW("{\"enable\": 0, \"pad\": \"", 'x', 62, "\"}", QPYBAK_OFF_DISABLED, 0);
    WINDOW("{\"enable\": 1, \"pad\": \"", 'x', 63, "\"}", QPYBAK_OFF_NONE, 0); /* 65: "}" cut */
    /* 65 bytes whose first 64 are a complete document: QuecPython reads it */
    WINDOW("{\"enable\": 1}", ' ', 64, "\n", QPYBAK_OFF_NONE, 0);
    WINDOW("{\"enable\": 0}", ' ', 64, "\n", QPYBAK_OFF_DISABLED, 0);
    WINDOW("{\"enable\": 1}", '\n', 64, "      ", QPYBAK_OFF_NONE, 0);
    /* ... then something that is not white space, past its 64 bytes:
     * QuecPython never sees it */
    WINDOW("{\"enable\": 1}", ' ', 64, "x", QPYBAK_OFF_MALFORMED, QUEC);
    WINDOW("{\"enable\": 1}", ' ', 64, "{\"enable\": 0}", QPYBAK_OFF_MALFORMED, QUEC);
    WINDOW("{\"enable\": 0}", ' ', 64, "x", QPYBAK_OFF_MALFORMED, 0); /* off both ways */
    WINDOW("{\"enable\": 1}", ' ', 63, "x", QPYBAK_OFF_MALFORMED, 0);  /* it sees it */
    WINDOW("{\"enable\": 1}", '\0', 64, "", QPYBAK_OFF_MALFORMED, QUEC); /* NUL padding */
    WINDOW("{\"enable\": 1}", '\0', 300, "", QPYBAK_OFF_MALFORMED, QUEC);
    WINDOW("{\"enable\": 0}", '\0', 300, "", QPYBAK_OFF_MALFORMED, 0);
    /* the 64th byte inside a string: ujson fails, QuecPython is off */
    WINDOW("{\"enable\": 1, \"pad\": \"", 'x', 64, "\"}", QPYBAK_OFF_NONE, QUEC);
    WINDOW("{\"enable\": 1, \"pad\": \"", 'x', 300, "\"}", QPYBAK_OFF_NONE, QUEC);
    WINDOW("{\"enable\": 1, \"description\": \"", 'z', 200, "\", \"v\": 2}\n",
           QPYBAK_OFF_NONE, QUEC);
    WINDOW("{\"enable\": 0, \"pad\": \"", 'x', 300, "\"}", QPYBAK_OFF_DISABLED, 0);
    /* ... inside a nested value or a literal */
    WINDOW("{\"enable\": 1, \"x\": [", ' ', 100, "]}", QPYBAK_OFF_NONE, QUEC);
    WINDOW("{\"enable\": 1, \"x\": {\"a\": 1,", '\n', 100, "\"b\": 2}}", QPYBAK_OFF_NONE,
           QUEC);
    WINDOW("{\"x\": 1,", ' ', 60, "\"enable\": true}", QPYBAK_OFF_NONE, QUEC);
    /* ... between two members: ujson reads the members before it */
    WINDOW("{\"enable\": 1,", ' ', 100, "\"x\": 2}", QPYBAK_OFF_NONE, 0);
    WINDOW("{\"enable\": 1, \"x\": [1, 2],", '\n', 100, "\"y\": 3}", QPYBAK_OFF_NONE, 0);
    WINDOW("{\"enable\": 1", ' ', 100, "}", QPYBAK_OFF_NONE, 0);
    WINDOW("{\"enable\": 1, \"x\"", ' ', 100, ": 2}", QPYBAK_OFF_NONE, 0);
    /* enable only past the 64th byte: no enable for QuecPython */
    WINDOW("{\"pad\": \"", 'x', 100, "\", \"enable\": 1}", QPYBAK_OFF_NONE, QUEC);
    WINDOW("{\"pad\": 1,", ' ', 100, "\"enable\": 1}", QPYBAK_OFF_NONE, QUEC);
    WINDOW("{\"pad\": 1,", ' ', 100, "\"enable\": 0}", QPYBAK_OFF_DISABLED, 0);
    /* enable given twice, the 64th byte between the two */
    WINDOW("{\"enable\": 0,", ' ', 100, "\"enable\": 1}", QPYBAK_OFF_NONE, FORM | QUEC);
    WINDOW("{\"enable\": 1,", ' ', 100, "\"enable\": 0}", QPYBAK_OFF_DISABLED, FORM | QUEC);
    WINDOW("{\"enable\": 1,", ' ', 100, "\"enable\": 2}", QPYBAK_OFF_NONE, FORM);
    /* a number cut by the 64th byte: ujson reads its first digits */
    WINDOW("{\"enable\":", ' ', 63, "10}", QPYBAK_OFF_NONE, 0);     /* "1" */
    WINDOW("{\"enable\":", ' ', 63, "0.5}", QPYBAK_OFF_NONE, QUEC); /* "0" */
    WINDOW("{\"enable\":", ' ', 63, "-1}", QPYBAK_OFF_NONE, 0);     /* "-": not judged */
    /* a number with an exponent: QuecPython's float may take it for 0.0
     * (1e-400): not judged */
    WINDOW("{\"enable\": 1e-400}", ' ', 64, "x", QPYBAK_OFF_MALFORMED, 0);
    WINDOW("{\"enable\": 1e5}", ' ', 64, "x", QPYBAK_OFF_MALFORMED, 0);
    WINDOW("{\"enable\": 0e5}", ' ', 64, "x", QPYBAK_OFF_MALFORMED, 0);
    WINDOW("{\"enable\": 0.5}", ' ', 64, "x", QPYBAK_OFF_MALFORMED, QUEC);
    WINDOW("{\"enable\": -2}", ' ', 64, "x", QPYBAK_OFF_MALFORMED, QUEC);
    /* too large for qpybak, not for QuecPython's 64 bytes */
    WINDOW("{\"enable\": 1}", ' ', 5000, "", QPYBAK_OFF_TOO_LARGE, QUEC);
    WINDOW("{\"enable\": 1, \"pad\": \"", 'x', 5000, "\"}", QPYBAK_OFF_TOO_LARGE, 0);
}

/* Deep nesting in an unknown member: corrupt, never a crash. */
static void test_deep_nesting(void **state)
{
    static char doc[QPYBAK_FLAG_MAX];
    size_t len = 0, i;

    (void)state;
    len += (size_t)sprintf(doc, "{\"x\": ");
    for (i = 0; i < 1000; i++)
        doc[len++] = '[';
    for (i = 0; i < 1000; i++)
        doc[len++] = ']';
    len += (size_t)sprintf(doc + len, ", \"enable\": 1}");
    expect_flag_len(doc, len, QPYBAK_OFF_MALFORMED, __LINE__);
}

static void test_size_limit(void **state)
{
    static char doc[3 * QPYBAK_FLAG_MAX];
    size_t len, target;

    (void)state;
    /* exactly QPYBAK_FLAG_MAX bytes, white space padding: on (QuecPython
     * reads the object in its 64 bytes: on there too, even when qpybak
     * finds the file too large) */
    for (target = QPYBAK_FLAG_MAX - 2; target <= QPYBAK_FLAG_MAX + 2; target++) {
        len = (size_t)sprintf(doc, "{\"enable\": 1}");
        while (len < target)
            doc[len++] = ' ';
        if (target <= QPYBAK_FLAG_MAX)
            expect_flag_len(doc, len, QPYBAK_OFF_NONE, __LINE__);
        else
            expect_flag_warn(doc, len, QPYBAK_OFF_TOO_LARGE, QUEC, __LINE__);
    }
    /* padding inside a member's string, the object around it: QuecPython's
     * 64 bytes end inside the string (off there) */
    for (target = QPYBAK_FLAG_MAX - 1; target <= QPYBAK_FLAG_MAX + 1; target++) {
        size_t head = (size_t)sprintf(doc, "{\"enable\": 1, \"pad\": \"");

        len = head;
        while (len < target - 2)
            doc[len++] = 'x';
        doc[len++] = '"';
        doc[len++] = '}';
        assert_int_equal(len, target);
        if (target <= QPYBAK_FLAG_MAX)
            expect_flag_warn(doc, len, QPYBAK_OFF_NONE, QUEC, __LINE__);
        else
            expect_flag_len(doc, len, QPYBAK_OFF_TOO_LARGE, __LINE__);
    }
    /* large: disabled or not, too large is too large */
    len = (size_t)sprintf(doc, "{\"pad\": \"");
    while (len < sizeof doc - 20)
        doc[len++] = 'y';
    len += (size_t)sprintf(doc + len, "\", \"enable\": 1}");
    expect_flag_len(doc, len, QPYBAK_OFF_TOO_LARGE, __LINE__);
}

static void test_source_errors(void **state)
{
    static const char doc[] = "{\"enable\": 1}";
    size_t len = sizeof doc - 1;
    long at;
    int mode;

    (void)state;
    for (mode = 0; mode < READ_MODES; mode++) {
        /* the flag file does not exist */
        assert_int_equal(flag_with(doc, len, (enum read_mode)mode, 3, 0, QPYBAK_ERR_NOENT),
                         QPYBAK_OFF_MISSING);
        /* any other error: unreadable, wherever it happens - even after the
         * whole object, before the end was seen */
        for (at = 0; at <= (long)len; at++) {
            enum qpybak_off got;

            got = flag_with(doc, len, (enum read_mode)mode, (uint32_t)at + 1, at, QPYBAK_ERR_IO);
            if (got != QPYBAK_OFF_UNREADABLE)
                fail_msg("IO error at %ld (mode %d): %d (%s), want UNREADABLE", at, mode, (int)got,
                         qpybak_off_text(got));
            got = flag_with(doc, len, (enum read_mode)mode, (uint32_t)at + 1, at, -1000);
            if (got != QPYBAK_OFF_UNREADABLE)
                fail_msg("error -1000 at %ld (mode %d): %d, want UNREADABLE", at, mode, (int)got);
        }
    }
}

static void test_texts(void **state)
{
    int why;

    (void)state;
    for (why = QPYBAK_OFF_NONE; why <= QPYBAK_OFF_UNREADABLE; why++) {
        const char *t = qpybak_off_text((enum qpybak_off)why);

        assert_non_null(t);
        assert_true(strlen(t) > 0);
        assert_string_not_equal(t, "unknown");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_on),
        cmocka_unit_test(test_disabled),
        cmocka_unit_test(test_extra_members),
        cmocka_unit_test(test_missing_enable),
        cmocka_unit_test(test_decision_table),
        cmocka_unit_test(test_ujson_forms),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_quecpython_window),
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_source_errors),
        cmocka_unit_test(test_texts),
    };

    return cmocka_run_group_tests_name("flag", tests, NULL, NULL);
}
