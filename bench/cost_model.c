/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device cost model: what one boot (or status) asks of the storage,
 * counted at the port - the calls a flash file system would see - for a
 * given work-buffer size.  Runs the core in-process on the POSIX port with
 * a counting layer in between.
 *
 *   bench_cost boot|status USR_DIR BAK_DIR BUFFER_BYTES
 *
 * Prints one CSV line (no header):
 *   opens,reads,read_bytes,writes,write_bytes,syncs,stats,renames,removes,
 *   mkdirs,lists,entries,ok,restored,unrecoverable,buffer,us
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qpybak.h"
#include "qpybak_posix.h"

struct counts {
    unsigned long opens, reads, read_bytes, writes, write_bytes, syncs, stats, renames, removes,
        mkdirs, lists;
};

static struct qpybak_posix px;
static struct counts n;
#define INNER (&px.port)

static int c_open(void *ctx, const char *path, int flags)
{
    (void)ctx;
    n.opens++;
    return INNER->open(INNER->ctx, path, flags);
}

static int c_read(void *ctx, int h, void *buf, size_t len)
{
    int r = INNER->read(INNER->ctx, h, buf, len);

    (void)ctx;
    n.reads++;
    if (r > 0)
        n.read_bytes += (unsigned long)r;
    return r;
}

static int c_write(void *ctx, int h, const void *buf, size_t len)
{
    int r = INNER->write(INNER->ctx, h, buf, len);

    (void)ctx;
    n.writes++;
    if (r > 0)
        n.write_bytes += (unsigned long)r;
    return r;
}

static int c_sync(void *ctx, int h)
{
    (void)ctx;
    n.syncs++;
    return INNER->sync(INNER->ctx, h);
}

static int c_close(void *ctx, int h)
{
    (void)ctx;
    return INNER->close(INNER->ctx, h);
}

static int c_stat(void *ctx, const char *path, struct qpybak_stat *st)
{
    (void)ctx;
    n.stats++;
    return INNER->stat(INNER->ctx, path, st);
}

static int c_rename(void *ctx, const char *from, const char *to)
{
    (void)ctx;
    n.renames++;
    return INNER->rename(INNER->ctx, from, to);
}

static int c_remove(void *ctx, const char *path)
{
    (void)ctx;
    n.removes++;
    return INNER->remove(INNER->ctx, path);
}

static int c_mkdir(void *ctx, const char *path)
{
    (void)ctx;
    n.mkdirs++;
    return INNER->mkdir(INNER->ctx, path);
}

static int c_list(void *ctx, const char *path,
                  int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type), void *fn_ctx)
{
    (void)ctx;
    n.lists++;
    return INNER->list(INNER->ctx, path, fn, fn_ctx);
}

int main(int argc, char **argv)
{
    /* No lock: one run at a time here (the RAM port's own lock is not
     * what this bench counts). */
    struct qpybak_port port = {NULL,   c_open,   c_read,   c_write, c_sync, c_close, c_stat,
                               c_rename, c_remove, c_mkdir, c_list,  NULL,   NULL};
    struct qpybak_config cfg;
    struct qpybak_result res;
    struct timespec t0, t1;
    size_t size;
    void *buf;
    int err, boot;

    if (argc != 5) {
        fprintf(stderr, "usage: bench_cost boot|status USR_DIR BAK_DIR BUFFER_BYTES\n");
        return 2;
    }
    boot = strcmp(argv[1], "boot") == 0;
    size = (size_t)strtoul(argv[4], NULL, 0);
    if (size == 0)
        size = qpybak_buffer_min(0);
    buf = malloc(size);
    if (buf == NULL || qpybak_posix_open(&px, argv[2], argv[3]) != 0) {
        fprintf(stderr, "bench_cost: cannot open the roots\n");
        return 2;
    }
    if (INNER->list == NULL)
        port.list = NULL;
    memset(&cfg, 0, sizeof cfg);
    cfg.port = &port;
    cfg.buffer = buf;
    cfg.buffer_size = size;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    err = boot ? qpybak_boot(&cfg, &res) : qpybak_status(&cfg, &res);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (err) {
        fprintf(stderr, "bench_cost: %s\n", qpybak_strerror(err));
        return 2;
    }
    printf("%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%zu,%.0f\n", n.opens,
           n.reads, n.read_bytes, n.writes, n.write_bytes, n.syncs, n.stats, n.renames, n.removes,
           n.mkdirs, n.lists,
           (unsigned long)(res.counts[QPYBAK_STATE_OK] + res.counts[QPYBAK_STATE_MISSING] +
                           res.counts[QPYBAK_STATE_MODIFIED] + res.counts[QPYBAK_STATE_RESTORED] +
                           res.counts[QPYBAK_STATE_UNRECOVERABLE] +
                           res.counts[QPYBAK_STATE_INVALID]),
           (unsigned long)res.counts[QPYBAK_STATE_OK],
           (unsigned long)res.counts[QPYBAK_STATE_RESTORED],
           (unsigned long)res.counts[QPYBAK_STATE_UNRECOVERABLE], size,
           ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3);
    qpybak_posix_close(&px);
    free(buf);
    return 0;
}
