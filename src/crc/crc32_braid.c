/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CRC-32 by braiding: the fast portable option (QPYBAK_CRC_TABLE=braid),
 * zlib's speed in plain C.
 *
 * Slicing-by-8 is one dependent chain: each 8-byte step needs the CRC of
 * the step before, so the CPU waits on its table loads.  Braiding (Kadatch
 * and Jenkins, "Everything we know about CRC but afraid to forget", 2010;
 * zlib 1.2.12 and later) runs N independent CRCs over interleaved words -
 * word i of every block of N words belongs to braid i - so N chains of
 * table loads run side by side.  Table k maps the byte at offset k of a
 * word to its CRC moved W - 1 - k + (N - 1) * W bytes on: to where the
 * braid's next word is.  The last block folds the braids into one CRC, a
 * word at a time through the byte table.
 *
 * N = 6 braids (zlib has 5; 6 measured faster here, bench/README.md).
 * Words of W = 8 bytes where pointers are 64-bit (eight tables, 8 KiB),
 * else 4 bytes (four tables, 4 KiB), plus the 1 KiB byte table for the
 * tail and the fold; QPYBAK_CRC_BRAID_W=4 or 8 overrides the choice.
 * Words are assembled from bytes, little-endian, so the code is endian- and
 * alignment-neutral; compilers merge the byte loads (a byte-reversing load
 * on big-endian targets).  tools/gen_crc_tables.py writes the tables.
 */
#include "crc32_backends.h"

#ifndef QPYBAK_CRC_BRAID_W
#if UINTPTR_MAX > 0xFFFFFFFFu
#define QPYBAK_CRC_BRAID_W 8
#else
#define QPYBAK_CRC_BRAID_W 4
#endif
#endif

#define BRAID_N 6 /* must match BRAID_N in tools/gen_crc_tables.py */

static const uint32_t byte_table[256] = {
#include "crc32_table1.inc"
};

/* LOAD(p): the word at p, little-endian whatever the target.  STEP(w): one
 * braid's word moved on by a block, W independent look-ups.  Macros, not
 * functions: the loop needs them inlined, and -O2 does not inline a
 * function called six times there. */
#if QPYBAK_CRC_BRAID_W == 8

typedef uint64_t word_t;

static const uint32_t braid_table[8][256] = {
#include "crc32_braid8.inc"
};

#define LOAD(p)                                                                                \
    ((uint64_t)(p)[0] | (uint64_t)(p)[1] << 8 | (uint64_t)(p)[2] << 16 |                       \
     (uint64_t)(p)[3] << 24 | (uint64_t)(p)[4] << 32 | (uint64_t)(p)[5] << 40 |                \
     (uint64_t)(p)[6] << 48 | (uint64_t)(p)[7] << 56)
#define STEP(w)                                                                                \
    (braid_table[0][(w) & 0xFFu] ^ braid_table[1][((w) >> 8) & 0xFFu] ^                        \
     braid_table[2][((w) >> 16) & 0xFFu] ^ braid_table[3][((w) >> 24) & 0xFFu] ^               \
     braid_table[4][((w) >> 32) & 0xFFu] ^ braid_table[5][((w) >> 40) & 0xFFu] ^               \
     braid_table[6][((w) >> 48) & 0xFFu] ^ braid_table[7][(w) >> 56])

#elif QPYBAK_CRC_BRAID_W == 4

typedef uint32_t word_t;

static const uint32_t braid_table[4][256] = {
#include "crc32_braid4.inc"
};

#define LOAD(p)                                                                                \
    ((uint32_t)(p)[0] | (uint32_t)(p)[1] << 8 | (uint32_t)(p)[2] << 16 | (uint32_t)(p)[3] << 24)
#define STEP(w)                                                                                \
    (braid_table[0][(w) & 0xFFu] ^ braid_table[1][((w) >> 8) & 0xFFu] ^                        \
     braid_table[2][((w) >> 16) & 0xFFu] ^ braid_table[3][(w) >> 24])

#else
#error "QPYBAK_CRC_BRAID_W must be 4 or 8"
#endif

#define W QPYBAK_CRC_BRAID_W

/* The CRC register after a whole word, one byte at a time. */
static uint32_t fold_word(word_t w)
{
    int k;

    for (k = 0; k < W; k++)
        w = (w >> 8) ^ byte_table[w & 0xFFu];
    return (uint32_t)w;
}

uint32_t qpybak_crc32_braid(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)buf;
    size_t blocks = len / (BRAID_N * W);

    crc = ~crc; /* zlib convention: callers never condition the register */
    if (blocks >= 2) {
        /* The braids, written out: compilers keep them in registers at -O2. */
        word_t c0 = crc, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0;
        uint32_t fold;

        len -= blocks * (BRAID_N * W);
        while (--blocks) {
            word_t w0 = c0 ^ LOAD(p), w1 = c1 ^ LOAD(p + W), w2 = c2 ^ LOAD(p + 2 * W),
                   w3 = c3 ^ LOAD(p + 3 * W), w4 = c4 ^ LOAD(p + 4 * W), w5 = c5 ^ LOAD(p + 5 * W);

            c0 = STEP(w0);
            c1 = STEP(w1);
            c2 = STEP(w2);
            c3 = STEP(w3);
            c4 = STEP(w4);
            c5 = STEP(w5);
            p += BRAID_N * W;
        }
        /* The last block: the braids into one CRC, in stream order. */
        fold = fold_word(c0 ^ LOAD(p));
        fold = fold_word(c1 ^ LOAD(p + W) ^ fold);
        fold = fold_word(c2 ^ LOAD(p + 2 * W) ^ fold);
        fold = fold_word(c3 ^ LOAD(p + 3 * W) ^ fold);
        fold = fold_word(c4 ^ LOAD(p + 4 * W) ^ fold);
        crc = fold_word(c5 ^ LOAD(p + 5 * W) ^ fold);
        p += BRAID_N * W;
    }
    while (len--)
        crc = (crc >> 8) ^ byte_table[(crc ^ *p++) & 0xFFu];
    return ~crc;
}
