/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CRC-32 throughput on 1 KiB, 64 KiB, 1 MiB and 64 MiB buffers:
 * qpybak's host backend (qpybak_crc32 as built), its portable table1,
 * slicing-by-8 and braided code, zlib's crc32 seeded 0xFFFFFFFF, ISA-L's
 * crc32_gzip_refl,
 * a byte-at-a-time table (QuecPython's algorithm) and a plain memory-read
 * loop (the ceiling).  Every implementation is checked against zlib first,
 * on many lengths and alignments; a mismatch stops the run.
 *
 *   bench_crc [--smoke] > crc.csv
 *
 * Timing: samples of about 50 us (at least one call), taken round-robin
 * over the implementations - each round starting at the next one - for
 * about 150 ms of the slowest (31 to 3000 rounds); the best sample counts.
 * Short samples mostly escape preemption on a shared machine.
 *
 * CSV on stdout: impl,label,size,bytes_per_sample,best_ns,gbps
 * (GB/s = 1e9 bytes per second).
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <isa-l/crc.h>
#include <zlib.h>

#include "crc32_backends.h" /* src/crc/: every backend */
#include "proto_crc.h"

#ifndef BENCH_HOST_BACKEND
#define BENCH_HOST_BACKEND "?"
#endif

typedef uint32_t (*crc_fn)(uint32_t crc, const void *buf, size_t len);

/* ---------------------------------------------------------- contenders */

static uint32_t zlib_crc(uint32_t crc, const void *buf, size_t len)
{
    return (uint32_t)crc32_z(crc, (const Bytef *)buf, len);
}

static uint32_t isal_crc(uint32_t crc, const void *buf, size_t len)
{
    return crc32_gzip_refl(crc, (const unsigned char *)buf, (uint64_t)len);
}

/* QuecPython's file_crc32: zlib-style CRC-32, one look-up per byte in a
 * 256-entry table built in RAM at start-up. */
static uint32_t byte_table[256];

static void byte_table_init(void)
{
    uint32_t i, c;
    int k;

    for (i = 0; i < 256; i++) {
        c = i;
        for (k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        byte_table[i] = c;
    }
}

static uint32_t bytewise_crc(uint32_t crc, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    crc ^= 0xFFFFFFFFu;
    while (len--)
        crc = byte_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

/* The ceiling: read every 64-bit word once, four independent sums so the
 * loop is bound by loads, not by an add chain.  The compiler vectorises it;
 * target_clones lets it use the widest vectors this CPU has, as ISA-L does. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("default", "avx2", "avx512f")))
#endif
static uint32_t memread(uint32_t crc, const void *buf, size_t len)
{
    const uint64_t *p = buf;
    uint64_t s0 = crc, s1 = 0, s2 = 0, s3 = 0;
    size_t i, n = len / 8;

    for (i = 0; i + 4 <= n; i += 4) {
        s0 += p[i];
        s1 += p[i + 1];
        s2 += p[i + 2];
        s3 += p[i + 3];
    }
    for (; i < n; i++)
        s0 += p[i];
    s0 += s1 + s2 + s3;
    return (uint32_t)(s0 ^ (s0 >> 32));
}

struct impl {
    const char *id;
    const char *label;
    crc_fn fn;
    int is_crc;
};

static struct impl impls[] = {
    {"qpybak_host", "qpybak_crc32 (host backend: " BENCH_HOST_BACKEND ")", qpybak_crc32, 1},
    {"qpybak_isal", "qpybak ISA-L backend (qpybak_crc32_isal)", qpybak_crc32_isal, 1},
    {"qpybak_braid", "qpybak_crc32_braid (portable, braided, 9 KiB tables)", qpybak_crc32_braid,
     1},
    {"qpybak_slice8", "qpybak_crc32_slice8 (portable, 8 KiB tables)", qpybak_crc32_slice8, 1},
    {"qpybak_table1", "qpybak_crc32_table1 (portable, 1 KiB table)", qpybak_crc32_table1, 1},
    {"zlib", "zlib crc32 (" ZLIB_VERSION ") seeded 0xFFFFFFFF", zlib_crc, 1},
    {"isal", "ISA-L crc32_gzip_refl (direct)", isal_crc, 1},
    {"bytewise", "byte-at-a-time table (QuecPython's algorithm)", bytewise_crc, 1},
    {"memread", "memory read: sum of 64-bit words (ceiling)", memread, 0},
    /* a prototype for the analysis: not in the core */
    {"proto_slice16", "prototype: slicing-by-16 (16 KiB tables; not in the core)",
     proto_crc32_slice16, 1},
};
#define N_IMPLS (sizeof(impls) / sizeof(impls[0]))

/* -------------------------------------------------------------- timing */

static volatile uint32_t sink;

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double time_reps(crc_fn fn, const unsigned char *buf, size_t size, long reps)
{
    uint32_t crc = QPYBAK_CRC_SEED;
    double t0 = now_ns();
    long i;

    for (i = 0; i < reps; i++)
        crc = fn(crc, buf, size); /* chained, as the chunks of a file are */
    sink = crc;
    return now_ns() - t0;
}

/* ---------------------------------------------------------- correctness */

static int verify(const unsigned char *buf, size_t max)
{
    static const size_t lens[] = {0,    1,    2,    3,    4,    5,    7,     8,      9,
                                  15,   16,   17,   31,   32,   33,   63,    64,     65,
                                  127,  128,  255,  256,  257,  1000, 1023,  1024,   1025,
                                  4095, 4096, 4097, 8191, 65535, 65536, 65537, 1 << 20};
    size_t li, off, k;
    int bad = 0;

    /* The check vector of docs/format.md (CRC-32) first. */
    if (zlib_crc(QPYBAK_CRC_SEED, "123456789", 9) != 0xd202d277u) {
        fprintf(stderr, "zlib: wrong check value\n");
        return 1;
    }
    for (li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
        for (off = 0; off < 8; off++) {
            size_t len = lens[li];
            uint32_t want;

            if (off + len > max)
                continue;
            want = zlib_crc(QPYBAK_CRC_SEED, buf + off, len);
            for (k = 0; k < N_IMPLS; k++) {
                uint32_t got;

                if (!impls[k].is_crc)
                    continue;
                got = impls[k].fn(QPYBAK_CRC_SEED, buf + off, len);
                /* and chained in two pieces */
                if (got == want && len > 1)
                    got = impls[k].fn(impls[k].fn(QPYBAK_CRC_SEED, buf + off, len / 3),
                                      buf + off + len / 3, len - len / 3);
                if (got != want) {
                    fprintf(stderr, "MISMATCH %s len %zu off %zu: 0x%08" PRIx32
                                    " want 0x%08" PRIx32 "\n",
                            impls[k].id, len, off, got, want);
                    bad = 1;
                }
            }
        }
    }
    /* The whole buffer, every implementation. */
    {
        uint32_t want = zlib_crc(QPYBAK_CRC_SEED, buf, max);

        for (k = 0; k < N_IMPLS; k++)
            if (impls[k].is_crc && impls[k].fn(QPYBAK_CRC_SEED, buf, max) != want) {
                fprintf(stderr, "MISMATCH %s on the whole %zu-byte buffer\n", impls[k].id, max);
                bad = 1;
            }
        if (!bad)
            fprintf(stderr, "bench_crc: all %zu CRC implementations agree (%zu bytes: 0x%08" PRIx32
                            ")\n",
                    N_IMPLS - 1, max, want);
    }
    return bad;
}

int main(int argc, char **argv)
{
    size_t sizes[] = {1024, 64 * 1024, 1024 * 1024, 64 * 1024 * 1024};
    const char *size_names[] = {"1 KiB", "64 KiB", "1 MiB", "64 MiB"};
    size_t n_sizes = 4, max, si, k, i;
    int smoke = 0, a;
    long min_rounds = 31; /* 64 MiB: one call a sample; more rounds, less noise */
    double sample_ns = 50e3, total_ns = 150e6;
    unsigned char *buf;
    uint64_t x = 0x9E3779B97F4A7C15u;

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--smoke") == 0)
            smoke = 1;
        else {
            fprintf(stderr, "usage: bench_crc [--smoke]\n");
            return 2;
        }
    }
    if (smoke) {
        min_rounds = 3;
        total_ns = 2e6;
        n_sizes = 3; /* up to 1 MiB */
    }
    max = sizes[n_sizes - 1];
    if (max < (1u << 20) + 8)
        max = (1u << 20) + 8;
    if (posix_memalign((void **)&buf, 64, max + 64) != 0)
        return 1;
    for (i = 0; i < max + 64; i++) { /* xorshift: incompressible, reproducible */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (unsigned char)(x >> 24);
    }
    byte_table_init();
    proto_crc_init();
    if (verify(buf, max))
        return 1;

    printf("impl,label,size,bytes,best_ns,gbps\n");
    for (si = 0; si < n_sizes; si++) {
        size_t size = sizes[si];
        long reps[N_IMPLS], rounds;
        double best[N_IMPLS], slowest = 0;
        int r;

        /* Calibrate: repetitions per sample for about sample_ns each. */
        for (k = 0; k < N_IMPLS; k++) {
            double t1;

            time_reps(impls[k].fn, buf, size, 1); /* touch, warm */
            t1 = time_reps(impls[k].fn, buf, size, 1);
            reps[k] = t1 > 0 && t1 < sample_ns ? (long)(sample_ns / t1) : 1;
            best[k] = 0;
            if (t1 * (double)reps[k] > slowest)
                slowest = t1 * (double)reps[k];
        }
        /* Rounds for about total_ns of the slowest, within [min_rounds, 3000]. */
        rounds = (long)(total_ns / (slowest > 0 ? slowest : 1));
        if (rounds < min_rounds)
            rounds = min_rounds;
        if (rounds > 3000)
            rounds = 3000;
        /* Round-robin, each round starting at another implementation, so
         * load from elsewhere hits them all alike; the best sample counts. */
        for (r = 0; r < rounds; r++)
            for (i = 0; i < N_IMPLS; i++) {
                double t;

                k = (i + (size_t)r) % N_IMPLS;
                t = time_reps(impls[k].fn, buf, size, reps[k]) / (double)reps[k];
                if (r == 0 || t < best[k])
                    best[k] = t;
            }
        for (k = 0; k < N_IMPLS; k++)
            printf("%s,\"%s\",%s,%zu,%.1f,%.3f\n", impls[k].id, impls[k].label, size_names[si],
                   size, best[k], (double)size / best[k]);
        fflush(stdout);
        fprintf(stderr, "bench_crc: %s: best of %ld rounds\n", size_names[si], rounds);
    }
    free(buf);
    return 0;
}
