/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The enable flag, backup_restore.json (docs/format.md): on only for a JSON
 * object whose "enable" member is a non-zero number or true; every other
 * case is off, with the reason.  Each document is read with random short
 * reads, single bytes and whole reads, which must all agree.
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

static enum qpybak_off flag_with(const char *doc, size_t len, enum read_mode mode, uint32_t seed,
                                 long error_at, int error)
{
    struct memsrc m;

    memset(&m, 0, sizeof m);
    m.data = doc;
    m.len = len;
    m.mode = mode;
    m.rng = seed ? seed : 1;
    m.error_at = error_at;
    m.error = error;
    return qpybak_flag_read(mem_read, &m, NULL);
}

/* The flag read every way; fails unless all ways give `want`. */
static void expect_flag_len(const char *doc, size_t len, enum qpybak_off want, int line)
{
    int mode;
    uint32_t seed;

    for (mode = 0; mode < READ_MODES; mode++) {
        for (seed = 1; seed <= (mode == READ_RANDOM ? 5u : 1u); seed++) {
            enum qpybak_off got = flag_with(doc, len, (enum read_mode)mode, seed, -1, 0);

            if (got != want)
                fail_msg("line %d: flag %.*s%s (read mode %d): %d (%s), want %d (%s)", line,
                         len > 60 ? 60 : (int)len, doc, len > 60 ? "..." : "", mode, (int)got,
                         qpybak_off_text(got), (int)want, qpybak_off_text(want));
        }
    }
}

#define FLAG(doc, want) expect_flag_len((doc), strlen(doc), (want), __LINE__)
#define ON(doc) FLAG((doc), QPYBAK_OFF_NONE)
#define DISABLED(doc) FLAG((doc), QPYBAK_OFF_DISABLED)
#define MALFORMED(doc) FLAG((doc), QPYBAK_OFF_MALFORMED)

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

static void test_missing_or_wrong_type(void **state)
{
    (void)state;
    MALFORMED("{}");
    MALFORMED("{ }");
    MALFORMED("{\"x\": 1}");
    MALFORMED("{\"enable\": \"1\"}");
    MALFORMED("{\"enable\": \"true\"}");
    MALFORMED("{\"enable\": \"\"}");
    MALFORMED("{\"enable\": null}");
    MALFORMED("{\"enable\": [1]}");
    MALFORMED("{\"enable\": {}}");
    MALFORMED("{\"enable\": {\"enable\": 1}}");
}

static void test_duplicate_enable(void **state)
{
    (void)state;
    MALFORMED("{\"enable\": 1, \"enable\": 1}");
    MALFORMED("{\"enable\": 1, \"enable\": 0}");
    MALFORMED("{\"enable\": 0, \"enable\": 1}");
    MALFORMED("{\"enable\": true, \"x\": 2, \"enable\": true}");
}

static void test_malformed_json(void **state)
{
    static const char *const docs[] = {
        "",
        " ",
        "\n",
        "{",
        "}",
        "{\"enable\": 1",
        "{\"enable\": 1,",
        "{\"enable\": 1,}",
        "{,\"enable\": 1}",
        "{\"enable\" 1}",
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
    expect_flag_len("{\"enable\": 1}\0", 14, QPYBAK_OFF_MALFORMED, __LINE__);
    expect_flag_len("\0{\"enable\": 1}", 14, QPYBAK_OFF_MALFORMED, __LINE__);
    expect_flag_len("{\"enable\": 1\0}", 14, QPYBAK_OFF_MALFORMED, __LINE__);
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
    /* exactly QPYBAK_FLAG_MAX bytes, white space padding: on */
    for (target = QPYBAK_FLAG_MAX - 2; target <= QPYBAK_FLAG_MAX + 2; target++) {
        len = (size_t)sprintf(doc, "{\"enable\": 1}");
        while (len < target)
            doc[len++] = ' ';
        expect_flag_len(doc, len, target <= QPYBAK_FLAG_MAX ? QPYBAK_OFF_NONE : QPYBAK_OFF_TOO_LARGE,
                        __LINE__);
    }
    /* padding inside a member's string, the object around it */
    for (target = QPYBAK_FLAG_MAX - 1; target <= QPYBAK_FLAG_MAX + 1; target++) {
        size_t head = (size_t)sprintf(doc, "{\"enable\": 1, \"pad\": \"");

        len = head;
        while (len < target - 2)
            doc[len++] = 'x';
        doc[len++] = '"';
        doc[len++] = '}';
        assert_int_equal(len, target);
        expect_flag_len(doc, len, target <= QPYBAK_FLAG_MAX ? QPYBAK_OFF_NONE : QPYBAK_OFF_TOO_LARGE,
                        __LINE__);
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
        cmocka_unit_test(test_missing_or_wrong_type),
        cmocka_unit_test(test_duplicate_enable),
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_source_errors),
        cmocka_unit_test(test_texts),
    };

    return cmocka_run_group_tests_name("flag", tests, NULL, NULL);
}
