/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CRC-32: the vectors of docs/format.md for every backend, chaining at any
 * chunk boundary, agreement between backends, the generated tables against
 * a bit-by-bit reference, and qpybak_crc_format.
 *
 * Every implementation is in the list whatever the build chose: the 1 KiB
 * table, slicing-by-8, the braided code with 64-bit and with 32-bit words,
 * ISA-L when built, and qpybak_crc32 itself (which one it calls is the
 * option: CTest builds this file once per option, test_crc_1, test_crc_8,
 * test_crc_braid, besides test_crc against the library as configured).
 * tests/unit/crc_cross.sh builds it for big-endian targets (s390x,
 * powerpc) and a 32-bit little-endian one (armhf) and runs it under
 * qemu-user, without cmocka (QPYBAK_TEST_NO_CMOCKA: the few cmocka calls
 * used here are defined below).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef QPYBAK_TEST_NO_CMOCKA
#include <cmocka.h>
#else
/* Just enough of cmocka to run these tests where it is not installed. */
static jmp_buf cm_fail;
#define fail_msg(...)                                                                          \
    do {                                                                                       \
        printf("ERROR: " __VA_ARGS__);                                                         \
        printf("\n");                                                                          \
        longjmp(cm_fail, 1);                                                                   \
    } while (0)
#define assert_int_equal(a, b)                                                                 \
    do {                                                                                       \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);         \
        if (a_ != b_)                                                                          \
            fail_msg("%s:%d: 0x%llx != 0x%llx", __FILE__, __LINE__, a_, b_);                   \
    } while (0)
#define assert_ptr_equal(a, b) assert_int_equal((uintptr_t)(a), (uintptr_t)(b))
#define assert_string_equal(a, b)                                                              \
    do {                                                                                       \
        if (strcmp((a), (b)) != 0)                                                             \
            fail_msg("%s:%d: \"%s\" != \"%s\"", __FILE__, __LINE__, (a), (b));                 \
    } while (0)
struct CMUnitTest {
    const char *name;
    void (*fn)(void **state);
};
#define cmocka_unit_test(f) {#f, f}
static int cm_run(const char *group, const struct CMUnitTest *t, size_t n)
{
    volatile size_t i, failed = 0; /* live across longjmp */

    for (i = 0; i < n; i++) {
        if (setjmp(cm_fail) == 0) {
            t[i].fn(NULL);
            printf("[       OK ] %s\n", t[i].name);
        } else {
            printf("[  FAILED  ] %s\n", t[i].name);
            failed++;
        }
    }
    printf("%s: %zu of %zu tests passed\n", group, n - failed, n);
    return failed ? 1 : 0;
}
#define cmocka_run_group_tests_name(group, tests, setup, teardown)                             \
    cm_run(group, tests, sizeof(tests) / sizeof((tests)[0]))
#endif

#include "crc32_backends.h"

/* The braided code with the other word size (CMake compiles
 * crc32_braid.c a second time under this name). */
uint32_t qpybak_crc32_braid_other(uint32_t crc, const void *buf, size_t len);

#ifndef TEST_CRC_OPTION
#define TEST_CRC_OPTION "as the library was built"
#endif

typedef uint32_t (*crc_fn)(uint32_t crc, const void *buf, size_t len);

/* The reference: zlib's CRC-32 one bit at a time, polynomial 0xEDB88320. */
static uint32_t crc_bitwise(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)buf;
    int k;

    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (k = 0; k < 8; k++)
            crc = crc & 1 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
    return ~crc;
}

struct backend {
    const char *name;
    crc_fn fn;
};

static const struct backend backends[] = {
    {"qpybak_crc32", qpybak_crc32},
    {"table1", qpybak_crc32_table1},
    {"slice8", qpybak_crc32_slice8},
    {"braid", qpybak_crc32_braid},
    {"braid (other word size)", qpybak_crc32_braid_other},
#ifdef QPYBAK_TEST_ISAL
    {"isal", qpybak_crc32_isal},
#endif
    {"bitwise reference", crc_bitwise},
};
#define N_BACKENDS (sizeof backends / sizeof backends[0])

