/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal: the few string and memory helpers the core needs.  The core
 * includes no libc header beyond the compiler's own freestanding ones
 * (stdint.h, stddef.h, stdbool.h), so it builds for a RISC-V target that
 * has no C library at all.
 */
#ifndef QPYBAK_UTIL_H
#define QPYBAK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Hooks an integrator may define, as littlefs has them: compiled out by
 * default.  QPYBAK_CONFIG names a header to include first (the place to
 * define them), or define them on the compiler's command line.
 *   QPYBAK_TRACE(fmt, ...)  printf-style; every port call is traced in io.c
 *   QPYBAK_ASSERT(cond)     internal invariants
 */
#ifdef QPYBAK_CONFIG
#include QPYBAK_CONFIG
#endif
#ifndef QPYBAK_TRACE
#define QPYBAK_TRACE(...) ((void)0)
#endif
#ifndef QPYBAK_ASSERT
#define QPYBAK_ASSERT(cond) ((void)0)
#endif

/* Keeps a function with a large frame out of its caller's, so that the
 * caller's other call paths do not carry that frame (the stack bound,
 * tests/static/stack.py). */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* FNV-1a of n bytes: a cheap 32-bit identity for a path, where a rare
 * collision only costs a skipped optimisation or a refused journal. */
static inline uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;

    while (n--)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

static inline size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static inline size_t str_len(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

static inline bool mem_eq(const void *a, const void *b, size_t n)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;

    while (n--)
        if (*x++ != *y++)
            return false;
    return true;
}

static inline void mem_copy(void *dst, const void *src, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;

    while (n--)
        *d++ = *s++;
}

static inline void mem_zero(void *dst, size_t n)
{
    uint8_t *d = (uint8_t *)dst;

    while (n--)
        *d++ = 0;
}

#endif
