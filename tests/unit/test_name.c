/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * qpybak_name_check: every rule of docs/format.md, "Device paths and
 * names" (prefix "/usr/", no empty,
 * "." or ".." component, no trailing '/', no backslash, no control
 * character, valid UTF-8, the length limit).  The rule is strict: the
 * forms QuecPython resolves to the same file ("usr/x", "//", "/./") are
 * put in their normal form by the manifest reader, never by the check, so
 * that pack refuses them and qpybak never writes one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "qpybak_tools.h"

struct doc_src {
    const char *s;
    size_t len, pos;
};

static int read_doc(void *ctx, void *buf, size_t len)
{
    struct doc_src *src = (struct doc_src *)ctx;
    size_t n = src->len - src->pos < len ? src->len - src->pos : len;

    memcpy(buf, src->s + src->pos, n);
    src->pos += n;
    return (int)n;
}

static void show(char *out, size_t cap, const char *s, size_t len)
{
    size_t i, o = 0;

    for (i = 0; i < len && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
    }
    out[o] = '\0';
}

static void expect_len(const char *name, size_t len, size_t name_max, enum qpybak_reason want,
                       int line)
{
    enum qpybak_reason got = qpybak_name_check(name, len, name_max);

    if (got != want) {
        char text[600];

        show(text, sizeof text, name, len);
        fail_msg("line %d: name_check(\"%s\", %zu, %zu) = %d (%s), want %d (%s)", line, text, len,
                 name_max, (int)got, qpybak_reason_text(got), (int)want, qpybak_reason_text(want));
    }
}

#define VALID(s) expect_len((s), strlen(s), 0, QPYBAK_REASON_NONE, __LINE__)
#define BAD(s) expect_len((s), strlen(s), 0, QPYBAK_REASON_BAD_NAME, __LINE__)
/* for strings with embedded NULs: the literal's size */
#define BAD_LIT(s) expect_len((s), sizeof(s) - 1, 0, QPYBAK_REASON_BAD_NAME, __LINE__)

static void test_valid_names(void **state)
{
    (void)state;
    VALID("/usr/a");
    VALID("/usr/main.py");
    VALID("/usr/lib/umqtt/simple.py");
    VALID("/usr/apn_cfg.json");
    VALID("/usr/a b c");
    VALID("/usr/.hidden");
    VALID("/usr/..a");
    VALID("/usr/a..");
    VALID("/usr/...");
    VALID("/usr/a.b/c..d/.e");
    VALID("/usr/quote\"d.py"); /* '"' is allowed: the JSON writer escapes it */
    VALID("/usr/'single'");
    VALID("/usr/usr");
    VALID("/usr/~!@#$%^&*()_+-=[]{};:,<>?|`");
}

static void test_valid_utf8(void **state)
{
    (void)state;
    VALID("/usr/caf\xc3\xa9.py");                 /* é U+00E9 */
    VALID("/usr/\xc2\xa0");                       /* U+00A0, after the C1 controls */
    VALID("/usr/\xdf\xbf");                       /* U+07FF, last 2-byte */
    VALID("/usr/\xe0\xa0\x80");                   /* U+0800, first 3-byte */
    VALID("/usr/\xe4\xb8\xad\xe6\x96\x87/a.py");  /* 中文 */
    VALID("/usr/\xed\x9f\xbf");                   /* U+D7FF, just below surrogates */
    VALID("/usr/\xee\x80\x80");                   /* U+E000, just above */
    VALID("/usr/\xef\xbf\xbf");                   /* U+FFFF */
    VALID("/usr/\xf0\x90\x80\x80");               /* U+10000, first 4-byte */
    VALID("/usr/\xf0\x9f\x98\x80.txt");           /* 😀 */
    VALID("/usr/\xf4\x8f\xbf\xbf");               /* U+10FFFF, the last */
    VALID("/usr/\xd0\xbf\xd1\x80\xd0\xb8/\xce\xb1"); /* Cyrillic and Greek */
}

static void test_prefix(void **state)
{
    (void)state;
    BAD("");
    BAD("/");
    BAD("/usr");
    BAD("/usr/");
    BAD("usr/a");
    BAD("usr");
    BAD("a");
    BAD("/usra");
    BAD("/usrx/a");
    BAD("/us/a");
    BAD("/USR/a");
    BAD("/Usr/a");
    BAD("/bak/usr/a");
    BAD("/bak/checksum.json");
    BAD("//usr/a");
    BAD(" /usr/a");
    BAD("./usr/a");
    BAD("\\usr\\a");
    BAD("/etc/passwd");
    BAD("/usr\\a");
}

