/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Power cuts at every block program and erase of boot, calc and FOTA
 * apply, on real littlefs over lfs_emubd (lfs_device.h), with the checks
 * of the crash sweeps (tests/crash/crash_test.c, docs/crash-testing.md).
 *
 * For a procedure and a layout: a clean run counts the programs and erases
 * it makes (N).  Then for k = 1..N and for each of lfs_emubd's power-loss
 * behaviours - noop (every operation up to the k-th reached the flash) and
 * ooo (out of order: besides, the first block erased since the last
 * device sync is back as it was before that erase) - the procedure runs from the same starting image with the power
 * cut at the k-th operation.  It goes on to its end against a dead device
 * (every block operation fails), as a board does once its flash is gone.
 * Then:
 * - the cut run left no file open and the lock free;
 * - the device mounts again (a reboot: every RAM state forgotten);
 * - the invariants of docs/design.md, "Crash safety", hold on what the cut
 *   left: /bak unchanged (DEV_TWO: not one block of its device programmed
 *   or erased), each user manifest unchanged or a whole valid manifest,
 *   each tracked file its old or its new content, every recorded checksum
 *   describing its file, nothing outside /usr and /bak;
 * - the next boot, uninterrupted, reaches exactly the state an
 *   uninterrupted run of the procedure and a boot reach (for calc, and for
 *   FOTA apply cut before its commit point, the state a boot alone
 *   reaches), with no temporary file and no journal left.
 * A cut that leaves a rename half done (a pending move) is counted, with
 * what littlefs's view missed before the port's lfs_fs_mkconsistent.
 *
 * Double cuts (--double STRIDE): a first cut at every STRIDE-th program
 * or erase of the procedure, then a second cut at each program and erase
 * of the recovery boot in turn (counted by a clean recovery boot on the
 * same image), the same checks after it, and one more boot that must
 * reach the same end state.
 *
 * Layouts: two partitions or one littlefs (lfs_device.h), with 512-byte
 * blocks, or with 4 KiB blocks and MicroPython's VfsLfs2 defaults ("-4k").
 *
 * Procedures: boot, calc, fota (FOTA apply), fota-good (FOTA apply
 * keeping last-known-good copies, and boots that use them).
 *
 * Usage: littlefs_powercut PROCEDURE LAYOUT [--double STRIDE]
 *        littlefs_powercut PROCEDURE LAYOUT K [K2] noop|ooo
 *        (replays one cut, or a cut K and a second K2, printing the trees)
 *        LAYOUT: two, one, two-4k, one-4k
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lfs_device.h"
#include "qpybak_tools.h"
#include "scenes.h"

enum op_kind { OP_BOOT, OP_CALC, OP_FOTA };

static const struct {
    const char *name;
    enum op_kind op;
    void (*setup)(struct ram_port *ram);
    bool keep_last_good; /* for every run of the sweep, boots included */
} ops[] = {
    {"boot", OP_BOOT, scene_restore, false},
    {"calc", OP_CALC, scene_calc, false},
    {"fota", OP_FOTA, scene_fota, false},
    {"fota-good", OP_FOTA, scene_fota, true}, /* keeps last-known-good copies */
};

static const struct {
    const char *name;
    lfs_emubd_powerloss_behavior_t behaviour;
} behaviours[] = {
    {"noop", LFS_EMUBD_POWERLOSS_NOOP},
    {"ooo", LFS_EMUBD_POWERLOSS_OOO},
};
#define N_BEHAVIOURS (sizeof behaviours / sizeof behaviours[0])

static const char *const tracked[] = {
    "/usr/main.py", "/usr/lib/net.py", "/usr/lib/util.py", "/usr/apn_cfg.json",
    "/usr/system_config.json", "/usr/plugins/extra.py", WORDS_PATH,
};
#define N_TRACKED (sizeof tracked / sizeof tracked[0])

static struct lfs_device dev;
static const char *layout_arg; /* "two", "one", "two-4k", "one-4k": for replay lines */
static unsigned char work[8192];
static bool keep_last_good; /* the sweep's procedure's option */
static int failures;
static bool verbose;
/* Cuts after which littlefs mounted with a rename half done, and of those
 * the ones where its view before lfs_fs_mkconsistent missed a file. */
static unsigned long pending_moves, views_missing;

/* What littlefs's view before the fix missed: the topmost missing paths,
 * and how often each. */
#define N_MISSED 8
static struct {
    char path[RAM_PORT_PATH_MAX];
    unsigned long count;
} missed[N_MISSED];

