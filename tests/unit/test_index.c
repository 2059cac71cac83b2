/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The manifest index and the staging walk's name batches (src/index.c,
 * issue 8 point 7), against the RAM port.
 *
 * - The index gives the answers the scan gives (the first valid entry of a
 *   name) for manifests in any order, with duplicates, invalid entries,
 *   names too long, entries without a size; for two manifests indexed at
 *   once; for every work-buffer size from the minimum (no index: the scan)
 *   up; and when a manifest holds more names than its validation counted.
 * - A look-up with the index reads nothing: a manifest is opened once for
 *   its validation and once for the index, however many look-ups follow.
 * - A boot with 2,000 missing files and the backup manifest in another
 *   order reads the backup manifest a bounded number of times (the scan
 *   opened it once per look-up: 2,000 times).
 * - The batches give every name of a listing in sorted order with any
 *   memory, in any listing order; the FOTA apply installs the same files in
 *   the same order with tiny and large buffers, with a few listings of a
 *   large folder.
 *
 * Built twice: test_index, and test_index_cluster with index.c compiled in
 * with INDEX_TEST_CLUSTER, which starts every probe in one of three slots
 * (long probe chains and wrap-arounds: forced collisions of the probe
 * position; the 64-bit keys stay exact).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qpybak_tools.h"
#include "ram_port.h"

#include "core.h"
#ifdef INDEX_TEST_CLUSTER
#include "index.c"
#endif

#define BACKUP "/bak/checksum.json"
#define JOURNAL "/usr/.qpybak/fota.json"

static struct ram_port *ram;

/* ------------------------------------------------------------ helpers */

static uint32_t rng_state;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void shuffle(int *v, int n)
{
    int i;

    for (i = n - 1; i > 0; i--) {
        int j = (int)(rnd() % (uint32_t)(i + 1)), t = v[i];

        v[i] = v[j];
        v[j] = t;
    }
}

/* A growing text buffer. */
struct text {
    char *s;
    size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if (t->len + (size_t)n < t->cap)
            break;
        t->cap = (t->cap + (size_t)n) * 2 + 64;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    t->len += (size_t)n;
}

/* Opens of and reads from each manifest, counted by the port hook. */
struct counts {
    unsigned long opens, reads;
};
static struct counts backup_n, journal_n;

static int count_hook(void *ctx, enum ram_op op, const char *path, const char *path2)
{
    (void)ctx;
    (void)path2;
    if (path && strcmp(path, BACKUP) == 0) {
        backup_n.opens += op == RAM_OP_OPEN;
        backup_n.reads += op == RAM_OP_READ;
    }
    if (path && strcmp(path, JOURNAL) == 0) {
        journal_n.opens += op == RAM_OP_OPEN;
        journal_n.reads += op == RAM_OP_READ;
    }
    return 0;
}

static int setup(void **state)
{
    (void)state;
    ram = ram_port_new();
    assert_non_null(ram);
    ram->hook = count_hook;
    memset(&backup_n, 0, sizeof backup_n);
    memset(&journal_n, 0, sizeof journal_n);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(ram_port_open_handles(ram), 0);
    ram_port_free(ram);
    return 0;
}

/* A core on the RAM port in buf (size bytes), with the manifests at path
 * and path2 (may be NULL) validated, as choose_source and fota_resume do. */
static struct run *core_on(uint8_t *buf, size_t size, struct qpybak_config *cfg,
                            struct qpybak_result *res, const char *path, const char *path2)
{
    struct run *c;
    uint32_t n;
    int err;

    memset(cfg, 0, sizeof *cfg);
    cfg->port = &ram->port;
    cfg->buffer = buf;
    cfg->buffer_size = size;
    c = run_init(cfg, res, &err, LAYOUT_BOOT);
    assert_non_null(c);
    assert_int_equal(manifest_check(c, path, &n), QPYBAK_MANIFEST_OK);
    c->source_entries = n;
    if (path2)
        assert_int_equal(manifest_check(c, path2, &n), QPYBAK_MANIFEST_OK);
    return c;
}

/* The reference: the first valid entry of name, by a scan from the start
 * (the reader closed first, so the search cursor starts at 0). */
