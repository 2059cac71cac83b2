/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Power cuts at every instant, and I/O errors at every call (the promises
 * of docs/design.md, "Crash safety").  The model (docs/crash-testing.md):
 *
 * - The fault layer sits on the RAM port's hook and counts the mutating
 *   operations: write, sync, rename, remove, mkdir.  "Cut at N" fails
 *   operation N and every operation after it, of any kind: from then on
 *   nothing reaches storage.  Opening a file for writing is not counted on
 *   its own; a cut there equals a cut at that file's first write with the
 *   "drop" variant (an empty new file).
 * - Data written to a file since its last sync is then dropped, kept, or
 *   kept in part (a torn tail): each variant is swept.  rename and remove
 *   are atomic, as on littlefs.
 * - After each cut: the invariants of docs/design.md, "Crash safety", are
 *   checked on the surviving storage (no torn manifest, no torn tracked file, /bak
 *   untouched), then boot runs uninterrupted and must reach exactly the
 *   state an uninterrupted run reaches, with no temporary file left.
 *
 * I/O errors: the N-th port call of any kind fails once (transient) or from
 * then on (persistent) with EIO or ENOSPC, or a read returns one byte (a
 * short read), for every N.  The faulty run must install and record only
 * verified content and report what failed; a clean boot afterwards must
 * reach the reference state.
 *
 * Stale temporaries: scenes that start with leftovers at every temporary
 * name qpybak uses - files, hard links to /bak and to tracked files, empty
 * directories - are swept the same way; an uninterrupted run from such a
 * scene must reach the state the scene without them reaches.
 *
 * The lock and the port contract, after every run (cut, faulty or clean):
 * the lock was taken before the first port call and released after the
 * last (exclusive for boot, calc and FOTA apply), no handle is left open,
 * nothing under /bak was touched, no breach counted by the RAM port.  A
 * run started while another holds the lock returns QPYBAK_ERR_BUSY having
 * made no port call but lock.
 *
 * FAT (--fat): every sweep again on the RAM port's FAT mode, where rename
 * cannot replace (the core removes the target, then renames: a cut between
 * the two leaves the target missing and its temporary complete), names
 * are case-insensitive and there are no hard links (the stale temporaries
 * that are links elsewhere are copies here).  The same invariants and the
 * same convergence: the recovery boot must reach the state an
 * uninterrupted run reaches on FAT.  An open file that is removed or
 * renamed is a contract breach there (FatFs refuses it or damages the
 * volume).
 *
 * Usage: crash_test [OPTIONS]          every sweep, with counts
 *        crash_test [OPTIONS] SCENARIO N V
 *                                      replays one cut (V: drop|keep|torn)
 *                                      or one fault (V: eio-once|eio-always|
 *                                      enospc-once|enospc-always|short-read)
 * Options: --quick     the single-cut, fault and lock sweeps (no double cuts)
 *          --no-lock   a port without lock operations (lock checks skipped)
 *          --fat       the RAM port in FAT mode
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qpybak_tools.h"
#include "ram_port.h"

/* --------------------------------------------------------- fault layer */

enum variant { V_DROP, V_KEEP, V_TORN, V_COUNT };
static const char *const variant_names[V_COUNT] = {"drop", "keep", "torn"};

enum fault_mode { F_NONE, F_CUT, F_ERR_ONCE, F_ERR_ALWAYS, F_SHORT_READ };

#define MAX_DIRTY 32

struct dirty {
    char path[RAM_PORT_PATH_MAX];
    size_t synced; /* bytes durable at the last sync */
};

struct fault {
    struct ram_port *ram;
    enum fault_mode mode;
    unsigned long target; /* N: the operation that fails */
    unsigned long count;  /* operations counted so far */
    int error;            /* the error injected */
    bool fired;
    enum ram_op fired_op; /* the call that failed first */
    struct dirty dirty[MAX_DIRTY];
    int n_dirty;
};

static bool mutating(enum ram_op op)
{
    return op == RAM_OP_WRITE || op == RAM_OP_SYNC || op == RAM_OP_RENAME ||
           op == RAM_OP_REMOVE || op == RAM_OP_MKDIR;
}

static int dirty_find(struct fault *f, const char *path)
{
    int i;

    for (i = 0; i < f->n_dirty; i++)
        if (strcmp(f->dirty[i].path, path) == 0)
            return i;
    return -1;
}

static void dirty_drop(struct fault *f, int i)
{
    if (i >= 0)
        f->dirty[i] = f->dirty[--f->n_dirty];
}

/* Tracks what is not durable yet; runs before the operation takes effect. */
static void track(struct fault *f, enum ram_op op, const char *path, const char *path2)
{
    size_t len = 0;
    int i;

    switch (op) {
    case RAM_OP_WRITE:
        if (dirty_find(f, path) < 0 && f->n_dirty < MAX_DIRTY) {
            ram_port_get(f->ram, path, &len);
            snprintf(f->dirty[f->n_dirty].path, RAM_PORT_PATH_MAX, "%s", path);
            f->dirty[f->n_dirty].synced = len;
            f->n_dirty++;
        }
        break;
    case RAM_OP_SYNC:
        dirty_drop(f, dirty_find(f, path));
        break;
    case RAM_OP_REMOVE:
        dirty_drop(f, dirty_find(f, path));
        break;
    case RAM_OP_RENAME:
        dirty_drop(f, dirty_find(f, path2));
        i = dirty_find(f, path);
        if (i >= 0)
            snprintf(f->dirty[i].path, RAM_PORT_PATH_MAX, "%s", path2);
        break;
    default:
        break;
    }
}

static int fault_hook(void *ctx, enum ram_op op, const char *path, const char *path2)
{
    struct fault *f = (struct fault *)ctx;

    switch (f->mode) {
    case F_CUT:
        if (f->fired)
            return op == RAM_OP_CLOSE ? 0 : QPYBAK_ERR_IO;
        if (mutating(op) && ++f->count == f->target) {
            f->fired = true;
            return QPYBAK_ERR_IO;
        }
        track(f, op, path, path2);
        return 0;
    case F_ERR_ONCE:
    case F_ERR_ALWAYS:
    case F_SHORT_READ:
        if (op == RAM_OP_CLOSE)
            return 0;
        f->count++;
        if (f->mode == F_SHORT_READ) {
            f->ram->read_cap = (op == RAM_OP_READ && f->count == f->target) ? 1 : 0;
            return 0;
        }
        if (f->count == f->target || (f->mode == F_ERR_ALWAYS && f->count > f->target)) {
            if (!f->fired)
                f->fired_op = op;
            f->fired = true;
            return f->error;
        }
        return 0;
    default:
        if (mutating(op))
            f->count++;
        return 0;
    }
}