/* A small deterministic PRNG (state in the caller). */
static uint32_t rnd(uint32_t *s)
{
    uint32_t x = *s;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static void fill_random(uint8_t *buf, size_t len, uint32_t *s)
{
    size_t i;

    for (i = 0; i < len; i++)
        buf[i] = (uint8_t)(rnd(s) >> 24);
}

/* ------------------------------------------------------------- vectors */

struct vector {
    const char *what;
    const uint8_t *data;
    size_t len;
    uint32_t crc;
};

static uint8_t bytes256[256];
static uint8_t zeros4096[4096];

static void check_vectors(crc_fn fn, const char *name)
{
    static const char fox[] = "The quick brown fox jumps over the lazy dog";
    const struct vector v[] = {
        {"empty", (const uint8_t *)"", 0, 0xffffffffu},
        {"a", (const uint8_t *)"a", 1, 0xc54aae31u},
        {"123456789", (const uint8_t *)"123456789", 9, 0xd202d277u},
        {"fox", (const uint8_t *)fox, sizeof fox - 1, 0x4639f7f7u},
        {"0x00..0xff", bytes256, sizeof bytes256, 0xdb6cf6d4u},
        {"4096 zeros", zeros4096, sizeof zeros4096, 0xffffffffu},
    };
    size_t i;

    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint32_t got = fn(QPYBAK_CRC_SEED, v[i].data, v[i].len);

        if (got != v[i].crc)
            fail_msg("%s(%s) = 0x%08x, want 0x%08x", name, v[i].what, (unsigned)got,
                     (unsigned)v[i].crc);
    }
}

static void test_vectors_all_backends(void **state)
{
    size_t b;

    (void)state;
    for (b = 0; b < N_BACKENDS; b++)
        check_vectors(backends[b].fn, backends[b].name);
}

/* Zero-seeded (plain zlib crc32()) values, to see that the seed is honoured
 * and not hard-wired. */
static void test_zlib_seed_zero(void **state)
{
    size_t b;

    (void)state;
    for (b = 0; b < N_BACKENDS; b++) {
        assert_int_equal(backends[b].fn(0, "123456789", 9), 0xcbf43926u);
        assert_int_equal(backends[b].fn(0, "", 0), 0);
        assert_int_equal(backends[b].fn(0, "a", 1), 0xe8b7be43u);
        assert_int_equal(backends[b].fn(0, zeros4096, 4096), 0xc71c0011u);
    }
}

/* Leading zero bytes do not change the QuecPython-seeded CRC (docs/format.md, "The `size` member"), but do
 * change the zero-seeded one. */
static void test_leading_zeros(void **state)
{
    uint8_t buf[64 + 9];
    size_t b, z;

    (void)state;
    for (b = 0; b < N_BACKENDS; b++) {
        for (z = 0; z <= 64; z++) {
            memset(buf, 0, z);
            memcpy(buf + z, "123456789", 9);
            assert_int_equal(backends[b].fn(QPYBAK_CRC_SEED, buf, z + 9), 0xd202d277u);
        }
    }
}

/* ------------------------------------------------------------ chaining */

static void test_chaining_every_split(void **state)
{
    uint8_t buf[1024];
    uint32_t s = 12345;
    size_t b, cut;

    (void)state;
    fill_random(buf, sizeof buf, &s);
    for (b = 0; b < N_BACKENDS; b++) {
        crc_fn fn = backends[b].fn;
        uint32_t whole = fn(QPYBAK_CRC_SEED, buf, sizeof buf);

        assert_int_equal(whole, crc_bitwise(QPYBAK_CRC_SEED, buf, sizeof buf));
        for (cut = 0; cut <= sizeof buf; cut++) {
            uint32_t c = fn(QPYBAK_CRC_SEED, buf, cut);

            c = fn(c, buf + cut, sizeof buf - cut);
            if (c != whole)
                fail_msg("%s: split at %zu gives 0x%08x, one-shot 0x%08x", backends[b].name, cut,
                         (unsigned)c, (unsigned)whole);
        }
    }
}