static void test_components(void **state)
{
    (void)state;
    BAD("/usr//a");
    BAD("/usr/a//b");
    BAD("/usr///");
    BAD("/usr/a/");
    BAD("/usr/a/b/");
    BAD("/usr/.");
    BAD("/usr/..");
    BAD("/usr/./a");
    BAD("/usr/../a");
    BAD("/usr/../bak/usr/a");
    BAD("/usr/a/..");
    BAD("/usr/a/.");
    BAD("/usr/a/./b");
    BAD("/usr/a/../b");
    BAD("/usr/a/../../etc/passwd");
    BAD("/usr/./");
    BAD("/usr/../");
}

static void test_backslash(void **state)
{
    (void)state;
    BAD("/usr/a\\b");
    BAD("/usr/\\");
    BAD("/usr/..\\..\\a");
    BAD("/usr/a\\");
    BAD("/usr/\\a");
}

static void test_control_characters(void **state)
{
    char name[16];
    int c, pos;

    (void)state;
    for (c = 0; c < 0x20; c++) {
        for (pos = 5; pos <= 7; pos++) {
            memcpy(name, "/usr/abc", 9);
            name[pos] = (char)c;
            expect_len(name, 8, 0, QPYBAK_REASON_BAD_NAME, __LINE__);
        }
    }
    BAD("/usr/a\x7f");
    BAD("/usr/\x7f");
    BAD("/usr/a\tb");
    BAD("/usr/a\nb");
    BAD("/usr/a\rb");
    BAD("/usr/a\x1b[0m");
    BAD_LIT("/usr/a\0b");      /* embedded NUL, seen through len */
    BAD_LIT("/usr/a.py\0");    /* trailing NUL inside len */
    BAD_LIT("/usr/\0");
    BAD_LIT("/usr/a\0/../../x");
    /* C1 control characters, U+0080-U+009F, are control characters too */
    BAD("/usr/\xc2\x80");
    BAD("/usr/a\xc2\x85" "b"); /* NEL */
    BAD("/usr/\xc2\x9b[0m"); /* CSI */
    BAD("/usr/\xc2\x9f");
}

static void test_len_is_honoured(void **state)
{
    (void)state;
    /* only the first len bytes count */
    expect_len("/usr/abc/..", 8, 0, QPYBAK_REASON_NONE, __LINE__);
    expect_len("/usr/a/", 6, 0, QPYBAK_REASON_NONE, __LINE__);
    expect_len("/usr/a\\b", 6, 0, QPYBAK_REASON_NONE, __LINE__);
    expect_len("/usr/a", 5, 0, QPYBAK_REASON_BAD_NAME, __LINE__);
    expect_len("/usr/a", 0, 0, QPYBAK_REASON_BAD_NAME, __LINE__);
    /* a cut in the middle of a UTF-8 sequence is invalid */
    expect_len("/usr/\xc3\xa9", 6, 0, QPYBAK_REASON_BAD_NAME, __LINE__);
    expect_len("/usr/\xe4\xb8\xad", 7, 0, QPYBAK_REASON_BAD_NAME, __LINE__);
    expect_len("/usr/\xf0\x9f\x98\x80", 8, 0, QPYBAK_REASON_BAD_NAME, __LINE__);
}