/* What a power cut leaves of data written since the last sync. */
static void apply_cut(struct fault *f, enum variant v)
{
    int i;

    for (i = 0; i < f->n_dirty; i++) {
        size_t len = 0, keep;
        const uint8_t *data = ram_port_get(f->ram, f->dirty[i].path, &len);
        uint8_t *copy;

        if (ram_port_type(f->ram, f->dirty[i].path) != QPYBAK_TYPE_FILE || len <= f->dirty[i].synced)
            continue;
        keep = v == V_KEEP ? len : v == V_DROP ? f->dirty[i].synced
                                               : f->dirty[i].synced + (len - f->dirty[i].synced) / 2;
        copy = malloc(keep + 1);
        memcpy(copy, data, keep);
        ram_port_put(f->ram, f->dirty[i].path, copy, keep);
        free(copy);
    }
    f->n_dirty = 0;
}

static void fault_arm(struct fault *f, struct ram_port *ram, enum fault_mode mode,
                      unsigned long target, int error)
{
    memset(f, 0, sizeof *f);
    f->ram = ram;
    f->mode = mode;
    f->target = target;
    f->error = error;
    ram->hook = fault_hook;
    ram->hook_ctx = f;
    ram->read_cap = 0;
}

static void fault_disarm(struct ram_port *ram)
{
    ram->hook = NULL;
    ram->hook_ctx = NULL;
    ram->read_cap = 0;
}

/* ------------------------------------------------------------ the device */

static unsigned char work[16384];
static bool keep_last_good; /* the scenario's FOTA option, set per sweep */
static bool fat_mode;       /* --fat: every port in FAT mode */

static struct qpybak_config config(struct ram_port *ram)
{
    struct qpybak_config cfg;

    memset(&cfg, 0, sizeof cfg);
    cfg.port = &ram->port;
    cfg.buffer = work;
    cfg.buffer_size = sizeof work;
    cfg.keep_last_good = keep_last_good;
    return cfg;
}

struct app_file {
    const char *name;
    const char *text;
};

static const struct app_file factory_files[] = {
    {"/usr/main.py", "import lib.net\nlib.net.start()\n"},
    {"/usr/apn_cfg.json", "{\"apn\": \"cmnet\", \"user\": \"\", \"password\": \"\"}\n"},
    {"/usr/system_config.json", "{\"replFlag\": 0, \"watchdog\": 1}\n"},
    {"/usr/lib/net.py", "def start():\n    return 'up'\n"},
    {"/usr/lib/util.py", "def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n"},
};
#define N_FACTORY (sizeof factory_files / sizeof factory_files[0])

static uint32_t crc_of(const char *text)
{
    return qpybak_crc32(QPYBAK_CRC_SEED, text, strlen(text));
}

struct strbuf {
    char data[8192];
    size_t len;
};

static int strbuf_write(void *ctx, const void *buf, size_t len)
{
    struct strbuf *s = (struct strbuf *)ctx;

    if (s->len + len >= sizeof s->data)
        return QPYBAK_ERR_NOSPC;
    memcpy(s->data + s->len, buf, len);
    s->len += len;
    s->data[s->len] = '\0';
    return 0;
}

/* The factory image: backup partition and the user partition as pack
 * writes it, primary and shadow included. */
static void factory(struct ram_port *ram)
{
    struct qpybak_writer w;
    struct strbuf m;
    char path[RAM_PORT_PATH_MAX];
    size_t i;

    ram_port_destroy(ram);
    ram_port_init(ram);
    ram->fat = fat_mode;
    ram->max_open = 5;
    m.len = 0;
    qpybak_writer_begin(&w, strbuf_write, &m);
    for (i = 0; i < N_FACTORY; i++) {
        const struct app_file *f = &factory_files[i];

        qpybak_writer_entry(&w, f->name, strlen(f->name), crc_of(f->text), true,
                            (uint32_t)strlen(f->text));
        snprintf(path, sizeof path, "/bak%s", f->name);
        ram_port_put_str(ram, path, f->text);
        ram_port_put_str(ram, f->name, f->text);
    }
    qpybak_writer_end(&w);
    ram_port_put_str(ram, "/bak/checksum.json", m.data);
    ram_port_put_str(ram, "/bak/backup_restore.json", "{\"enable\": 1}\n");
    ram_port_put_str(ram, "/usr/checksum.json", m.data);
    ram_port_put_str(ram, "/usr/.qpybak/checksum.json", m.data);
}

/* ------------------------------------------------------------- scenarios */

enum op_kind { OP_BOOT, OP_CALC, OP_FOTA, OP_STATUS };

static const char *const op_names[] = {"boot", "calc", "fota apply", "status"};

struct scenario {
    const char *name;
    enum op_kind op;
    void (*setup)(struct ram_port *ram);
    bool keep_last_good;
    /* the same scene without stale temporaries (NULL: none), whose
     * uninterrupted outcome this one must reach */
    void (*base)(struct ram_port *ram);
};

/* (a) several files restored, one subdirectory deleted, user manifest gone */
static void setup_restore(struct ram_port *ram)
{
    factory(ram);
    ram_port_delete(ram, "/usr/checksum.json");
    ram_port_delete(ram, "/usr/lib");
    ram_port_put_str(ram, "/usr/main.py", "import os\nos.remove('/usr')\n");
    ram_port_delete(ram, "/usr/apn_cfg.json");
}

/* (a') the same with both user manifests gone: the factory one installed */
static void setup_restore_both_gone(struct ram_port *ram)
{
    setup_restore(ram);
    ram_port_delete(ram, "/usr/.qpybak/checksum.json");
}

/* (b) the primary torn, the shadow valid and holding a calc'd edit */
static void setup_torn_primary(struct ram_port *ram)
{
    struct qpybak_config cfg;
    uint32_t crc;
    size_t len = 0;
    const uint8_t *data;
    char *copy;

    factory(ram);
    ram_port_put_str(ram, "/usr/system_config.json", "{\"replFlag\": 1, \"watchdog\": 1}\n");
    cfg = config(ram);
    qpybak_calc(&cfg, "/usr/system_config.json", &crc);
    data = ram_port_get(ram, "/usr/checksum.json", &len);
    copy = malloc(len);
    memcpy(copy, data, len);
    ram_port_put(ram, "/usr/checksum.json", copy, len / 2); /* torn in the middle */
    free(copy);
    ram_port_delete(ram, "/usr/lib/util.py");
}