static void test_chaining_random_chunks(void **state)
{
    uint8_t buf[4099];
    uint32_t s = 777;
    size_t b;
    int round;

    (void)state;
    fill_random(buf, sizeof buf, &s);
    for (round = 0; round < 300; round++) {
        uint32_t seed = round % 3 == 0 ? QPYBAK_CRC_SEED : rnd(&s);
        size_t len = rnd(&s) % (sizeof buf + 1);
        size_t max_chunk = 1 + rnd(&s) % (round % 2 ? 17 : 300);
        uint32_t want = crc_bitwise(seed, buf, len);

        for (b = 0; b < N_BACKENDS; b++) {
            uint32_t c = seed;
            size_t pos = 0;

            while (pos < len) {
                size_t n = rnd(&s) % (max_chunk + 1); /* zero-length chunks too */

                if (n > len - pos)
                    n = len - pos;
                c = backends[b].fn(c, buf + pos, n);
                pos += n;
            }
            if (c != want)
                fail_msg("%s: round %d len %zu chunked 0x%08x, want 0x%08x", backends[b].name,
                         round, len, (unsigned)c, (unsigned)want);
        }
    }
}

/* ----------------------------------------------------------- agreement */

static void test_backends_agree_random(void **state)
{
    static uint8_t buf[5000 + 16];
    uint32_t s = 0xC0FFEEu;
    size_t b;
    int round;

    (void)state;
    for (round = 0; round < 2000; round++) {
        size_t len = rnd(&s) % 5001;
        size_t off = rnd(&s) % 16; /* misaligned starts */
        uint32_t seed = round & 1 ? QPYBAK_CRC_SEED : rnd(&s);
        uint32_t want;

        fill_random(buf + off, len, &s);
        want = crc_bitwise(seed, buf + off, len);
        for (b = 0; b < N_BACKENDS; b++) {
            uint32_t got = backends[b].fn(seed, buf + off, len);

            if (got != want)
                fail_msg("%s: len %zu offset %zu seed 0x%08x: 0x%08x, want 0x%08x",
                         backends[b].name, len, off, (unsigned)seed, (unsigned)got,
                         (unsigned)want);
        }
    }
}

static void test_backends_agree_large(void **state)
{
    static uint8_t buf[1 << 20];
    uint32_t s = 99;
    uint32_t want;
    size_t b;

    (void)state;
    fill_random(buf, sizeof buf, &s);
    want = crc_bitwise(QPYBAK_CRC_SEED, buf, sizeof buf);
    for (b = 0; b < N_BACKENDS; b++)
        assert_int_equal(backends[b].fn(QPYBAK_CRC_SEED, buf, sizeof buf), want);
}

/* -------------------------------------------------------------- tables */

/* One byte at a time exercises exactly one entry of the byte table per
 * call: with the register r = ~seed, the entry is (r ^ b) & 0xff.  Every
 * byte value under several seeds reads every entry several times. */
static void test_table1_every_entry(void **state)
{
    static const uint32_t seeds[] = {0, QPYBAK_CRC_SEED, 0x12345678u, 0xA5A5A5A5u, 0x80000001u};
    size_t i;
    int b;

    (void)state;
    for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        for (b = 0; b < 256; b++) {
            uint8_t byte = (uint8_t)b;
            uint32_t want = crc_bitwise(seeds[i], &byte, 1);

            if (qpybak_crc32_table1(seeds[i], &byte, 1) != want)
                fail_msg("table1: byte 0x%02x seed 0x%08x", b, (unsigned)seeds[i]);
            if (qpybak_crc32_slice8(seeds[i], &byte, 1) != want) /* slice8 tail loop: table 0 */
                fail_msg("slice8 tail: byte 0x%02x seed 0x%08x", b, (unsigned)seeds[i]);
            if (qpybak_crc32(seeds[i], &byte, 1) != want)
                fail_msg("qpybak_crc32: byte 0x%02x seed 0x%08x", b, (unsigned)seeds[i]);
        }
    }
}