static void note_missed(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                        size_t len)
{
    const struct ram_port *view = (const struct ram_port *)ctx;
    char parent[RAM_PORT_PATH_MAX];
    char *slash;
    size_t i;

    (void)type;
    (void)data;
    (void)len;
    snprintf(parent, sizeof parent, "%s", path);
    slash = strrchr(parent, '/');
    if (slash)
        *slash = '\0';
    if (ram_port_type(view, path) != 0 || (parent[0] && ram_port_type(view, parent) == 0))
        return; /* seen, or below a missing folder */
    for (i = 0; i < N_MISSED; i++) {
        if (missed[i].count == 0)
            snprintf(missed[i].path, sizeof missed[i].path, "%s", path);
        if (strcmp(missed[i].path, path) == 0) {
            missed[i].count++;
            return;
        }
    }
}

static int run_op(enum op_kind op)
{
    struct qpybak_config cfg;
    struct qpybak_result res;
    struct qpybak_fota_result fres;
    uint32_t crc;
    int ret;

    memset(&cfg, 0, sizeof cfg);
    cfg.port = &dev.port.port;
    cfg.buffer = work;
    cfg.buffer_size = sizeof work;
    cfg.keep_last_good = keep_last_good;
    memset(&res, 0, sizeof res);
    memset(&fres, 0, sizeof fres);
    switch (op) {
    case OP_BOOT:
        ret = qpybak_boot(&cfg, &res);
        if (verbose)
            printf("boot: %d, restored %u, error %d (%s), fota: journal %d, installed %u, "
                   "failed %u, pending %d, error %d (%s)\n",
                   ret, res.counts[QPYBAK_STATE_RESTORED], res.error,
                   res.error_path ? res.error_path : "-", res.fota.journal, res.fota.installed,
                   res.fota.failed, res.fota.pending, res.fota.error,
                   res.fota.error_path ? res.fota.error_path : "-");
        return ret;
    case OP_CALC:
        ret = qpybak_calc(&cfg, CALC_PATH, &crc);
        if (verbose)
            printf("calc: %d\n", ret);
        return ret;
    case OP_FOTA:
        ret = qpybak_fota_apply(&cfg, NULL, &fres);
        if (verbose)
            printf("fota apply: %d, installed %u, failed %u, pending %d, error %d (%s)\n", ret,
                   fres.installed, fres.failed, fres.pending, fres.error,
                   fres.error_path ? fres.error_path : "-");
        return ret;
    }
    return -1;
}

/* --------------------------------------------------------------- checks */

/* No file left open and the lock released. */
static const char *contract(void)
{
    int i;

    for (i = 0; i < QPYBAK_LITTLEFS_MAX_OPEN; i++)
        if (dev.port.owners[i] != NULL)
            return "a file left open";
    if (dev.port.lock_exclusive || dev.port.lock_shared)
        return "the lock still held";
    return NULL;
}

static bool same_file(const struct ram_port *a, const struct ram_port *b, const char *path)
{
    size_t la = 0, lb = 0;
    const uint8_t *da = ram_port_get(a, path, &la), *db = ram_port_get(b, path, &lb);
    int ta = ram_port_type(a, path), tb = ram_port_type(b, path);

    if (ta != tb)
        return false;
    if (ta != QPYBAK_TYPE_FILE)
        return true;
    return la == lb && (la == 0 || memcmp(da, db, la) == 0);
}

struct mem_source {
    const uint8_t *p;
    size_t left;
};

static int read_mem(void *ctx, void *buf, size_t want)
{
    struct mem_source *m = (struct mem_source *)ctx;
    size_t n = want < m->left ? want : m->left;

    memcpy(buf, m->p, n);
    m->p += n;
    m->left -= n;
    return (int)n;
}

/* Visits every entry of a manifest file; the reader's final code (0: a
 * whole, valid manifest), or 1 when the file is absent. */
static int each_entry(const struct ram_port *ram, const char *path,
                      void (*fn)(void *ctx, const struct qpybak_entry *e), void *ctx)
{
    struct qpybak_reader r;
    struct qpybak_entry e;
    struct mem_source src;
    char chunk[64], name[256];
    size_t len = 0;
    int err;

    if (ram_port_type(ram, path) != QPYBAK_TYPE_FILE)
        return 1;
    src.p = ram_port_get(ram, path, &len);
    src.left = len;
    qpybak_reader_init(&r, read_mem, &src, chunk, sizeof chunk, name, sizeof name);
    while ((err = qpybak_reader_next(&r, &e)) == 1)
        if (fn)
            fn(ctx, &e);
    return err;
}