/* (c) calc after a legitimate edit */
static void setup_calc(struct ram_port *ram)
{
    factory(ram);
    ram_port_put_str(ram, "/usr/apn_cfg.json", "{\"apn\": \"iot.example\", \"user\": \"\"}\n");
}

/* (d) FOTA apply of three files: two tracked (one in lib/), one new and
 * untracked in a new folder */
static void setup_fota(struct ram_port *ram)
{
    factory(ram);
    ram_port_put_str(ram, "/usr/.updater/main.py", "import lib.net\nlib.net.start(2)\n");
    ram_port_put_str(ram, "/usr/.updater/lib/net.py", "def start(v=1):\n    return 'up', v\n");
    ram_port_put_str(ram, "/usr/.updater/plugins/extra.py", "X = 1\n");
}

/*
 * Stale temporaries: what cut runs (or a hostile application, issue 8) can
 * leave at every temporary name qpybak uses.  Each must be cleared away
 * before its name is written, and nothing may be written through it: some
 * are hard links to /bak files or to a tracked file (a write through one
 * would change /bak or the tracked file, which the invariants catch).
 */
/* A hard link, or on FAT (which has none) a copy of the same content. */
static void link_or_copy(struct ram_port *ram, const char *existing, const char *new_path)
{
    size_t len = 0;
    const uint8_t *data;

    if (!ram->fat) {
        ram_port_link(ram, existing, new_path);
        return;
    }
    data = ram_port_get(ram, existing, &len);
    if (data)
        ram_port_put(ram, new_path, data, len);
}

static void stale_temps(struct ram_port *ram, bool dirs)
{
    /* NAME.qpybak-tmp of qpybak's own files */
    if (dirs)
        ram_port_mkdirs(ram, "/usr/checksum.json.qpybak-tmp");
    else
        link_or_copy(ram, "/bak/checksum.json", "/usr/checksum.json.qpybak-tmp");
    ram_port_put_str(ram, "/usr/.qpybak/checksum.json.qpybak-tmp", "[{\"name\": \"/usr/ma");
    link_or_copy(ram, "/bak/backup_restore.json", "/usr/.qpybak/boot.json.qpybak-tmp");
    ram_port_put_str(ram, "/usr/.qpybak/fota.json.qpybak-tmp",
                     "[{\"name\": \"/usr/main.py\", \"crc32\": \"0x1");
    /* DIR/.qpybak-tmp of installs and copies: in /usr/.qpybak (the shadow
     * copy), in /usr, in a folder of tracked files */
    if (dirs) {
        ram_port_mkdirs(ram, "/usr/.qpybak/.qpybak-tmp");
        ram_port_mkdirs(ram, "/usr/.qpybak-tmp");
        ram_port_mkdirs(ram, "/usr/lib/.qpybak-tmp");
    } else {
        link_or_copy(ram, "/bak/usr/main.py", "/usr/.qpybak/.qpybak-tmp");
        ram_port_put_str(ram, "/usr/.qpybak-tmp", "half a cop");
        link_or_copy(ram, "/usr/lib/util.py", "/usr/lib/.qpybak-tmp");
    }
}

/* (f) boot: primary gone (shadow valid), main.py edited, apn_cfg.json and
 * lib/net.py deleted (lib/ kept: its temporary name is in the way) */
static void setup_restore_lib_kept(struct ram_port *ram)
{
    factory(ram);
    ram_port_delete(ram, "/usr/checksum.json");
    ram_port_delete(ram, "/usr/lib/net.py");
    ram_port_put_str(ram, "/usr/main.py", "import os\nos.remove('/usr')\n");
    ram_port_delete(ram, "/usr/apn_cfg.json");
}

static void setup_stale_temps(struct ram_port *ram)
{
    setup_restore_lib_kept(ram);
    stale_temps(ram, false);
}

/* (g) the same with both user manifests gone (the shadow is written from
 * the factory manifest too) and empty directories at the temporary names */
static void setup_restore_lib_kept_both_gone(struct ram_port *ram)
{
    setup_restore_lib_kept(ram);
    ram_port_delete(ram, "/usr/.qpybak/checksum.json");
}

static void setup_stale_temp_dirs(struct ram_port *ram)
{
    setup_restore_lib_kept_both_gone(ram);
    stale_temps(ram, true);
}

/* (h) calc and FOTA apply over the stale temporaries (each runs the
 * clean-up itself, right after taking the lock) */
static void setup_stale_temps_calc(struct ram_port *ram)
{
    setup_calc(ram);
    stale_temps(ram, false);
}

static void setup_stale_temps_fota(struct ram_port *ram)
{
    setup_fota(ram);
    stale_temps(ram, false);
    /* FOTA apply writes /usr/plugins/extra.py: a folder it creates */
}

static void setup_stale_temps_fota_good(struct ram_port *ram)
{
    setup_stale_temps_fota(ram);
    /* the last-known-good folder of an earlier apply */
    link_or_copy(ram, "/bak/usr/main.py", "/usr/.qpybak/good/.qpybak-tmp");
    ram_port_mkdirs(ram, "/usr/.qpybak/good/lib/.qpybak-tmp");
}

static void setup_fota_good_dirs(struct ram_port *ram)
{
    setup_fota(ram);
    ram_port_mkdirs(ram, "/usr/.qpybak/good/lib");
}

static const struct scenario scenarios[] = {
    {"restore", OP_BOOT, setup_restore, false, NULL},
    {"restore-both-manifests-gone", OP_BOOT, setup_restore_both_gone, false, NULL},
    {"torn-primary", OP_BOOT, setup_torn_primary, false, NULL},
    {"calc", OP_CALC, setup_calc, false, NULL},
    {"fota", OP_FOTA, setup_fota, false, NULL},
    {"fota-last-good", OP_FOTA, setup_fota, true, NULL},
    {"stale-temps", OP_BOOT, setup_stale_temps, false, setup_restore_lib_kept},
    {"stale-temp-dirs", OP_BOOT, setup_stale_temp_dirs, false, setup_restore_lib_kept_both_gone},
    {"stale-temps-calc", OP_CALC, setup_stale_temps_calc, false, setup_calc},
    {"stale-temps-fota", OP_FOTA, setup_stale_temps_fota, false, setup_fota},
    {"stale-temps-fota-last-good", OP_FOTA, setup_stale_temps_fota_good, true, setup_fota_good_dirs},
};
#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