/* Slicing-by-8: an 8-byte block reads table 7-p for the byte at position p.
 * Every value at every position, with the others zero, under several seeds,
 * reads every entry of all eight tables. */
static void test_slice8_every_entry(void **state)
{
    static const uint32_t seeds[] = {0, QPYBAK_CRC_SEED, 0x12345678u, 0xDEADBEEFu};
    uint8_t block[16];
    size_t i, len;
    int p, v;

    (void)state;
    for (len = 8; len <= 16; len += 8) {
        for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
            for (p = 0; p < (int)len; p++) {
                for (v = 0; v < 256; v++) {
                    uint32_t want, got;

                    memset(block, 0, sizeof block);
                    block[p] = (uint8_t)v;
                    want = crc_bitwise(seeds[i], block, len);
                    got = qpybak_crc32_slice8(seeds[i], block, len);
                    if (got != want)
                        fail_msg("slice8: len %zu byte %d = 0x%02x seed 0x%08x: 0x%08x want 0x%08x",
                                 len, p, v, (unsigned)seeds[i], (unsigned)got, (unsigned)want);
                }
            }
        }
    }
}

/* Braided: a block of N = 6 words reads table k for the byte at offset k of
 * each word, with the register folded into the first word; the last block
 * folds the braids through the byte table.  Every value at every position
 * of both blocks of the shortest braided input (2 x 6 words), and of one
 * byte more, under several seeds, reads every entry of every table - for
 * both word sizes.  The reference is the byte table, itself checked entry
 * by entry against the bitwise CRC above. */
static void check_braid_every_entry(crc_fn fn, const char *name, size_t word)
{
    static const uint32_t seeds[] = {0, QPYBAK_CRC_SEED, 0x12345678u, 0xDEADBEEFu};
    uint8_t block[2 * 6 * 8 + 1];
    size_t i, p, len, min = 2 * 6 * word;
    int v;

    for (len = min; len <= min + 1; len++) {
        for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
            for (p = 0; p < len; p++) {
                for (v = 0; v < 256; v++) {
                    uint32_t want, got;

                    memset(block, 0, sizeof block);
                    block[p] = (uint8_t)v;
                    want = qpybak_crc32_table1(seeds[i], block, len);
                    got = fn(seeds[i], block, len);
                    if (got != want)
                        fail_msg("%s: len %zu byte %zu = 0x%02x seed 0x%08x: 0x%08x want 0x%08x",
                                 name, len, p, v, (unsigned)seeds[i], (unsigned)got,
                                 (unsigned)want);
                }
            }
        }
    }
}

static void test_braid_every_entry(void **state)
{
    size_t native = UINTPTR_MAX > 0xFFFFFFFFu ? 8 : 4;

    (void)state;
    check_braid_every_entry(qpybak_crc32_braid, "braid", native);
    check_braid_every_entry(qpybak_crc32_braid_other, "braid (other word size)", 12 - native);
}

/* Around the braided path's threshold (2 blocks) and block multiples,
 * every length, every start offset, chained at every third: the tail
 * loop, the fold and the braids in every combination. */
static void test_braid_lengths(void **state)
{
    static uint8_t buf[1024 + 8];
    uint32_t s = 4242;
    size_t b, len, off;

    (void)state;
    fill_random(buf, sizeof buf, &s);
    for (len = 0; len <= 1024; len++) {
        for (off = 0; off < 8; off += (len < 200 ? 1 : 7)) {
            uint32_t want = qpybak_crc32_table1(QPYBAK_CRC_SEED, buf + off, len);

            for (b = 0; b < N_BACKENDS; b++) {
                crc_fn fn = backends[b].fn;
                uint32_t got = fn(QPYBAK_CRC_SEED, buf + off, len);

                if (got == want && len > 2)
                    got = fn(fn(QPYBAK_CRC_SEED, buf + off, len / 3), buf + off + len / 3,
                             len - len / 3);
                if (got != want)
                    fail_msg("%s: len %zu offset %zu: 0x%08x want 0x%08x", backends[b].name, len,
                             off, (unsigned)got, (unsigned)want);
            }
        }
    }
}

