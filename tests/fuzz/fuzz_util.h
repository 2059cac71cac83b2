/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared helpers of the libFuzzer targets: a byte source that hands the
 * parsers the input in pseudo-random chunk sizes, and a check macro that
 * aborts (so libFuzzer saves the input) with a readable message.
 *
 * The chunk sizes come from a PRNG seeded by the input itself, so a saved
 * crash input replays exactly.
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qpybak_tools.h"

#define FZ_CHECK(cond, ...)                                                                  \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "%s:%d: invariant failed: %s\n  ", __FILE__, __LINE__, #cond);   \
            fprintf(stderr, __VA_ARGS__);                                                    \
            fputc('\n', stderr);                                                             \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

static inline uint32_t fz_rand(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9E3779B9u;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* A memory source: data[0..len) in chunks of 1..max_chunk bytes (0: the
 * whole request), random when rng != 0.  At the end it returns 0, or
 * end_error (a negative storage error) when that is set. */
struct fz_src {
    const uint8_t *data;
    size_t len, pos;
    uint32_t rng;
    size_t max_chunk;
    int end_error;
    size_t calls;
};

static inline void fz_src_init(struct fz_src *s, const uint8_t *data, size_t len, uint32_t rng,
                               size_t max_chunk, int end_error)
{
    s->data = data;
    s->len = len;
    s->pos = 0;
    s->rng = rng;
    s->max_chunk = max_chunk;
    s->end_error = end_error;
    s->calls = 0;
}

static inline int fz_read(void *ctx, void *buf, size_t len)
{
    struct fz_src *s = (struct fz_src *)ctx;
    size_t n = s->len - s->pos;

    s->calls++;
    FZ_CHECK(len > 0, "a reader asked for 0 bytes");
    FZ_CHECK(s->calls < 4 * s->len + 64, "reader keeps reading past the end (%zu calls)", s->calls);
    if (n == 0)
        return s->end_error;
    if (n > len)
        n = len;
    if (s->max_chunk && n > s->max_chunk)
        n = s->max_chunk;
    if (s->rng && n > 1)
        n = 1 + fz_rand(&s->rng) % n;
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return (int)n;
}

/* A growable output for the writers; can fail from byte fail_at on
 * (0: never) with QPYBAK_ERR_NOSPC. */
struct fz_out {
    uint8_t *data;
    size_t len, cap;
    size_t fail_at;
    size_t calls_after_error;
    int failed;
};

static inline int fz_write(void *ctx, const void *buf, size_t len)
{
    struct fz_out *o = (struct fz_out *)ctx;

    if (o->failed)
        o->calls_after_error++;
    if (o->fail_at && o->len + len >= o->fail_at) {
        o->failed = 1;
        return QPYBAK_ERR_NOSPC;
    }
    if (o->len + len > o->cap) {
        size_t cap = o->cap ? o->cap : 256;

        while (cap < o->len + len)
            cap *= 2;
        o->data = (uint8_t *)realloc(o->data, cap);
        FZ_CHECK(o->data != NULL, "out of memory");
        o->cap = cap;
    }
    memcpy(o->data + o->len, buf, len);
    o->len += len;
    return 0;
}

#endif
