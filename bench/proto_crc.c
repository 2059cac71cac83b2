/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prototypes, not in the core: portable CRC-32 variants measured next to
 * qpybak's slicing-by-8 to size what would make the portable code beat
 * zlib 1.2.13 (bench/README.md, analysis).  Same function shape as
 * qpybak_crc32: zlib-style pre- and post-inversion, chained.
 *
 *  proto_crc32_slice16  slicing-by-16: 16 tables (16 KiB), 16 bytes per
 *                       step; still one dependent chain through crc.
 *  proto_crc32_braid    "braided" CRC (Kadatch & Jenkins; what zlib 1.2.12+
 *                       does): N independent CRCs over interleaved 8-byte
 *                       words, so N table chains run in parallel; W=8
 *                       tables of 256 entries (8 KiB) + the byte table.
 *                       N=5 is zlib's choice; N=6 here.
 *
 * Tables are built at start-up (proto_crc_init) to keep this file short;
 * in the core they would be generated const arrays like the others.
 * Words are assembled from bytes (little-endian), as the core does, so the
 * code is endian- and alignment-neutral.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto_crc.h"

#define POLY 0xEDB88320u
#define BRAID_N 6
#define BRAID_W 8

static uint32_t t16[16][256];
static uint32_t braid[BRAID_W][256];

/* x^n mod P, and a*b mod P, reflected (as zlib's multmodp / x2nmodp). */
static uint32_t multmodp(uint32_t a, uint32_t b)
{
    uint32_t m = 1u << 31, p = 0;

    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0)
                break;
        }
        m >>= 1;
        b = b & 1 ? (b >> 1) ^ POLY : b >> 1;
    }
    return p;
}

/* x^(8n) mod P: the operator that appends n zero bytes. */
static uint32_t x8nmodp(size_t n)
{
    uint32_t p = 1u << 31, x = 1u << 30; /* x^0, x^1 */
    size_t bits = n * 8;

    while (bits) {
        if (bits & 1)
            p = multmodp(x, p);
        x = multmodp(x, x);
        bits >>= 1;
    }
    return p;
}

void proto_crc_init(void)
{
    uint32_t c;
    int n, k;

    for (n = 0; n < 256; n++) {
        c = (uint32_t)n;
        for (k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
        t16[0][n] = c;
    }
    for (n = 0; n < 256; n++)
        for (k = 1; k < 16; k++)
            t16[k][n] = (t16[k - 1][n] >> 8) ^ t16[0][t16[k - 1][n] & 0xFF];
    /* braid[k][b]: byte b at offset k of a word, moved past the rest of its
     * word and the other N-1 braids' words. */
    for (k = 0; k < BRAID_W; k++) {
        uint32_t shift = x8nmodp((size_t)(BRAID_W - 1 - k) + (BRAID_N - 1) * BRAID_W);

        for (n = 0; n < 256; n++)
            braid[k][n] = multmodp(shift, t16[0][n]);
    }
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

uint32_t proto_crc32_slice16(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    crc = ~crc;
    while (len >= 16) {
        uint32_t a = le32(p) ^ crc, b = le32(p + 4), c = le32(p + 8), d = le32(p + 12);

        crc = (t16[15][a & 0xFF] ^ t16[14][(a >> 8) & 0xFF] ^ t16[13][(a >> 16) & 0xFF] ^
               t16[12][a >> 24]) ^
              (t16[11][b & 0xFF] ^ t16[10][(b >> 8) & 0xFF] ^ t16[9][(b >> 16) & 0xFF] ^
               t16[8][b >> 24]) ^
              (t16[7][c & 0xFF] ^ t16[6][(c >> 8) & 0xFF] ^ t16[5][(c >> 16) & 0xFF] ^
               t16[4][c >> 24]) ^
              (t16[3][d & 0xFF] ^ t16[2][(d >> 8) & 0xFF] ^ t16[1][(d >> 16) & 0xFF] ^
               t16[0][d >> 24]);
        p += 16;
        len -= 16;
    }
    while (len--)
        crc = (crc >> 8) ^ t16[0][(crc ^ *p++) & 0xFF];
    return ~crc;
}

static uint32_t crc_word(uint64_t w)
{
    int k;

    for (k = 0; k < BRAID_W; k++)
        w = (w >> 8) ^ t16[0][w & 0xFF];
    return (uint32_t)w;
}

#define BRAID_STEP(w) \
    (braid[0][(w) & 0xFF] ^ braid[1][((w) >> 8) & 0xFF] ^ braid[2][((w) >> 16) & 0xFF] ^ \
     braid[3][((w) >> 24) & 0xFF] ^ braid[4][((w) >> 32) & 0xFF] ^                        \
     braid[5][((w) >> 40) & 0xFF] ^ braid[6][((w) >> 48) & 0xFF] ^ braid[7][(w) >> 56])

uint32_t proto_crc32_braid(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    size_t blks = len / (BRAID_N * BRAID_W);

    crc = ~crc;
    if (blks >= 2) {
        uint64_t c0 = crc, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, comb;

        len -= blks * BRAID_N * BRAID_W;
        while (--blks) {
            uint64_t w0 = c0 ^ le64(p), w1 = c1 ^ le64(p + 8), w2 = c2 ^ le64(p + 16),
                     w3 = c3 ^ le64(p + 24), w4 = c4 ^ le64(p + 32), w5 = c5 ^ le64(p + 40);

            c0 = BRAID_STEP(w0);
            c1 = BRAID_STEP(w1);
            c2 = BRAID_STEP(w2);
            c3 = BRAID_STEP(w3);
            c4 = BRAID_STEP(w4);
            c5 = BRAID_STEP(w5);
            p += BRAID_N * BRAID_W;
        }
        /* The last block combines the braids into one CRC. */
        comb = crc_word(c0 ^ le64(p));
        comb = crc_word(c1 ^ le64(p + 8) ^ comb);
        comb = crc_word(c2 ^ le64(p + 16) ^ comb);
        comb = crc_word(c3 ^ le64(p + 24) ^ comb);
        comb = crc_word(c4 ^ le64(p + 32) ^ comb);
        comb = crc_word(c5 ^ le64(p + 40) ^ comb);
        p += BRAID_N * BRAID_W;
        crc = (uint32_t)comb;
    }
    while (len--)
        crc = (crc >> 8) ^ t16[0][(crc ^ *p++) & 0xFF];
    return ~crc;
}