struct check {
    const struct ram_port *before, *after, *alt, *now;
    char why[512];
};

struct find {
    const char *name;
    bool found;
    uint32_t crc;
};

static void find_name(void *ctx, const struct qpybak_entry *e)
{
    struct find *f = (struct find *)ctx;

    if (!f->found && e->name && strcmp(e->name, f->name) == 0) {
        f->found = true;
        f->crc = e->crc;
    }
}

/* An entry of the user manifest now: copied from a manifest that was there
 * before, or describing its file as it is. */
static void check_recorded(void *ctx, const struct qpybak_entry *e)
{
    static const char *const sources[] = {PRIMARY, SHADOW, BACKUP_MANIFEST};
    struct check *k = (struct check *)ctx;
    struct find f;
    size_t len = 0, i;
    const uint8_t *data;

    if (e->invalid != QPYBAK_REASON_NONE || k->why[0])
        return;
    for (i = 0; i < 3; i++) {
        f.name = e->name;
        f.found = false;
        each_entry(k->before, sources[i], find_name, &f);
        if (f.found && f.crc == e->crc)
            return;
    }
    data = ram_port_get(k->now, e->name, &len);
    if (ram_port_type(k->now, e->name) != QPYBAK_TYPE_FILE ||
        qpybak_crc32(QPYBAK_CRC_SEED, data, len) != e->crc)
        snprintf(k->why, sizeof k->why, "manifest records %s as 0x%08x, which the file does not hold",
                 e->name, (unsigned)e->crc);
}

static void bak_unchanged(void *ctx, const char *path, enum qpybak_type type,
                          const uint8_t *data, size_t len)
{
    struct check *k = (struct check *)ctx;

    (void)type;
    (void)data;
    (void)len;
    if (!k->why[0] && strncmp(path, "/bak/", 5) == 0 && !same_file(k->before, k->now, path))
        snprintf(k->why, sizeof k->why, "%.400s changed", path);
}

static void find_temp(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                      size_t len)
{
    struct check *k = (struct check *)ctx;
    size_t n = strlen(path);

    (void)type;
    (void)data;
    (void)len;
    if (n > 11 && strcmp(path + n - 11, ".qpybak-tmp") == 0 && !k->why[0])
        snprintf(k->why, sizeof k->why, "temporary file left: %.480s", path);
}

/* The invariants of docs/design.md, "Crash safety", on what a cut left. */
static bool invariants_hold(struct check *k)
{
    static const char *const manifests[] = {PRIMARY, SHADOW};
    size_t i;

    k->why[0] = '\0';
    if (ram_port_count_files(k->now, "/bak/") != ram_port_count_files(k->before, "/bak/"))
        snprintf(k->why, sizeof k->why, "files added to or removed from /bak");
    if (!k->why[0])
        ram_port_walk(k->before, bak_unchanged, k);
    for (i = 0; i < 2 && !k->why[0]; i++) {
        if (same_file(k->before, k->now, manifests[i]))
            continue;
        if (ram_port_type(k->now, manifests[i]) == QPYBAK_TYPE_FILE &&
            each_entry(k->now, manifests[i], NULL, NULL) != 0)
            snprintf(k->why, sizeof k->why, "%s torn (neither old nor a valid manifest)",
                     manifests[i]);
    }
    for (i = 0; i < N_TRACKED && !k->why[0]; i++)
        if (!same_file(k->before, k->now, tracked[i]) && !same_file(k->after, k->now, tracked[i]) &&
            !(k->alt && same_file(k->alt, k->now, tracked[i])))
            snprintf(k->why, sizeof k->why, "%s torn (neither old nor new content)", tracked[i]);
    if (!k->why[0])
        each_entry(k->now, PRIMARY, check_recorded, k);
    return k->why[0] == '\0';
}

/* The same tree, boot's report aside (it tells what that boot saw). */
static bool same_end_state(const struct ram_port *a, const struct ram_port *b)
{
    static struct ram_port *ca, *cb;

    if (!ca) {
        ca = ram_port_new();
        cb = ram_port_new();
    }
    ram_port_copy_tree(ca, a);
    ram_port_copy_tree(cb, b);
    ram_port_delete(ca, REPORT);
    ram_port_delete(cb, REPORT);
    return ram_port_equal(ca, cb);
}