/* --no-lock: a port without lock operations (the integrator guarantees
 * one run at a time); the lock checks are skipped. */
static bool no_lock;

/* Every run starts on a port as a device has it after a reset: knobs of
 * the contract, /bak read-only (the helpers still write it), no lock held
 * by anyone, counters at zero. */
static void prep(struct ram_port *ram)
{
    ram_port_power_cut(ram);
    if (no_lock) {
        ram->port.lock = NULL;
        ram->port.unlock = NULL;
    }
    ram->fat = fat_mode;
    ram->max_open = 5;
    ram->bak_readonly = true;
    ram->other_lock = 0;
    ram_port_reset_stats(ram);
}

static int run_op(struct ram_port *ram, enum op_kind op, struct qpybak_result *res)
{
    struct qpybak_config cfg = config(ram);
    struct qpybak_fota_result fres;
    uint32_t crc;

    memset(res, 0, sizeof *res);
    switch (op) {
    case OP_BOOT:
        return qpybak_boot(&cfg, res);
    case OP_CALC:
        return qpybak_calc(&cfg, "/usr/apn_cfg.json", &crc);
    case OP_FOTA:
        return qpybak_fota_apply(&cfg, NULL, &fres);
    case OP_STATUS:
        return qpybak_status(&cfg, res);
    }
    return -1;
}

static int boot_clean(struct ram_port *ram, struct qpybak_result *res)
{
    struct qpybak_config cfg = config(ram);

    fault_disarm(ram);
    prep(ram);
    memset(res, 0, sizeof *res);
    return qpybak_boot(&cfg, res);
}

/* ----------------------------------------------------- lock and contract */

static unsigned long calls_but_lock(const struct ram_stats *s)
{
    unsigned long sum = 0;
    int op;

    for (op = 0; op < RAM_OP_COUNT; op++)
        if (op != RAM_OP_LOCK)
            sum += s->ops[op];
    return sum;
}

/* After a run of op (finished, or cut and gone on to its end against a
 * dead port): the lock was taken before the first call and released after
 * the last, and the port counted no breach of its contract. */
static bool contract_ok(const struct ram_port *ram, enum op_kind op, char *why, size_t size)
{
    const struct ram_stats *s = &ram->stats;
    bool exclusive = op != OP_STATUS;

    why[0] = '\0';
    if (ram_port_open_handles(ram) != 0)
        snprintf(why, size, "%zu handles left open", ram_port_open_handles(ram));
    else if (ram_port_locks_held(ram) != 0)
        snprintf(why, size, "lock still held after %s returned", op_names[op]);
    else if (s->bad_unlocks != 0)
        snprintf(why, size, "unlock without the lock held (%lu times)", s->bad_unlocks);
    else if (ram->port.lock && s->ops[RAM_OP_LOCK] == 0 && calls_but_lock(s) != 0)
        snprintf(why, size, "%s never took the lock (%lu port calls)", op_names[op],
                 calls_but_lock(s));
    else if (ram->port.lock && s->unlocked_ops != 0)
        snprintf(why, size, "%lu port calls made without the lock held", s->unlocked_ops);
    else if (s->unlocks != s->locks_shared + s->locks_exclusive)
        snprintf(why, size, "lock taken %lu times, released %lu times",
                 s->locks_shared + s->locks_exclusive, s->unlocks);
    else if (exclusive ? s->locks_shared != 0 : s->locks_exclusive != 0)
        snprintf(why, size, "%s took the %s lock", op_names[op],
                 exclusive ? "shared" : "exclusive");
    else if (s->shared_mutations != 0)
        snprintf(why, size, "%lu changes made under the shared lock", s->shared_mutations);
    else if (s->ro_violations != 0)
        snprintf(why, size, "%lu changes attempted under /bak", s->ro_violations);
    else if (s->bad_paths + s->outside_roots != 0)
        snprintf(why, size, "%lu invalid paths given to the port", s->bad_paths + s->outside_roots);
    else if (s->too_many_open != 0)
        snprintf(why, size, "more files open at once than the contract allows");
    else if (s->bad_handles != 0)
        snprintf(why, size, "%lu calls on handles that are not open", s->bad_handles);
    else if (s->open_changes != 0)
        snprintf(why, size, "%lu removes or renames of an open file (FAT refuses them)",
                 s->open_changes);
    return why[0] == '\0';
}

/* ------------------------------------------------------------ invariants */

struct check {
    const struct ram_port *before; /* the storage before the run */
    const struct ram_port *after;  /* the reference end state */
    const struct ram_port *alt;    /* another acceptable one, or NULL */
    const struct ram_port *now;
    char why[512];
};

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

static bool same_file(const struct ram_port *a, const struct ram_port *b, const char *path);

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

/* A memory source for the manifest reader. */
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

/* Visits every entry of a manifest file; returns the reader's final code
 * (0: a whole, valid manifest), or 1 when the file is absent. */
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

/* Every entry that changed since `before` must describe its file now:
 * nothing unverified is ever recorded. */