static int reference(struct run *c, struct mfile *m, const char *path, const char *name,
                     struct qpybak_entry *e)
{
    mfile_close(m);
    return mfile_lookup(c, m, path, name, strlen(name), e);
}

static void same_answer(int r1, const struct qpybak_entry *e1, int r2,
                        const struct qpybak_entry *e2, const char *name)
{
    if (r1 != r2 || (r1 == 1 && (e1->crc != e2->crc || e1->has_size != e2->has_size ||
                                 (e1->has_size && e1->size != e2->size)))) {
        fprintf(stderr, "%s: %d %08x %d %u vs %d %08x %d %u\n", name, r1, e1->crc, e1->has_size,
                e1->size, r2, e2->crc, e2->has_size, e2->size);
        fail();
    }
}

/* ---------------------------------------------------- manifests for it */

#define N_NAMES 300

static char names[N_NAMES + 40][320];
static int n_names;

/*
 * A manifest of N_NAMES names in a shuffled order, and around them: a name
 * listed twice with two values (the first counts), a name whose first entry
 * is invalid (the second counts), invalid entries of every kind (a crc that
 * is not hex, a size out of range, no name, a name that is no string, a
 * name too long), entries without a size, names that differ by one byte or
 * are prefixes of others.  names[] receives every name to look up,
 * including some that are absent.
 */
static void make_manifest(const char *path, uint32_t seed, uint32_t salt)
{
    struct text t = {NULL, 0, 0};
    int order[N_NAMES], i;
    char long_name[300];

    rng_state = seed;
    for (i = 0; i < N_NAMES; i++)
        order[i] = i;
    shuffle(order, N_NAMES);
    put(&t, "[\n");
    for (i = 0; i < N_NAMES; i++) {
        int k = order[i];
        uint32_t crc = (uint32_t)k * 2654435761u ^ salt;

        if (k % 7 == 3)
            put(&t, "{\"name\": \"/usr/d%02d/f%03d.py\", \"crc32\": \"0x%08x\"},\n", k % 13, k, crc);
        else
            put(&t, "{\"name\": \"/usr/d%02d/f%03d.py\", \"crc32\": \"0x%08x\", \"size\": %u},\n",
                k % 13, k, crc, (unsigned)k * 17u + (salt & 0xFF));
        if (k % 50 == 10) /* the same name again, another value: ignored */
            put(&t, "{\"name\": \"/usr/d%02d/f%03d.py\", \"crc32\": \"0x12345678\", \"size\": 1},\n",
                k % 13, k);
    }
    /* an invalid first entry, then the valid one that counts */
    put(&t, "{\"name\": \"/usr/late.py\", \"crc32\": \"zz\", \"size\": 1},\n");
    put(&t, "{\"name\": \"/usr/late.py\", \"crc32\": \"0xabcdef01\", \"size\": 99},\n");
    put(&t, "{\"name\": \"/usr/late.py\", \"crc32\": \"0x0badf00d\", \"size\": 98},\n");
    put(&t, "{\"name\": \"/usr/badsize.py\", \"crc32\": \"0x1\", \"size\": 99999999999},\n");
    put(&t, "{\"crc32\": \"0x2\", \"size\": 2},\n");
    put(&t, "{\"name\": 17, \"crc32\": \"0x3\", \"size\": 3},\n");
    memset(long_name, 'x', sizeof long_name);
    memcpy(long_name, "/usr/", 5);
    long_name[299] = '\0';
    put(&t, "{\"name\": \"%s\", \"crc32\": \"0x4\", \"size\": 4},\n", long_name);
    put(&t, "{\"name\": \"/usr/a\", \"crc32\": \"0x5\", \"size\": 5},\n");
    put(&t, "{\"name\": \"/usr/ab\", \"crc32\": \"0x6\"},\n");
    put(&t, "{\"name\": \"/usr/b\", \"crc32\": \"0x0\", \"size\": 0}\n");
    put(&t, "]\n");
    assert_int_equal(ram_port_put(ram, path, t.s, t.len), 0);
    free(t.s);

    n_names = 0;
    for (i = 0; i < N_NAMES; i++)
        snprintf(names[n_names++], sizeof names[0], "/usr/d%02d/f%03d.py", i % 13, i);
    snprintf(names[n_names++], sizeof names[0], "/usr/late.py");
    snprintf(names[n_names++], sizeof names[0], "/usr/badsize.py");
    snprintf(names[n_names++], sizeof names[0], "%s", long_name);
    snprintf(names[n_names++], sizeof names[0], "/usr/a");
    snprintf(names[n_names++], sizeof names[0], "/usr/ab");
    snprintf(names[n_names++], sizeof names[0], "/usr/abc");
    snprintf(names[n_names++], sizeof names[0], "/usr/b");
    snprintf(names[n_names++], sizeof names[0], "/usr/d00/f000.p");
    snprintf(names[n_names++], sizeof names[0], "/usr/d00/f000.pyc");
    snprintf(names[n_names++], sizeof names[0], "/usr/d01/f000.py");
    snprintf(names[n_names++], sizeof names[0], "/usr/nothing.py");
}