/* ----------------------------------------------------------------- runs */

struct refs {
    struct dev_image image;  /* the device before the procedure */
    struct ram_port *before; /* its tree */
    struct ram_port *applied; /* procedure + boot, uninterrupted */
    struct ram_port *skipped; /* boot alone */
    uint32_t ops;             /* programs and erases of the clean run */
};

#define COUNT_ARMED 0x40000000u /* far more than any run takes */

static void fail(const char *op, uint32_t k, const char *behaviour, const char *why,
                 const struct ram_port *tree)
{
    failures++;
    if (failures <= 20)
        fprintf(stderr, "FAIL %s %s cut at %u (%s): %s\n  replay: littlefs_powercut %s %s %u %s\n",
                op, dev_layout_name(dev.layout), (unsigned)k, behaviour, why, op,
                layout_arg, (unsigned)k, behaviour);
    if ((failures <= 2 || verbose) && tree)
        ram_port_dump(tree, stderr);
}

static void must(int err, const char *what)
{
    if (err) {
        fprintf(stderr, "%s: littlefs error %d\n", what, err);
        exit(1);
    }
}

static void make_refs(size_t o, struct refs *r)
{
    const char *why;

    r->before = ram_port_new();
    r->applied = ram_port_new();
    r->skipped = ram_port_new();
    ops[o].setup(r->before);
    must(dev_load(&dev, r->before), "load");
    dev_unmount(&dev);
    must(dev_save(&dev, &r->image), "save");

    /* the procedure uninterrupted, counting programs and erases, then boot */
    must(dev_restore(&dev, &r->image), "restore");
    must(dev_mount(&dev), "mount");
    dev_arm_cut(&dev, COUNT_ARMED, LFS_EMUBD_POWERLOSS_NOOP);
    run_op(ops[o].op);
    r->ops = COUNT_ARMED - dev_armed_left(&dev);
    if ((why = contract()) != NULL)
        fail(ops[o].name, 0, "-", why, NULL);
    must(dev_reboot(&dev), "reboot");
    run_op(OP_BOOT);
    must(dev_dump(&dev, r->applied), "dump");

    must(dev_restore(&dev, &r->image), "restore");
    must(dev_mount(&dev), "mount");
    run_op(OP_BOOT);
    must(dev_dump(&dev, r->skipped), "dump");
}

static void free_refs(struct refs *r)
{
    dev_image_free(&r->image);
    ram_port_free(r->before);
    ram_port_free(r->applied);
    ram_port_free(r->skipped);
}

/* A cut names itself by k, or k1/k2 for a second cut during the
 * recovery boot. */
struct cut {
    size_t o;          /* the procedure */
    size_t b;          /* the behaviour */
    uint32_t k1, k2;   /* k2 = 0: a single cut */
    bool committed;    /* the FOTA journal was there after the first cut */
};

static void cut_fail(const struct cut *c, const char *why, const struct ram_port *tree)
{
    char where[40];
    const char *bname = behaviours[c->b].name;

    failures++;
    if (c->k2)
        snprintf(where, sizeof where, "%u %u", (unsigned)c->k1, (unsigned)c->k2);
    else
        snprintf(where, sizeof where, "%u", (unsigned)c->k1);
    if (failures <= 20)
        fprintf(stderr, "FAIL %s %s cut at %s (%s): %s\n  replay: littlefs_powercut %s %s %s %s\n",
                ops[c->o].name, dev_layout_name(dev.layout), where, bname, why, ops[c->o].name,
                layout_arg, where, bname);
    if ((failures <= 2 || verbose) && tree)
        ram_port_dump(tree, stderr);
}

/* Runs op (the procedure, or the recovery boot) with the power cut at the
 * k-th program or erase, reboots and checks what the cut left.  Returns
 * false when a check failed (reported). */
static bool cut_and_check(const struct cut *c, struct refs *r, enum op_kind op, uint32_t k,
                          struct ram_port *now)
{
    struct check chk;
    const char *why;
    int err;