static void test_length_limit(void **state)
{
    char name[1100];
    size_t limits[] = {6, 7, 20, 64, 254, 255, 256, 1000};
    size_t i, len;

    (void)state;
    memcpy(name, "/usr/", 5);
    memset(name + 5, 'x', sizeof name - 5);
    for (i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        size_t max = limits[i];

        for (len = 6; len <= max + 2 && len < sizeof name; len++)
            expect_len(name, len, max, len <= max ? QPYBAK_REASON_NONE : QPYBAK_REASON_NAME_TOO_LONG,
                       __LINE__);
    }
    /* 0 is the default, 255 */
    expect_len(name, QPYBAK_NAME_MAX_DEFAULT, 0, QPYBAK_REASON_NONE, __LINE__);
    expect_len(name, QPYBAK_NAME_MAX_DEFAULT + 1, 0, QPYBAK_REASON_NAME_TOO_LONG, __LINE__);
    expect_len(name, 1000, 0, QPYBAK_REASON_NAME_TOO_LONG, __LINE__);

    /* the limit counts bytes, not characters: 3-byte characters */
    memcpy(name, "/usr/", 5);
    for (len = 5; len + 3 <= 5 + 3 * 10; len += 3)
        memcpy(name + len, "\xe4\xb8\xad", 3);
    expect_len(name, 35, 35, QPYBAK_REASON_NONE, __LINE__);
    expect_len(name, 35, 34, QPYBAK_REASON_NAME_TOO_LONG, __LINE__);
    expect_len(name, 35, 12, QPYBAK_REASON_NAME_TOO_LONG, __LINE__);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* stray continuation bytes */
    BAD("/usr/\x80");
    BAD("/usr/\xbf");
    BAD("/usr/a\x80\x80");
    /* overlong forms */
    BAD("/usr/\xc0\x80");          /* NUL */
    BAD("/usr/\xc0\xaf");          /* '/' */
    BAD("/usr/\xc1\xbf");
    BAD("/usr/\xc0\xae\xc0\xae");  /* ".." overlong */
    BAD("/usr/\xe0\x80\x80");
    BAD("/usr/\xe0\x80\xaf");      /* '/' in 3 bytes */
    BAD("/usr/\xe0\x9f\xbf");      /* U+07FF in 3 bytes */
    BAD("/usr/\xf0\x80\x80\x80");
    BAD("/usr/\xf0\x80\x80\xaf");  /* '/' in 4 bytes */
    BAD("/usr/\xf0\x8f\xbf\xbf");  /* U+FFFF in 4 bytes */
    /* surrogates */
    BAD("/usr/\xed\xa0\x80");      /* U+D800 */
    BAD("/usr/\xed\xaf\xbf");      /* U+DBFF */
    BAD("/usr/\xed\xb0\x80");      /* U+DC00 */
    BAD("/usr/\xed\xbf\xbf");      /* U+DFFF */
    BAD("/usr/\xed\xa0\xbd\xed\xb8\x80"); /* CESU-8 pair for U+1F600 */
    /* beyond U+10FFFF and impossible lead bytes */
    BAD("/usr/\xf4\x90\x80\x80");  /* U+110000 */
    BAD("/usr/\xf5\x80\x80\x80");
    BAD("/usr/\xf7\xbf\xbf\xbf");
    BAD("/usr/\xf8\x88\x80\x80\x80");
    BAD("/usr/\xfc\x84\x80\x80\x80\x80");
    BAD("/usr/\xfe");
    BAD("/usr/\xff");
    /* truncated sequences: at the end, before ASCII, before '/' */
    BAD("/usr/\xc3");
    BAD("/usr/\xe4\xb8");
    BAD("/usr/\xe4");
    BAD("/usr/\xf0\x9f\x98");
    BAD("/usr/\xf0\x9f");
    BAD("/usr/\xf0");
    BAD("/usr/\xc3" "a");
    BAD("/usr/\xe4\xb8" "a");
    BAD("/usr/\xf0\x9f\x98" "a");
    BAD("/usr/\xc3/a");
    BAD("/usr/\xe4\xb8/a");
    BAD("/usr/a\xc3\xc3\xa9");
    /* a multi-byte sequence may not swallow a following '\\' or control */
    BAD("/usr/\xc3\\");
}

#define RESERVED(s) expect_len((s), strlen(s), 0, QPYBAK_REASON_RESERVED, __LINE__)

/* qpybak's own files can never be tracked: a manifest could otherwise have
 * the manifest itself "restored", or a tracked file removed as a stale
 * temporary. */