/* ------------------------------------------------------------- tests */

static uint8_t big[1 << 18], small[1 << 16];

/* The index answers as the scan does, and reads nothing per look-up. */
static void test_index_equals_scan(void **state)
{
    struct qpybak_config cfg_i, cfg_s;
    struct qpybak_result res_i, res_s;
    struct qpybak_entry ei, es;
    struct run *ci, *cs;
    int order[N_NAMES + 40], i, round, ri, rs;

    (void)state;
    for (round = 0; round < 3; round++) {
        make_manifest(BACKUP, 0x9E3779B9u + (uint32_t)round, (uint32_t)round * 0x1111u);
        ci = core_on(big, sizeof big, &cfg_i, &res_i, BACKUP, NULL);
        cs = core_on(small, qpybak_buffer_min(0), &cfg_s, &res_s, BACKUP, NULL);
        for (i = 0; i < n_names; i++)
            order[i] = i;
        shuffle(order, n_names);
        memset(&backup_n, 0, sizeof backup_n);
        for (i = 0; i < n_names; i++) {
            const char *name = names[order[i]];
            unsigned long opens = backup_n.opens;

            ri = mfile_lookup(ci, &ci->lookup, BACKUP, name, strlen(name), &ei);
            /* with the index, no file access after the first look-up */
            if (i > 0)
                assert_int_equal(backup_n.opens, opens);
            rs = reference(cs, &cs->lookup, BACKUP, name, &es);
            same_answer(ri, &ei, rs, &es, name);
        }
        /* the known ones, so that the reference is checked too */
        ri = mfile_lookup(ci, &ci->lookup, BACKUP, "/usr/late.py", 12, &ei);
        assert_int_equal(ri, 1);
        assert_int_equal(ei.crc, 0xabcdef01u);
        assert_int_equal(ei.size, 99);
        ri = mfile_lookup(ci, &ci->lookup, BACKUP, "/usr/d10/f010.py", 16, &ei);
        assert_int_equal(ri, 1);
        assert_int_equal(ei.crc, 10u * 2654435761u ^ (uint32_t)round * 0x1111u);
        assert_int_equal(mfile_lookup(ci, &ci->lookup, BACKUP, "/usr/badsize.py", 15, &ei), 0);
        assert_int_equal(mfile_lookup(ci, &ci->lookup, BACKUP, names[N_NAMES + 2],
                                      strlen(names[N_NAMES + 2]), &ei), 0);
        ri = mfile_lookup(ci, &ci->lookup, BACKUP, "/usr/ab", 7, &ei);
        assert_int_equal(ri, 1);
        assert_false(ei.has_size);
        mfile_close(&ci->lookup);
        mfile_close(&cs->lookup);
    }
}

/* Every buffer size from the minimum up: the same answers, whether the
 * index fits (and how big its table is) or not. */
static void test_index_any_buffer(void **state)
{
    struct qpybak_config cfg_i, cfg_s;
    struct qpybak_result res_i, res_s;
    struct qpybak_entry ei, es;
    struct run *ci, *cs;
    size_t min = qpybak_buffer_min(0), size;
    int i, ri, rs;

    (void)state;
    make_manifest(BACKUP, 12345, 7);
    cs = core_on(small, min, &cfg_s, &res_s, BACKUP, NULL);
    for (size = min; size < sizeof big; size = size + size / 5 + 8) {
        ci = core_on(big, size, &cfg_i, &res_i, BACKUP, NULL);
        dedupe_reset(ci); /* the filter takes its share first, as in a boot */
        for (i = 0; i < n_names; i += 3) {
            const char *name = names[(i * 37) % n_names];

            ri = mfile_lookup(ci, &ci->lookup, BACKUP, name, strlen(name), &ei);
            rs = reference(cs, &cs->lookup, BACKUP, name, &es);
            same_answer(ri, &ei, rs, &es, name);
        }
        mfile_close(&ci->lookup);
    }
    mfile_close(&cs->lookup);
}