    dev_arm_cut(&dev, k, behaviours[c->b].behaviour);
    run_op(op);
    if (!dev.cut) {
        cut_fail(c, "the power was never cut: the run took fewer operations", NULL);
        return false;
    }
    if ((why = contract()) != NULL)
        cut_fail(c, why, NULL);
    err = dev_reboot(&dev);
    if (err) {
        char msg[64];

        snprintf(msg, sizeof msg, "littlefs does not mount after the cut (%d)", err);
        cut_fail(c, msg, NULL);
        return false;
    }
    if (dev_dump(&dev, now) != 0) {
        cut_fail(c, "cannot read the tree back (or something outside /usr and /bak)", now);
        return false;
    }
    if (dev.pending_move) {
        pending_moves++;
        if (!ram_port_equal(dev.view_before_fix, now))
            views_missing++;
        ram_port_walk(now, note_missed, dev.view_before_fix);
        if (verbose) {
            printf("littlefs's view before lfs_fs_mkconsistent:\n");
            ram_port_dump(dev.view_before_fix, stdout);
        }
    }
    if (verbose) {
        printf("after the cut at %u (%s), remounted:\n", (unsigned)k, behaviours[c->b].name);
        ram_port_dump(now, stdout);
    }
    chk.before = r->before;
    chk.after = r->applied;
    chk.alt = ops[c->o].op == OP_BOOT ? NULL : r->skipped;
    chk.now = now;
    if (!invariants_hold(&chk)) {
        cut_fail(c, chk.why, now);
        return false;
    }
    return true;
}

/* The next boot, uninterrupted: it must reach the reference state. */
static void recover(const struct cut *c, struct refs *r, uint64_t bak, struct ram_port *now)
{
    enum op_kind op = ops[c->o].op;
    struct check chk;
    const char *why;

    run_op(OP_BOOT);
    if ((why = contract()) != NULL)
        cut_fail(c, why, NULL);
    if (dev_bak_writes(&dev) != bak)
        cut_fail(c, "a block of the /bak partition was programmed or erased", NULL);
    if (dev_dump(&dev, now) != 0) {
        cut_fail(c, "cannot read the tree back after the recovery boot", now);
        return;
    }
    chk.why[0] = '\0';
    ram_port_walk(now, find_temp, &chk);
    if (chk.why[0])
        cut_fail(c, chk.why, now);
    else if (ram_port_type(now, JOURNAL) != 0)
        cut_fail(c, "the FOTA journal is still there after the recovery boot", now);
    else if (!same_end_state(now, r->applied) &&
             !((op == OP_CALC || (op == OP_FOTA && !c->committed)) &&
               same_end_state(now, r->skipped)))
        cut_fail(c, "the recovery boot ends elsewhere than an uninterrupted run", now);
    else if (verbose)
        ram_port_dump(now, stdout);
}

/* One cut at the k1-th program or erase of the procedure, then the next
 * boot: uninterrupted (k2 = 0), or cut at its k2-th operation (k2 =
 * COUNT_ARMED: at each of them in turn) and then one more boot.  Returns
 * the runs made. */
static unsigned long cut_once(size_t o, struct refs *r, uint32_t k1, uint32_t k2, size_t b,
                              struct ram_port *now)
{
    struct cut c;
    struct dev_image after;
    unsigned long runs = 0;
    uint32_t n2, k;
    uint64_t bak;

    c.o = o;
    c.b = b;
    c.k1 = k1;
    c.k2 = 0;
    must(dev_restore(&dev, &r->image), "restore");
    must(dev_mount(&dev), "mount");
    bak = dev_bak_writes(&dev);
    if (!cut_and_check(&c, r, ops[o].op, k1, now))
        return 1;
    c.committed = ram_port_type(now, JOURNAL) == QPYBAK_TYPE_FILE;
    if (k2 == 0) {
        recover(&c, r, bak, now);
        return 1;
    }
    /* a second cut, during the recovery boot */
    dev_unmount(&dev);
    must(dev_save(&dev, &after), "save");
    n2 = k2;
    if (k2 == COUNT_ARMED) {
        must(dev_restore(&dev, &after), "restore");
        must(dev_mount(&dev), "mount");
        dev_arm_cut(&dev, COUNT_ARMED, LFS_EMUBD_POWERLOSS_NOOP);
        run_op(OP_BOOT);
        n2 = COUNT_ARMED - dev_armed_left(&dev);
    }
    for (k = k2 == COUNT_ARMED ? 1 : k2; k <= n2; k++, runs++) {
        c.k2 = k;
        must(dev_restore(&dev, &after), "restore");
        must(dev_mount(&dev), "mount");
        if (cut_and_check(&c, r, OP_BOOT, k, now))
            recover(&c, r, bak, now);
    }
    dev_image_free(&after);
    return runs;
}