/* The bitwise reference table itself, entry by entry, against the known
 * first and last entries of the standard table (a sanity check on the test). */
static void test_reference_is_zlib(void **state)
{
    (void)state;
    /* crc_bitwise(~0 ^ ..) identities: T[1] = 0x77073096, T[255] = 0x2d02ef8d. */
    {
        uint8_t one = 1, last = 0xff;

        /* With register 0 (seed 0xFFFFFFFF), a single byte b gives ~T[b]... */
        assert_int_equal(~crc_bitwise(QPYBAK_CRC_SEED, &one, 1), 0x77073096u);
        assert_int_equal(~crc_bitwise(QPYBAK_CRC_SEED, &last, 1), 0x2d02ef8du);
    }
}

/* -------------------------------------------------------------- format */

static void test_format(void **state)
{
    static const struct {
        uint32_t crc;
        const char *text;
    } cases[] = {
        {0, "0x00000000"},          {0xd202d277u, "0xd202d277"}, {0xffffffffu, "0xffffffff"},
        {0xABCDEF01u, "0xabcdef01"}, {0x00c0ffeeu, "0x00c0ffee"}, {0x1u, "0x00000001"},
        {0x10000000u, "0x10000000"}, {0x89abcdefu, "0x89abcdef"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[QPYBAK_CRC_STR_SIZE + 4];

        memset(buf, '#', sizeof buf);
        assert_ptr_equal(qpybak_crc_format(cases[i].crc, buf), buf);
        assert_string_equal(buf, cases[i].text);
        assert_int_equal(strlen(buf), QPYBAK_CRC_STR_SIZE - 1);
        /* nothing past the 11 bytes */
        assert_int_equal(buf[QPYBAK_CRC_STR_SIZE], '#');
        assert_int_equal(buf[QPYBAK_CRC_STR_SIZE + 3], '#');
    }
    assert_int_equal(QPYBAK_CRC_STR_SIZE, 11);
}

/* The format of every vector's CRC is what QuecPython's hex() prints. */
static void test_format_of_vectors(void **state)
{
    char buf[QPYBAK_CRC_STR_SIZE];

    (void)state;
    assert_string_equal(qpybak_crc_format(qpybak_crc32(QPYBAK_CRC_SEED, "123456789", 9), buf),
                        "0xd202d277");
    assert_string_equal(qpybak_crc_format(qpybak_crc32(QPYBAK_CRC_SEED, "a", 1), buf),
                        "0xc54aae31");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_all_backends),
        cmocka_unit_test(test_zlib_seed_zero),
        cmocka_unit_test(test_leading_zeros),
        cmocka_unit_test(test_chaining_every_split),
        cmocka_unit_test(test_chaining_random_chunks),
        cmocka_unit_test(test_backends_agree_random),
        cmocka_unit_test(test_backends_agree_large),
        cmocka_unit_test(test_table1_every_entry),
        cmocka_unit_test(test_slice8_every_entry),
        cmocka_unit_test(test_braid_every_entry),
        cmocka_unit_test(test_braid_lengths),
        cmocka_unit_test(test_reference_is_zlib),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_of_vectors),
    };
    int i;

    for (i = 0; i < 256; i++)
        bytes256[i] = (uint8_t)i;
    printf("# qpybak_crc32: %s; %s-endian, %u-bit pointers\n", TEST_CRC_OPTION,
           (union { uint16_t u; uint8_t b[2]; }){.u = 1}.b[0] ? "little" : "big",
           (unsigned)(sizeof(void *) * 8));
#ifdef QPYBAK_TEST_ISAL
    printf("# backends: qpybak_crc32, table1, slice8, braid (64- and 32-bit words), isal, bitwise\n");
#else
    printf("# backends: qpybak_crc32, table1, slice8, braid (64- and 32-bit words), bitwise "
           "(ISA-L not built)\n");
#endif
    return cmocka_run_group_tests_name("crc", tests, NULL, NULL);
}