/* The backup manifest and the journal indexed at once, look-ups
 * alternating between them: each file is read once for its index. */
static void test_index_two_manifests(void **state)
{
    struct qpybak_config cfg_i, cfg_s;
    struct qpybak_result res_i, res_s;
    struct qpybak_entry ei, es;
    struct run *ci, *cs;
    int i, ri, rs;

    (void)state;
    make_manifest(JOURNAL, 777, 0x5A5A5A5Au);
    make_manifest(BACKUP, 778, 0x12121212u);
    ci = core_on(big, sizeof big, &cfg_i, &res_i, BACKUP, JOURNAL);
    cs = core_on(small, qpybak_buffer_min(0), &cfg_s, &res_s, BACKUP, JOURNAL);
    dedupe_reset(ci);
    memset(&backup_n, 0, sizeof backup_n);
    memset(&journal_n, 0, sizeof journal_n);
    for (i = 0; i < n_names; i++) {
        const char *name = names[(i * 101) % n_names];

        ri = mfile_lookup(ci, &ci->rescan, JOURNAL, name, strlen(name), &ei);
        rs = reference(cs, &cs->rescan, JOURNAL, name, &es);
        same_answer(ri, &ei, rs, &es, name);
        ri = mfile_lookup(ci, &ci->lookup, BACKUP, name, strlen(name), &ei);
        rs = reference(cs, &cs->lookup, BACKUP, name, &es);
        same_answer(ri, &ei, rs, &es, name);
    }
    /* the reference opened each file once per look-up; the index once */
    assert_int_equal(backup_n.opens, (unsigned long)n_names + 1);
    assert_int_equal(journal_n.opens, (unsigned long)n_names + 1);
    mfile_close(&ci->rescan);
    mfile_close(&ci->lookup);
    mfile_close(&cs->rescan);
    mfile_close(&cs->lookup);
}

/* A manifest holding more names than its validation counted (it changed
 * in between): the index is given up and the scan answers. */
static void test_index_more_than_counted(void **state)
{
    struct qpybak_config cfg_i, cfg_s;
    struct qpybak_result res_i, res_s;
    struct qpybak_entry ei, es;
    struct run *ci, *cs;
    int i, ri, rs;

    (void)state;
    make_manifest(BACKUP, 4242, 99);
    ci = core_on(big, sizeof big, &cfg_i, &res_i, BACKUP, NULL);
    cs = core_on(small, qpybak_buffer_min(0), &cfg_s, &res_s, BACKUP, NULL);
    index_note(ci, BACKUP, 10);
    for (i = 0; i < n_names; i++) {
        ri = mfile_lookup(ci, &ci->lookup, BACKUP, names[i], strlen(names[i]), &ei);
        rs = reference(cs, &cs->lookup, BACKUP, names[i], &es);
        same_answer(ri, &ei, rs, &es, names[i]);
    }
    mfile_close(&ci->lookup);
    mfile_close(&cs->lookup);
}

/* -------------------------------------------------- boot: operations */

/* 2,000 tracked files, all missing (and no backup copies: the RAM port
 * holds 160 nodes), the backup manifest in another order than the user
 * manifest.  Every entry takes a backup look-up.  The backup manifest is
 * read a bounded number of times: validated, indexed (the scan opened it
 * again at nearly every look-up). */