struct recorded {
    const struct ram_port *before, *now;
    char *why;
    size_t why_size;
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

static void check_recorded(void *ctx, const struct qpybak_entry *e)
{
    struct recorded *r = (struct recorded *)ctx;
    static const char *const sources[] = {"/usr/checksum.json", "/usr/.qpybak/checksum.json",
                                          "/bak/checksum.json"};
    struct find f = {e->name, false, 0};
    size_t len = 0, i;
    const uint8_t *data;

    if (e->invalid != QPYBAK_REASON_NONE || r->why[0])
        return;
    /* A value copied from a manifest that was there before is not new. */
    for (i = 0; i < 3; i++) {
        f.found = false;
        each_entry(r->before, sources[i], find_name, &f);
        if (f.found && f.crc == e->crc)
            return;
    }
    /* FAT: missing inside the remove-then-rename window (see
     * invariants_hold); the recovery check holds the next boot to it */
    if (fat_mode && ram_port_type(r->now, e->name) == 0)
        return;
    data = ram_port_get(r->now, e->name, &len);
    if (ram_port_type(r->now, e->name) != QPYBAK_TYPE_FILE ||
        qpybak_crc32(QPYBAK_CRC_SEED, data, len) != e->crc)
        snprintf(r->why, r->why_size, "manifest records %s as 0x%08x, which the file does not hold",
                 e->name, (unsigned)e->crc);
}

static const char *const tracked[] = {
    "/usr/main.py", "/usr/apn_cfg.json", "/usr/system_config.json", "/usr/lib/net.py",
    "/usr/lib/util.py", "/usr/plugins/extra.py",
};
#define N_TRACKED (sizeof tracked / sizeof tracked[0])

/* The invariants of docs/design.md, "Crash safety", on storage as a cut
 * or a fault left it. */
static bool invariants_hold(struct check *k)
{
    static const char *const manifests[] = {"/usr/checksum.json", "/usr/.qpybak/checksum.json"};
    struct recorded rec;
    size_t i;

    k->why[0] = '\0';
    if (ram_port_count_files(k->now, "/bak/") != ram_port_count_files(k->before, "/bak/"))
        snprintf(k->why, sizeof k->why, "files added to or removed from /bak");
    if (!k->why[0])
        ram_port_walk(k->before, bak_unchanged, k); /* every /bak file, byte for byte */
    for (i = 0; i < 2 && !k->why[0]; i++) {
        if (same_file(k->before, k->now, manifests[i]))
            continue;
        if (each_entry(k->now, manifests[i], NULL, NULL) != 0 &&
            ram_port_type(k->now, manifests[i]) == QPYBAK_TYPE_FILE)
            snprintf(k->why, sizeof k->why, "%s torn (neither old nor a valid manifest)",
                     manifests[i]);
    }
    for (i = 0; i < N_TRACKED && !k->why[0]; i++) {
        /* FAT: a cut between the remove and the rename of an install
         * leaves the file missing, never torn; boot restores it (or the
         * journal's roll-forward re-installs it), which the recovery
         * check holds it to */
        if (fat_mode && ram_port_type(k->now, tracked[i]) == 0)
            continue;
        if (!same_file(k->before, k->now, tracked[i]) && !same_file(k->after, k->now, tracked[i]) &&
            !(k->alt && same_file(k->alt, k->now, tracked[i])))
            snprintf(k->why, sizeof k->why, "%s torn (neither old nor new content)", tracked[i]);
    }
    if (!k->why[0]) {
        rec.before = k->before;
        rec.now = k->now;
        rec.why = k->why;
        rec.why_size = sizeof k->why;
        each_entry(k->now, "/usr/checksum.json", check_recorded, &rec);
    }
    return k->why[0] == '\0';
}

/* The end state, boot's own report aside (it tells what that boot saw). */
static bool same_end_state(struct ram_port *a, const struct ram_port *b, struct ram_port *scratch)
{
    static struct ram_port *copy_b;
    bool same;

    if (!copy_b)
        copy_b = ram_port_new();
    ram_port_copy_tree(scratch, a);
    ram_port_copy_tree(copy_b, b);
    ram_port_delete(scratch, "/usr/.qpybak/boot.json");
    ram_port_delete(copy_b, "/usr/.qpybak/boot.json");
    same = ram_port_equal(scratch, copy_b);
    return same;
}

/* ---------------------------------------------------------------- sweeps */

struct refs {
    struct ram_port *before;   /* after setup */
    struct ram_port *applied;  /* op + boot, uninterrupted */
    struct ram_port *skipped;  /* boot only: the op never ran */
    unsigned long ops;         /* mutating operations of the uninterrupted op */
    unsigned long calls;       /* port calls of the uninterrupted op */
};

static int failures;

/* Failures by scenario and kind, for the summary. */
static struct {
    const char *scenario, *what;
    int count;
} kinds_failed[64];

static void fail(const char *scenario, const char *what, unsigned long n, const char *variant,
                 const char *why, const struct ram_port *ram)
{
    size_t i;

    failures++;
    for (i = 0; i < sizeof kinds_failed / sizeof kinds_failed[0]; i++) {
        if (kinds_failed[i].what == NULL || (strcmp(kinds_failed[i].what, what) == 0 &&
                                             strcmp(kinds_failed[i].scenario, scenario) == 0)) {
            kinds_failed[i].scenario = scenario;
            kinds_failed[i].what = what;
            kinds_failed[i].count++;
            break;
        }
    }
    if (failures > 40) {
        if (failures == 41)
            fprintf(stderr, "(more failures: counted, not printed)\n");
        return;
    }
    fprintf(stderr, "FAIL %s %s at %lu (%s): %s\n  replay: crash_test %s %lu %s\n", scenario, what,
            n, variant, why, scenario, n, variant);
    if (failures <= 3 && ram)
        ram_port_dump(ram, stderr);
}

/* The lock and port contract after a run on ram (see contract_ok). */
static bool check_contract(const struct scenario *sc, enum op_kind op, const char *what,
                           unsigned long n, const char *variant, const struct ram_port *ram)
{
    char why[256];

    if (contract_ok(ram, op, why, sizeof why))
        return true;
    fail(sc->name, what, n, variant, why, NULL);
    return false;
}

static void reference(const struct scenario *sc, void (*setup)(struct ram_port *),
                      struct refs *r)
{
    struct qpybak_result res;
    struct fault f;

    setup(r->before);
    prep(r->before);

    ram_port_copy_tree(r->applied, r->before);
    prep(r->applied);
    fault_arm(&f, r->applied, F_NONE, 0, 0);
    run_op(r->applied, sc->op, &res);
    r->ops = f.count;
    check_contract(sc, sc->op, "reference run", 0, "-", r->applied);
    boot_clean(r->applied, &res);
    check_contract(sc, OP_BOOT, "reference boot", 0, "-", r->applied);

    ram_port_copy_tree(r->applied, r->before);
    prep(r->applied);
    fault_arm(&f, r->applied, F_ERR_ONCE, 0, 0);
    run_op(r->applied, sc->op, &res);
    r->calls = f.count;
    boot_clean(r->applied, &res);