static const struct {
    const char *arg;
    enum dev_layout layout;
    enum dev_geometry_id geometry;
} layouts[] = {
    {"two", DEV_TWO, DEV_SMALL},
    {"one", DEV_ONE, DEV_SMALL},
    {"two-4k", DEV_TWO, DEV_4K},
    {"one-4k", DEV_ONE, DEV_4K},
};

static size_t behaviour_named(const char *name)
{
    size_t b;

    for (b = 0; b < N_BEHAVIOURS && strcmp(behaviours[b].name, name) != 0; b++)
        ;
    return b;
}

int main(int argc, char **argv)
{
    struct ram_port *now;
    struct refs r;
    enum dev_layout layout;
    unsigned long runs = 0, stride = 0;
    size_t o, b, g;
    uint32_t k;

    if (argc < 3 || argc > 6)
        goto usage;
    for (o = 0; o < sizeof ops / sizeof ops[0] && strcmp(ops[o].name, argv[1]) != 0; o++)
        ;
    for (g = 0; g < sizeof layouts / sizeof layouts[0] && strcmp(layouts[g].arg, argv[2]); g++)
        ;
    if (o == sizeof ops / sizeof ops[0] || g == sizeof layouts / sizeof layouts[0])
        goto usage;
    layout_arg = argv[2];
    if (argc == 5 && strcmp(argv[3], "--double") == 0) {
        stride = strtoul(argv[4], NULL, 10);
        if (stride == 0)
            goto usage;
    } else if (argc > 3 && behaviour_named(argv[argc - 1]) == N_BEHAVIOURS) {
        goto usage;
    }
    layout = layouts[g].layout;
    keep_last_good = ops[o].keep_last_good;
    must(dev_create(&dev, layout, &dev_geometries[layouts[g].geometry]), "create");
    now = ram_port_new();
    dev.view_before_fix = ram_port_new();
    make_refs(o, &r);
    if (argc > 3 && stride == 0) { /* replay one cut, or two */
        verbose = true;
        b = behaviour_named(argv[argc - 1]);
        cut_once(o, &r, (uint32_t)strtoul(argv[3], NULL, 10),
                 argc == 6 ? (uint32_t)strtoul(argv[4], NULL, 10) : 0, b, now);
        printf("%d failures\n", failures);
        return failures ? 1 : 0;
    }
    if (r.ops == 0)
        fail(ops[o].name, 0, "-", "the clean run made no program or erase", NULL);
    if (stride) {
        for (k = 1; k <= r.ops; k += (uint32_t)stride)
            for (b = 0; b < N_BEHAVIOURS; b++)
                runs += cut_once(o, &r, k, COUNT_ARMED, b, now);
        printf("littlefs %d.%d, %s, %s, %s: first cut at programs/erases 1..%u every %lu, a "
               "second at every program/erase of the recovery boot, x %zu behaviours: %lu runs, "
               "%d failures\n",
               LFS_VERSION_MAJOR, LFS_VERSION_MINOR, dev_layout_name(layout), dev.geometry->name,
               ops[o].name, (unsigned)r.ops, stride, N_BEHAVIOURS, runs, failures);
    } else {
        for (k = 1; k <= r.ops; k++)
            for (b = 0; b < N_BEHAVIOURS; b++)
                runs += cut_once(o, &r, k, 0, b, now);
        printf("littlefs %d.%d, %s, %s, %s: cuts at programs/erases 1..%u x %zu behaviours "
               "(noop, ooo): %lu runs, %d failures\n",
               LFS_VERSION_MAJOR, LFS_VERSION_MINOR, dev_layout_name(layout), dev.geometry->name,
               ops[o].name, (unsigned)r.ops, N_BEHAVIOURS, runs, failures);
    }
    printf("  %lu cuts left a rename half done for littlefs to finish; in %lu of them littlefs "
           "showed a file missing until lfs_fs_mkconsistent\n",
           pending_moves, views_missing);
    for (b = 0; b < N_MISSED && missed[b].count; b++)
        printf("    missing before the fix: %s (%lu times)\n", missed[b].path, missed[b].count);
    free_refs(&r);
    ram_port_free(now);
    ram_port_free(dev.view_before_fix);
    dev_destroy(&dev);
    return failures ? 1 : 0;
usage:
    fprintf(stderr, "usage: littlefs_powercut boot|calc|fota|fota-good two|one|two-4k|one-4k "
                    "[--double STRIDE | K [K2] noop|ooo]\n");
    return 2;
}