static void test_boot_reads_backup_manifest_boundedly(void **state)
{
    static uint8_t work[1 << 18]; /* the index of 2,000 entries: 40-64 KiB */
    struct qpybak_config cfg;
    struct qpybak_result res;
    struct text u = {NULL, 0, 0}, b = {NULL, 0, 0};
    int order[2000], i, n = 2000;
    size_t len;

    (void)state;
    rng_state = 2024;
    for (i = 0; i < n; i++)
        order[i] = i;
    shuffle(order, n);
    put(&u, "[\n");
    put(&b, "[\n");
    for (i = 0; i < n; i++) {
        put(&u, "{\"name\": \"/usr/f/%04d.py\", \"crc32\": \"0x%08x\", \"size\": %d}%s\n", i,
            (uint32_t)i * 2654435761u, i + 1, i + 1 < n ? "," : "");
        put(&b, "{\"name\": \"/usr/f/%04d.py\", \"crc32\": \"0x%08x\", \"size\": %d}%s\n",
            order[i], (uint32_t)order[i] * 2654435761u, order[i] + 1, i + 1 < n ? "," : "");
    }
    put(&u, "]\n");
    put(&b, "]\n");
    assert_int_equal(ram_port_put(ram, "/usr/checksum.json", u.s, u.len), 0);
    assert_int_equal(ram_port_put(ram, "/usr/.qpybak/checksum.json", u.s, u.len), 0);
    assert_int_equal(ram_port_put(ram, BACKUP, b.s, b.len), 0);
    assert_int_equal(ram_port_put_str(ram, "/bak/backup_restore.json", "{\"enable\": 1}\n"), 0);
    ram_port_mkdirs(ram, "/usr/f");
    free(u.s);
    free(b.s);
    ram_port_get(ram, BACKUP, &len);

    memset(&cfg, 0, sizeof cfg);
    cfg.port = &ram->port;
    cfg.buffer = work;
    cfg.buffer_size = sizeof work;
    memset(&backup_n, 0, sizeof backup_n);
    assert_int_equal(qpybak_boot(&cfg, &res), 0);
    assert_int_equal(res.counts[QPYBAK_STATE_UNRECOVERABLE], n);
    /* validation and the index: two passes (before: one open per look-up,
     * about n / 2 entries read each) */
    assert_true(backup_n.opens <= 3);
    assert_true(backup_n.reads <= 3 * (len / 64 + 2));

    /* the same with the minimum buffer: no index, the scan - still right */
    cfg.buffer_size = qpybak_buffer_min(0);
    memset(&backup_n, 0, sizeof backup_n);
    assert_int_equal(qpybak_boot(&cfg, &res), 0);
    assert_int_equal(res.counts[QPYBAK_STATE_UNRECOVERABLE], n);
    assert_true(backup_n.opens > (unsigned long)n / 2);
}

/* ------------------------------------------------------------ batches */