    ram_port_copy_tree(r->skipped, r->before);
    boot_clean(r->skipped, &res);
}

static bool same_end_state(struct ram_port *a, const struct ram_port *b, struct ram_port *scratch);

static void make_refs(const struct scenario *sc, struct refs *r)
{
    struct refs base;
    struct ram_port *scratch;

    keep_last_good = sc->keep_last_good;
    r->before = ram_port_new();
    r->applied = ram_port_new();
    r->skipped = ram_port_new();
    reference(sc, sc->setup, r);
    if (sc->base == NULL)
        return;
    /* Stale temporaries change nothing but themselves: the scene reaches
     * the outcome of the same scene without them. */
    base.before = ram_port_new();
    base.applied = ram_port_new();
    base.skipped = ram_port_new();
    scratch = ram_port_new();
    reference(sc, sc->base, &base);
    if (!same_end_state(r->applied, base.applied, scratch))
        fail(sc->name, "reference", 0, "-",
             "with stale temporaries, the uninterrupted run ends elsewhere than without",
             r->applied);
    if (!same_end_state(r->skipped, base.skipped, scratch))
        fail(sc->name, "reference", 0, "-",
             "with stale temporaries, boot alone ends elsewhere than without", r->skipped);
    ram_port_free(base.before);
    ram_port_free(base.applied);
    ram_port_free(base.skipped);
    ram_port_free(scratch);
}

static void free_refs(struct refs *r)
{
    ram_port_free(r->before);
    ram_port_free(r->applied);
    ram_port_free(r->skipped);
}

/* Which reference the recovered state must equal: the op's own, or for
 * calc (and FOTA cut before its commit point) the state as if it never ran. */
static bool recovered(const struct scenario *sc, struct refs *r, struct ram_port *now,
                      bool committed, struct ram_port *scratch)
{
    if (same_end_state(now, r->applied, scratch))
        return true;
    if ((sc->op == OP_CALC || sc->op == OP_FOTA) && !committed)
        return same_end_state(now, r->skipped, scratch);
    return false;
}

/* Past the point of no return when the cut came: FOTA's journal is
 * committed, or (FAT) a calc's new primary is complete at its temporary
 * name with the old one removed - the next run puts it in place, so the
 * edit must not be lost. */
static bool past_commit(const struct ram_port *now)
{
    if (ram_port_type(now, "/usr/.qpybak/fota.json") == QPYBAK_TYPE_FILE)
        return true;
    return fat_mode && ram_port_type(now, "/usr/checksum.json") == 0 &&
           ram_port_type(now, "/usr/checksum.json.qpybak-tmp") == QPYBAK_TYPE_FILE &&
           each_entry(now, "/usr/checksum.json.qpybak-tmp", NULL, NULL) == 0;
}

/* One cut at N with variant v, checked; then optionally a second cut
 * during the recovery boot. */
static void cut_once(const struct scenario *sc, struct refs *r, unsigned long n, enum variant v,
                     struct ram_port *now, struct ram_port *scratch)
{
    struct qpybak_result res;
    struct check k;
    struct fault f;
    bool committed;

    ram_port_copy_tree(now, r->before);
    prep(now);
    fault_arm(&f, now, F_CUT, n, 0);
    run_op(now, sc->op, &res);
    /* the run went on to its end against a dead port: it must still have
     * released the lock and closed every handle */
    check_contract(sc, sc->op, "cut run", n, variant_names[v], now);
    apply_cut(&f, v);
    fault_disarm(now);
    ram_port_power_cut(now); /* no lock and no handle survives the cut */