static void test_reserved_names(void **state)
{
    (void)state;
    RESERVED("/usr/checksum.json");
    RESERVED("/usr/.qpybak");
    RESERVED("/usr/.qpybak/x");
    RESERVED("/usr/.qpybak/checksum.json");
    RESERVED("/usr/.qpybak/boot.json");
    RESERVED("/usr/.qpybak/fota.json");
    RESERVED("/usr/.qpybak/good/main.py");
    RESERVED("/usr/a.qpybak-tmp");
    RESERVED("/usr/main.py.qpybak-tmp");
    RESERVED("/usr/lib/a.py.qpybak-tmp");
    RESERVED("/usr/.qpybak-tmp");
    RESERVED("/usr/checksum.json.qpybak-tmp");
    /* the default staging folder, in any letter case (FOTA apply empties it) */
    RESERVED("/usr/.updater");
    RESERVED("/usr/.updater/main.py");
    RESERVED("/usr/.UPDATER/lib/a.py");
    VALID("/usr/.updaterx");
    VALID("/usr/lib/.updater/a.py");
    /* near misses are ordinary names */
    VALID("/usr/checksum.json2");
    VALID("/usr/checksum.jso");
    VALID("/usr/lib/checksum.json");
    VALID("/usr/checksum.json/x");
    VALID("/usr/.qpybakx");
    VALID("/usr/.qpybakx/a");
    VALID("/usr/x/.qpybak/a");
    VALID("/usr/a.qpybak-tmpx");
    VALID("/usr/a.qpybak-tmp/b");
    VALID("/usr/qpybak-tmp");
    VALID("/usr/a.qpybak-tm");
    /* a name that is bad anyway stays bad */
    BAD("/usr/.qpybak/../x");
    BAD("/usr/.qpybak/");
    /* reserved within len only */
    expect_len("/usr/checksum.json", 17, 0, QPYBAK_REASON_NONE, __LINE__);
    expect_len("/usr/a.qpybak-tmp", 16, 0, QPYBAK_REASON_NONE, __LINE__);
}

/* The one name a manifest entry gives, through the reader. */
static void read_name(const char *json_name, char *out, size_t cap, enum qpybak_reason *why,
                      unsigned *warnings)
{
    static char doc[600];
    struct qpybak_reader r;
    struct qpybak_entry e;
    struct doc_src src;
    uint8_t chunk[64];
    char name[256];

    snprintf(doc, sizeof doc, "[{\"name\": \"%s\", \"crc32\": \"0x1\"}]", json_name);
    src.s = doc;
    src.len = strlen(doc);
    src.pos = 0;
    qpybak_reader_init(&r, read_doc, &src, chunk, sizeof chunk, name, sizeof name);
    assert_int_equal(qpybak_reader_next(&r, &e), 1);
    assert_non_null(e.name);
    snprintf(out, cap, "%.*s", (int)e.name_len, e.name);
    *why = e.invalid;
    *warnings = e.warnings;
    assert_int_equal(qpybak_reader_next(&r, &e), 0);
}

/* The forms QuecPython resolves: refused by the check (pack's rule), read
 * by the manifest reader as the normal name, which the check passes. */
static void test_reader_forms(void **state)
{
    static const char *const forms[][2] = {
        {"usr/t.txt", "/usr/t.txt"},       {"/usr//t.txt", "/usr/t.txt"},
        {"//usr/t.txt", "/usr/t.txt"},     {"/usr/./t.txt", "/usr/t.txt"},
        {"./usr/t.txt", "/usr/t.txt"},     {"usr//lib/./a.py", "/usr/lib/a.py"},
        {"/./usr///lib/a.py", "/usr/lib/a.py"},
    };
    static const char *const refused[] = {
        "..", "/usr/../x", "usr/../bak/x", "/usr/x/", "t.txt", "//", "/usr//", "/usr/x/.",
        "bak/x", "usr\\\\x", "/usr/./../x",
    };
    enum qpybak_reason why;
    unsigned warnings;
    char got[300];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        BAD(forms[i][0]);
        VALID(forms[i][1]);
        read_name(forms[i][0], got, sizeof got, &why, &warnings);
        if (why != QPYBAK_REASON_NONE || strcmp(got, forms[i][1]) != 0 ||
            warnings != QPYBAK_WARN_NAME_FORM)
            fail_msg("%s read as \"%s\" (%s, warnings 0x%x), want \"%s\"", forms[i][0], got,
                     qpybak_reason_text(why), warnings, forms[i][1]);
    }
    for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        read_name(refused[i], got, sizeof got, &why, &warnings);
        if (why != QPYBAK_REASON_BAD_NAME || warnings != 0)
            fail_msg("%s read as \"%s\" (%s, warnings 0x%x), want invalid", refused[i], got,
                     qpybak_reason_text(why), warnings);
    }
}

static void test_null_name(void **state)
{
    (void)state;
    assert_int_not_equal(qpybak_name_check(NULL, 0, 0), QPYBAK_REASON_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_names),
        cmocka_unit_test(test_valid_utf8),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_components),
        cmocka_unit_test(test_backslash),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_len_is_honoured),
        cmocka_unit_test(test_length_limit),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_reserved_names),
        cmocka_unit_test(test_reader_forms),
        cmocka_unit_test(test_null_name),
    };

    return cmocka_run_group_tests_name("name", tests, NULL, NULL);
}