static int cmp_bytes(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A listing: names in a given order, fed to a batch. */
struct listing {
    const char **names;
    int n;
    unsigned calls;
};

static void list_into(struct listing *l, struct batch *b, const char *after)
{
    int i;

    l->calls++;
    batch_begin(b, after);
    for (i = 0; i < l->n; i++)
        batch_add(b, l->names[i], (i & 1) ? QPYBAK_TYPE_FILE : QPYBAK_TYPE_DIR);
    batch_end(b);
}

/* Walks one listing to its end the way walk_next does; every name must
 * come exactly once, in byte order. */
static void walk_listing(struct run *c, struct listing *l, const char **sorted, size_t one_size)
{
    struct batch b;
    char last[400];
    enum qpybak_type t;
    const char *name;
    int taken = 0;

    batch_init(c, &b, c->inst.scratch, one_size);
    last[0] = '\0';
    for (;;) {
        name = batch_take(&b, &t);
        if (name == NULL && (!b.listed || b.bounded)) {
            list_into(l, &b, last[0] ? last : NULL);
            name = batch_take(&b, &t);
        }
        if (name == NULL)
            break;
        assert_true(taken < l->n);
        if (strcmp(name, sorted[taken]) != 0) {
            fprintf(stderr, "at %d: %s, expected %s\n", taken, name, sorted[taken]);
            fail();
        }
        snprintf(last, sizeof last, "%s", name);
        taken++;
    }
    assert_int_equal(taken, l->n);
}

static void test_batch_sorted_any_memory(void **state)
{
    static char pool[600][200];
    static uint8_t work[1 << 17];
    const char *listed[600], *sorted[600];
    struct qpybak_config cfg;
    struct qpybak_result res;
    struct listing l;
    struct run *c;
    size_t min = qpybak_buffer_min(0), size;
    int n, i, round, err;

    (void)state;
    rng_state = 99;
    for (round = 0; round < 12; round++) {
        n = round == 0 ? 1 : (int)(rnd() % 600) + 1;
        for (i = 0; i < n; i++) {
            /* random lengths 1..190, a small alphabet with high bytes: many
             * shared prefixes; made unique by the index at the end */
            int len = (int)(rnd() % (round % 3 == 0 ? 8 : 190)) + 1, k;

            for (k = 0; k < len; k++)
                pool[i][k] = "ab.\xc3\xa9Z_"[rnd() % 7];
            snprintf(pool[i] + len, sizeof pool[i] - (size_t)len, "%04d", i);
            listed[i] = sorted[i] = pool[i];
        }
        qsort(sorted, (size_t)n, sizeof sorted[0], cmp_bytes);
        if (round % 4 == 1) /* the listing in descending order: the worst */
            for (i = 0; i < n; i++)
                listed[i] = sorted[n - 1 - i];
        else if (round % 4 == 2)
            for (i = 0; i < n; i++)
                listed[i] = sorted[i];
        if (round % 4 == 3) {
            for (i = n - 1; i > 0; i--) {
                int j = (int)(rnd() % (uint32_t)(i + 1));
                const char *t = listed[i];

                listed[i] = listed[j];
                listed[j] = t;
            }
        }
        for (size = min;; size = size < min + 4096 ? size + 97 : sizeof work) {
            memset(&cfg, 0, sizeof cfg);
            cfg.port = &ram->port;
            cfg.buffer = work;
            cfg.buffer_size = size;
            c = run_init(&cfg, &res, &err, LAYOUT_BOOT);
            assert_non_null(c);
            l.names = listed;
            l.n = n;
            l.calls = 0;
            walk_listing(c, &l, sorted, c->path_size);
            if (size == sizeof work) {
                assert_true(l.calls <= 3); /* all of it in a listing or two */
                break;
            }
        }
    }
}

/* Names too long for the walk are counted, on the first listing only, and
 * never taken. */
static void test_batch_too_long(void **state)
{
    static uint8_t work[1 << 14];
    char longer[400];
    const char *listed[3];
    struct qpybak_config cfg;
    struct qpybak_result res;
    struct batch b;
    struct run *c;
    enum qpybak_type t;
    size_t size;
    int err;

    (void)state;
    memset(longer, 'q', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    listed[0] = "b";
    listed[1] = longer;
    listed[2] = "a";
    for (size = qpybak_buffer_min(0); size <= sizeof work; size *= 2) {
        memset(&cfg, 0, sizeof cfg);
        cfg.port = &ram->port;
        cfg.buffer = work;
        cfg.buffer_size = size;
        c = run_init(&cfg, &res, &err, LAYOUT_BOOT);
        assert_non_null(c);
        batch_init(c, &b, c->inst.scratch, c->path_size);
        batch_begin(&b, NULL);
        batch_add(&b, listed[0], QPYBAK_TYPE_FILE);
        batch_add(&b, listed[1], QPYBAK_TYPE_FILE);
        batch_add(&b, listed[2], QPYBAK_TYPE_DIR);
        batch_end(&b);
        assert_int_equal(b.too_long, 1);
        assert_string_equal(batch_take(&b, &t), "a");
        assert_int_equal(t, QPYBAK_TYPE_DIR);
    }
}

/* ------------------------------------------------- FOTA apply: order */

struct ev_log {
    char text[16000];
    size_t len;
};

static void on_update(void *ctx, const struct qpybak_fota_event *ev)
{
    struct ev_log *log = (struct ev_log *)ctx;
    int n = snprintf(log->text + log->len, sizeof log->text - log->len, "%s %d %d\n",
                     ev->name ? ev->name : "-", ev->installed, (int)ev->reason);

    assert_true(n > 0 && log->len + (size_t)n < sizeof log->text);
    log->len += (size_t)n;
}

/* The staged tree, created in a shuffled order (the RAM port lists in
 * creation order, so the listings are unsorted). */
static void stage_tree(struct ram_port *r)
{
    static const char *dirs[] = {"", "/lib", "/lib/net", "/a", "/a.b", "/\xc3\xa9t\xc3\xa9"};
    char path[600];
    int order[64], i;

    rng_state = 31337;
    for (i = 0; i < 64; i++)
        order[i] = i;
    shuffle(order, 64);
    for (i = 0; i < 64; i++) {
        int k = order[i];
        const char *d = k < 40 ? "" : dirs[k % 6];

        snprintf(path, sizeof path, "/usr/.updater%s/%c%02d%s.py", d, "aB_.z~"[k % 6], k,
                 k % 5 == 0 ? "x" : "");
        assert_int_equal(ram_port_put_str(r, path, path), 0);
    }
    /* a name too long to walk (longer than a path buffer) and one too long
     * for a device path (longer than name_max, shorter than the buffer) */
    memset(path, 'n', sizeof path);
    memcpy(path, "/usr/.updater/", 14);
    path[14 + 290] = '\0';
    assert_int_equal(ram_port_put_str(r, path, "too long"), 0);
    path[14 + 260] = '\0';
    assert_int_equal(ram_port_put_str(r, path, "long"), 0);
    assert_int_equal(ram_port_mkdirs(r, "/usr/.updater/empty/deeper"), 0);
}

static void test_fota_walk_order_any_buffer(void **state)
{
    static uint8_t work[1 << 16];
    static struct ev_log logs[5];
    size_t min = qpybak_buffer_min(0);
    size_t sizes[5];
    unsigned long lists[5];
    struct qpybak_fota_result fr[5];
    struct qpybak_config cfg;
    struct ram_port *tmpl = ram_port_new();
    int k;

    (void)state;
    sizes[0] = min;
    sizes[1] = min + 1500; /* still one name per listing */
    sizes[2] = min + 2000; /* small batches */
    sizes[3] = min + 5000;
    sizes[4] = sizeof work;
    assert_non_null(tmpl);
    stage_tree(tmpl);
    for (k = 0; k < 5; k++) {
        assert_int_equal(ram_port_copy_tree(ram, tmpl), 0);
        ram_port_reset_stats(ram);
        memset(&cfg, 0, sizeof cfg);
        cfg.port = &ram->port;
        cfg.buffer = work;
        cfg.buffer_size = sizes[k];
        cfg.on_update = on_update;
        cfg.ctx = &logs[k];
        logs[k].len = 0;
        assert_int_equal(qpybak_fota_apply(&cfg, NULL, &fr[k]), 0);
        lists[k] = ram->stats.ops[RAM_OP_LIST];
        assert_int_equal(fr[k].installed, 64);
        assert_int_equal(fr[k].skipped, 1);
        assert_int_equal(ram_port_count_files(ram, "/usr/.updater/"), 2);
        if (k > 0) {
            assert_int_equal(fr[k].failed, fr[0].failed);
            assert_string_equal(logs[k].text, logs[0].text);
        }
    }
    /* the order of the installs (the journal's): depth-first, each
     * folder's names in byte order */
    {
        const char *p = logs[0].text;
        char a[600] = "", b[600];

        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t n = (size_t)(nl - p);

            memcpy(b, p, n);
            b[n] = '\0';
            p = nl + 1;
            if (strcmp(strchr(b, ' '), " 1 0") != 0)
                continue; /* refused while the journal was written */
            *strchr(b, ' ') = '\0';
            for (n = 0; b[n]; n++)
                if (b[n] == '/')
                    b[n] = '\1'; /* a folder's end sorts before any name byte */
            if (strcmp(a, b) >= 0) {
                fprintf(stderr, "order: %s\n", logs[0].text);
                fail();
            }
            memcpy(a, b, sizeof a);
        }
    }
    /* a few listings with a large buffer; one per name with the minimum */
    fprintf(stderr, "list calls by buffer: %lu %lu %lu %lu %lu\n", lists[0], lists[1], lists[2],
            lists[3], lists[4]);
    assert_true(lists[2] < lists[0]);
    assert_true(lists[4] * 4 < lists[0]);
    assert_true(lists[4] <= 30);
    ram_port_free(tmpl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_index_equals_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_any_buffer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_two_manifests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_more_than_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_boot_reads_backup_manifest_boundedly, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_batch_sorted_any_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_too_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fota_walk_order_any_buffer, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