    k.before = r->before;
    k.after = r->applied;
    k.alt = sc->op == OP_BOOT ? NULL : r->skipped;
    k.now = now;
    if (!invariants_hold(&k)) {
        fail(sc->name, "cut", n, variant_names[v], k.why, now);
        return;
    }
    committed = past_commit(now);
    boot_clean(now, &res);
    check_contract(sc, OP_BOOT, "recovery boot", n, variant_names[v], now);
    k.why[0] = '\0';
    ram_port_walk(now, find_temp, &k);
    if (k.why[0])
        fail(sc->name, "recovery", n, variant_names[v], k.why, now);
    else if (!recovered(sc, r, now, committed, scratch))
        fail(sc->name, "recovery", n, variant_names[v], "end state differs from the reference", now);
}

static unsigned long sweep_cuts(const struct scenario *sc)
{
    struct ram_port *now = ram_port_new(), *scratch = ram_port_new();
    struct refs r;
    unsigned long n, runs = 0;
    int v;

    make_refs(sc, &r);
    for (n = 1; n <= r.ops; n++)
        for (v = 0; v < V_COUNT; v++, runs++)
            cut_once(sc, &r, n, (enum variant)v, now, scratch);
    printf("%-28s cut points 1..%lu x %d variants: %lu runs\n", sc->name, r.ops, V_COUNT, runs);
    free_refs(&r);
    ram_port_free(now);
    ram_port_free(scratch);
    return runs;
}

/* (e) a cut during the recovery boot itself: two cuts in a row. */
static unsigned long sweep_double_cuts(const struct scenario *sc)
{
    struct ram_port *now = ram_port_new(), *second = ram_port_new(), *scratch = ram_port_new();
    struct qpybak_result res;
    struct refs r;
    struct check k;
    struct fault f;
    unsigned long n1, n2, ops2, runs = 0;
    bool committed;
    int v;

    make_refs(sc, &r);
    for (n1 = 1; n1 <= r.ops; n1++) {
        for (v = 0; v < V_COUNT; v++) {
            ram_port_copy_tree(now, r.before);
            prep(now);
            fault_arm(&f, now, F_CUT, n1, 0);
            run_op(now, sc->op, &res);
            apply_cut(&f, (enum variant)v);
            ram_port_power_cut(now);
            committed = past_commit(now);
            /* count the recovery boot's operations on this state */
            ram_port_copy_tree(second, now);
            prep(second);
            fault_arm(&f, second, F_NONE, 0, 0);
            run_op(second, OP_BOOT, &res);
            ops2 = f.count;
            for (n2 = 1; n2 <= ops2; n2++, runs++) {
                ram_port_copy_tree(second, now);
                prep(second);
                fault_arm(&f, second, F_CUT, n2, 0);
                run_op(second, OP_BOOT, &res);
                check_contract(sc, OP_BOOT, "second cut run", n1 * 1000 + n2, variant_names[v],
                               second);
                apply_cut(&f, (enum variant)v);
                fault_disarm(second);
                ram_port_power_cut(second);
                k.before = r.before;
                k.after = r.applied;
                k.alt = sc->op == OP_BOOT ? NULL : r.skipped;
                k.now = second;
                if (!invariants_hold(&k)) {
                    fail(sc->name, "second cut", n1 * 1000 + n2, variant_names[v], k.why, second);
                    continue;
                }
                boot_clean(second, &res);
                k.why[0] = '\0';
                ram_port_walk(second, find_temp, &k);
                if (k.why[0] || !recovered(sc, &r, second, committed, scratch))
                    fail(sc->name, "second cut recovery", n1 * 1000 + n2, variant_names[v],
                         k.why[0] ? k.why : "end state differs from the reference", second);
            }
        }
    }
    printf("%-28s double cuts (first x second x variant): %lu runs\n", sc->name, runs);
    free_refs(&r);
    ram_port_free(now);
    ram_port_free(second);
    ram_port_free(scratch);
    return runs;
}

/* I/O errors at every call: transient and persistent EIO and ENOSPC, and
 * a short read. */
static const struct {
    enum fault_mode mode;
    int error;
    const char *name;
} kinds[] = {
    {F_ERR_ONCE, QPYBAK_ERR_IO, "eio-once"},
    {F_ERR_ALWAYS, QPYBAK_ERR_IO, "eio-always"},
    {F_ERR_ONCE, QPYBAK_ERR_NOSPC, "enospc-once"},
    {F_ERR_ALWAYS, QPYBAK_ERR_NOSPC, "enospc-always"},
    {F_SHORT_READ, 0, "short-read"},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static unsigned long sweep_errors(const struct scenario *sc, size_t only_kind, unsigned long only_n)
{
    struct ram_port *now = ram_port_new(), *scratch = ram_port_new();
    struct qpybak_result res;
    struct refs r;
    struct check k;
    struct fault f;
    unsigned long n, runs = 0, reported = 0, damaged = 0;
    size_t kind, i;

    make_refs(sc, &r);
    for (kind = 0; kind < N_KINDS; kind++) {
        for (n = 1; n <= r.calls; n++, runs++) {
            bool left_damage = false, committed;
            int ret;

            if (only_n && (n != only_n || kind != only_kind))
                continue;
            ram_port_copy_tree(now, r.before);
            prep(now);
            fault_arm(&f, now, kinds[kind].mode, n, kinds[kind].error);
            ret = run_op(now, sc->op, &res);
            fault_disarm(now);
            if (only_n)
                printf("result: return %d enabled %d source %d primary %d shadow %d backup %d "
                       "counts %u/%u/%u/%u/%u/%u error %d\n",
                       ret, res.enabled, res.source, res.primary, res.shadow, res.backup,
                       res.counts[0], res.counts[1], res.counts[2], res.counts[3], res.counts[4],
                       res.counts[5], res.error);
            if (!check_contract(sc, sc->op, "fault", n, kinds[kind].name, now))
                continue;
            /* a lock that fails: the procedure returns its error having
             * touched nothing */
            if (f.fired && f.fired_op == RAM_OP_LOCK &&
                (ret == 0 || calls_but_lock(&now->stats) != 0)) {
                fail(sc->name, "fault", n, kinds[kind].name,
                     ret == 0 ? "lock failed, yet the run returned 0"
                              : "lock failed, yet the run made port calls",
                     now);
                continue;
            }
            k.before = r.before;
            k.after = r.applied;
            k.alt = sc->op == OP_BOOT ? NULL : r.skipped;
            k.now = now;
            if (!invariants_hold(&k)) {
                fail(sc->name, "fault", n, kinds[kind].name, k.why, now);
                continue;
            }
            if (sc->op == OP_BOOT) {
                for (i = 0; i < N_TRACKED; i++)
                    if (!same_file(r.applied, now, tracked[i]))
                        left_damage = true;
                if (left_damage) {
                    damaged++;
                    if (res.counts[QPYBAK_STATE_UNRECOVERABLE] + res.counts[QPYBAK_STATE_INVALID] ==
                            0 &&
                        res.error == 0 && res.enabled && ret == 0)
                        fail(sc->name, "fault", n, kinds[kind].name,
                             "damage left but nothing reported", now);
                    else
                        reported++;
                }
            }
            committed = past_commit(now);
            boot_clean(now, &res);
            check_contract(sc, OP_BOOT, "fault recovery boot", n, kinds[kind].name, now);
            k.why[0] = '\0';
            ram_port_walk(now, find_temp, &k);
            if (k.why[0] || !recovered(sc, &r, now, committed, scratch))
                fail(sc->name, "fault", n, kinds[kind].name,
                     k.why[0] ? k.why : "clean boot did not reach the reference", now);
        }
    }
    printf("%-28s I/O faults at calls 1..%lu x 5 kinds: %lu runs (%lu left damage, all %lu "
           "reported)\n",
           sc->name, r.calls, runs, damaged, reported);
    free_refs(&r);
    ram_port_free(now);
    ram_port_free(scratch);
    return runs;
}

/* ------------------------------------------------------------ the lock */

/* A run that finds the lock taken returns QPYBAK_ERR_BUSY having made no
 * port call but lock, and changes nothing. */
static bool busy_run(const struct scenario *sc, const struct ram_port *before, enum op_kind op,
                     int other, struct ram_port *now)
{
    struct qpybak_result res;
    char why[256];
    int ret;

    ram_port_copy_tree(now, before);
    prep(now);
    now->other_lock = other;
    ret = run_op(now, op, &res);
    why[0] = '\0';
    if (ret != QPYBAK_ERR_BUSY)
        snprintf(why, sizeof why, "%s returned %d (%s) while another run held the %s lock",
                 op_names[op], ret, qpybak_strerror(ret),
                 other == QPYBAK_LOCK_EXCLUSIVE ? "exclusive" : "shared");
    else if (calls_but_lock(&now->stats) != 0)
        snprintf(why, sizeof why, "%s made %lu port calls besides lock, then returned BUSY",
                 op_names[op], calls_but_lock(&now->stats));
    else if (now->stats.ops[RAM_OP_LOCK] == 0)
        snprintf(why, sizeof why, "%s returned BUSY without asking the port", op_names[op]);
    else if (!ram_port_equal(now, before))
        snprintf(why, sizeof why, "%s changed the tree", op_names[op]);
    else
        contract_ok(now, op, why, sizeof why);
    now->other_lock = 0;
    if (why[0])
        fail(sc->name, "busy", (unsigned long)op, op_names[op], why, NULL);
    return why[0] == '\0';
}

/* Status shares the lock with another reader and changes nothing. */
static bool shared_status_run(const struct scenario *sc, const struct ram_port *before,
                              struct ram_port *now)
{
    struct qpybak_result res;
    char why[256];
    int ret;

    ram_port_copy_tree(now, before);
    prep(now);
    now->other_lock = QPYBAK_LOCK_SHARED;
    ret = run_op(now, OP_STATUS, &res);
    why[0] = '\0';
    if (ret != 0)
        snprintf(why, sizeof why, "status returned %d (%s) beside another shared holder", ret,
                 qpybak_strerror(ret));
    else if (now->stats.mutations != 0 || !ram_port_equal(now, before))
        snprintf(why, sizeof why, "status changed the tree");
    else
        contract_ok(now, OP_STATUS, why, sizeof why);
    now->other_lock = 0;
    if (why[0])
        fail(sc->name, "shared status", 0, "status", why, NULL);
    return why[0] == '\0';
}

/* Two runs at once in one task (issue 8 point 5): calc and status called
 * from boot's own on_file callback find the lock taken. */
struct nested {
    struct ram_port *ram;
    int calls, calc_ret, status_ret;
};

static unsigned char nested_work[16384];

static void nested_on_file(void *ctx, const struct qpybak_file_event *ev)
{
    struct nested *n = (struct nested *)ctx;
    struct qpybak_config cfg;
    struct qpybak_result res;
    uint32_t crc;

    (void)ev;
    if (n->calls++ > 0)
        return;
    memset(&cfg, 0, sizeof cfg);
    cfg.port = &n->ram->port;
    cfg.buffer = nested_work;
    cfg.buffer_size = sizeof nested_work;
    n->calc_ret = qpybak_calc(&cfg, "/usr/main.py", &crc);
    n->status_ret = qpybak_status(&cfg, &res);
}

static bool nested_runs(const struct scenario *sc, const struct ram_port *before,
                        struct ram_port *now)
{
    struct qpybak_config cfg;
    struct qpybak_result res;
    struct nested n;
    char why[256];

    if (sc->op != OP_BOOT)
        return true;
    ram_port_copy_tree(now, before);
    prep(now);
    memset(&n, 0, sizeof n);
    n.ram = now;
    cfg = config(now);
    cfg.on_file = nested_on_file;
    cfg.ctx = &n;
    qpybak_boot(&cfg, &res);
    why[0] = '\0';
    if (n.calls == 0)
        snprintf(why, sizeof why, "boot reported no file");
    else if (n.calc_ret != QPYBAK_ERR_BUSY || n.status_ret != QPYBAK_ERR_BUSY)
        snprintf(why, sizeof why, "calc returned %d, status %d inside boot (expected BUSY)",
                 n.calc_ret, n.status_ret);
    else
        contract_ok(now, OP_BOOT, why, sizeof why);
    if (why[0])
        fail(sc->name, "nested", 0, "on_file", why, NULL);
    return why[0] == '\0';
}

static unsigned long sweep_lock(const struct scenario *sc)
{
    struct ram_port *before = ram_port_new(), *now = ram_port_new();
    unsigned long runs = 0;

    keep_last_good = sc->keep_last_good;
    sc->setup(before);
    busy_run(sc, before, sc->op, QPYBAK_LOCK_EXCLUSIVE, now);
    busy_run(sc, before, sc->op, QPYBAK_LOCK_SHARED, now);
    busy_run(sc, before, OP_STATUS, QPYBAK_LOCK_EXCLUSIVE, now);
    shared_status_run(sc, before, now);
    runs += 4;
    if (sc->op == OP_BOOT) {
        nested_runs(sc, before, now);
        runs++;
    }
    printf("%-28s lock: %lu runs (busy %s and status, shared status%s)\n", sc->name, runs,
           op_names[sc->op], sc->op == OP_BOOT ? ", calc and status inside boot" : "");
    ram_port_free(before);
    ram_port_free(now);
    return runs;
}

static void replay(const char *name, unsigned long n, const char *variant)
{
    struct ram_port *now = ram_port_new(), *scratch = ram_port_new();
    struct refs r;
    size_t i;
    int v;

    for (i = 0; i < N_SCENARIOS; i++) {
        size_t kind;

        if (strcmp(scenarios[i].name, name) != 0)
            continue;
        if (strcmp(variant, "lock") == 0)
            sweep_lock(&scenarios[i]);
        for (kind = 0; kind < N_KINDS; kind++)
            if (strcmp(kinds[kind].name, variant) == 0)
                sweep_errors(&scenarios[i], kind, n);
        for (v = 0; v < V_COUNT; v++)
            if (strcmp(variant_names[v], variant) == 0)
                break;
        if (v == V_COUNT)
            continue;
        make_refs(&scenarios[i], &r);
        cut_once(&scenarios[i], &r, n, (enum variant)v, now, scratch);
        free_refs(&r);
    }
    ram_port_free(now);
    ram_port_free(scratch);
}

int main(int argc, char **argv)
{
    unsigned long runs = 0;
    bool quick = false;
    size_t i;
    int a = 1;

    for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
        if (strcmp(argv[a], "--quick") == 0) {
            quick = true;
        } else if (strcmp(argv[a], "--no-lock") == 0) {
            no_lock = true;
        } else if (strcmp(argv[a], "--fat") == 0) {
            fat_mode = true;
        } else {
            fprintf(stderr, "crash_test: unknown option %s\n", argv[a]);
            return 2;
        }
    }
    if (argc - a == 3) {
        replay(argv[a], strtoul(argv[a + 1], NULL, 10), argv[a + 2]);
        return failures ? 1 : 0;
    }
    if (argc != a) {
        fprintf(stderr, "usage: crash_test [--quick] [--no-lock] [--fat] [SCENARIO N VARIANT]\n");
        return 2;
    }
    if (fat_mode)
        printf("FAT mode: rename cannot replace, case-insensitive names, no hard links\n");
    for (i = 0; i < N_SCENARIOS && !no_lock; i++)
        runs += sweep_lock(&scenarios[i]);
    for (i = 0; i < N_SCENARIOS; i++)
        runs += sweep_cuts(&scenarios[i]);
    for (i = 0; i < N_SCENARIOS && !quick; i++)
        runs += sweep_double_cuts(&scenarios[i]);
    for (i = 0; i < N_SCENARIOS; i++)
        runs += sweep_errors(&scenarios[i], 0, 0);
    printf("%lu runs, %d failures\n", runs, failures);
    for (i = 0; i < sizeof kinds_failed / sizeof kinds_failed[0] && kinds_failed[i].what; i++)
        printf("  %-28s %-20s %d failures\n", kinds_failed[i].scenario, kinds_failed[i].what,
               kinds_failed[i].count);
    printf("%lu passed, %d failed\n", runs > (unsigned long)failures ? runs - (unsigned long)failures : 0,
           failures);
    return failures ? 1 : 0;
}
