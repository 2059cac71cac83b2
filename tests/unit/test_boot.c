/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot, status and calc (docs/design.md, "Boot, step by step" and "Calc")
 * against the RAM port.
 *
 * Every run is followed by a hygiene check of the port: no handle left
 * open, never more open at once than the port contract allows, nothing outside /usr and /bak,
 * /bak never written, no rename of an unsynced file, no rename across
 * directories, no temporary file left behind.
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

#define PRIMARY "/usr/checksum.json"
#define SHADOW "/usr/.qpybak/checksum.json"
#define REPORT "/usr/.qpybak/boot.json"
#define BACKUP_MANIFEST "/bak/checksum.json"
#define FLAG "/bak/backup_restore.json"

/* ------------------------------------------------------------ helpers */

static uint32_t crc_of(const void *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)buf;
    uint32_t crc = 0; /* ~QPYBAK_CRC_SEED: the register QuecPython starts with */
    int k;

    while (len--) {
        crc ^= *p++;
        for (k = 0; k < 8; k++)
            crc = crc & 1 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
    return ~crc;
}

static struct ram_port *ram;
static struct ram_port *snap; /* a copy of the tree before a run */
static uint8_t work[1 << 16];
static struct qpybak_config cfg;
static struct qpybak_result res;

struct ev_copy {
    struct qpybak_file_event ev;
    char name[600];
};

static struct ev_copy evs[300];
static int n_evs;

static void on_file(void *ctx, const struct qpybak_file_event *ev)
{
    struct ev_copy *e;

    (void)ctx;
    assert_true(n_evs < (int)(sizeof evs / sizeof evs[0]));
    e = &evs[n_evs++];
    e->ev = *ev;
    e->name[0] = '\0';
    if (ev->name)
        snprintf(e->name, sizeof e->name, "%s", ev->name);
    e->ev.name = ev->name ? e->name : NULL;
}

/* Every path the port was given, for "never opened" checks. */
static char path_log[4000][80];
static int n_log;
static int renames_to_primary, renames_to_shadow;

static int log_hook(void *ctx, enum ram_op op, const char *path, const char *path2)
{
    (void)ctx;
    if (op == RAM_OP_RENAME && path2 && strcmp(path2, PRIMARY) == 0)
        renames_to_primary++;
    if (op == RAM_OP_RENAME && path2 && strcmp(path2, SHADOW) == 0)
        renames_to_shadow++;
    if (path && n_log < 4000)
        snprintf(path_log[n_log++], sizeof path_log[0], "%s", path);
    if (path2 && n_log < 4000)
        snprintf(path_log[n_log++], sizeof path_log[0], "%s", path2);
    return 0;
}

static bool logged(const char *path)
{
    int i;

    for (i = 0; i < n_log; i++)
        if (strcmp(path_log[i], path) == 0)
            return true;
    return false;
}

/* A test file: name and content. */
struct tfile {
    const char *name;
    const char *data;
    size_t len;
};

static uint8_t zeros4096[4096];

#define N_FACTORY 6
static struct tfile factory[N_FACTORY];

static void init_factory(void)
{
    static const struct tfile f[N_FACTORY] = {
        {"/usr/main.py", "import app\napp.run()\n", 0},
        {"/usr/apn_cfg.json", "{\"apn\": \"cmnet\", \"user\": \"\"}", 0},
        {"/usr/lib/util.py", "def f():\n    return 42\n", 0},
        {"/usr/lib/sub/deep.txt", "deep", 0},
        {"/usr/empty.txt", "", 0},
        {"/usr/zeros.bin", NULL, 4096},
    };
    int i;

    for (i = 0; i < N_FACTORY; i++) {
        factory[i] = f[i];
        if (factory[i].data == NULL)
            factory[i].data = (const char *)zeros4096;
        else
            factory[i].len = strlen(factory[i].data);
    }
}

static const struct tfile *ff(const char *name)
{
    int i;

    for (i = 0; i < N_FACTORY; i++)
        if (strcmp(factory[i].name, name) == 0)
            return &factory[i];
    fail_msg("no factory file %s", name);
    return NULL;
}

static uint32_t fcrc(const char *name)
{
    const struct tfile *f = ff(name);

    return crc_of(f->data, f->len);
}

/* Manifest text through the library's writer (its exact form). */
struct mtext {
    char buf[1 << 16];
    size_t len;
};

static int mtext_write(void *ctx, const void *buf, size_t len)
{
    struct mtext *m = (struct mtext *)ctx;

    assert_true(m->len + len < sizeof m->buf);
    memcpy(m->buf + m->len, buf, len);
    m->len += len;
    m->buf[m->len] = '\0';
    return 0;
}

struct mentry {
    const char *name;
    uint32_t crc;
    bool has_size;
    uint32_t size;
};

static void manifest_of(struct mtext *m, const struct mentry *e, size_t n)
{
    struct qpybak_writer w;
    size_t i;

    m->len = 0;
    m->buf[0] = '\0';
    qpybak_writer_begin(&w, mtext_write, m);
    for (i = 0; i < n; i++)
        qpybak_writer_entry(&w, e[i].name, strlen(e[i].name), e[i].crc, e[i].has_size, e[i].size);
    assert_int_equal(qpybak_writer_end(&w), 0);
}

/* The factory entries, with sizes (qpybak) or without (QuecPython). */
static void factory_entries(struct mentry e[N_FACTORY], bool with_size)
{
    int i;

    for (i = 0; i < N_FACTORY; i++) {
        e[i].name = factory[i].name;
        e[i].crc = crc_of(factory[i].data, factory[i].len);
        e[i].has_size = with_size;
        e[i].size = (uint32_t)factory[i].len;
    }
}

static void factory_manifest(struct mtext *m, bool with_size)
{
    struct mentry e[N_FACTORY];

    factory_entries(e, with_size);
    manifest_of(m, e, N_FACTORY);
}

static void put(const char *path, const void *data, size_t len)
{
    int err = ram_port_put(ram, path, data, len);

    if (err)
        fail_msg("ram_port_put(%s): %d", path, err);
}

static void put_str(const char *path, const char *text)
{
    put(path, text, strlen(text));
}

/* Backup partition, user partition, both manifests (and the shadow). */
static void scene(bool with_size, bool shadow)
{
    static struct mtext m;
    char path[300];
    int i;

    for (i = 0; i < N_FACTORY; i++) {
        snprintf(path, sizeof path, "/bak%s", factory[i].name);
        put(path, factory[i].data, factory[i].len);
        put(factory[i].name, factory[i].data, factory[i].len);
    }
    factory_manifest(&m, with_size);
    put(BACKUP_MANIFEST, m.buf, m.len);
    put(PRIMARY, m.buf, m.len);
    if (shadow)
        put(SHADOW, m.buf, m.len);
    put_str(FLAG, "{\"enable\": 1}");
}

static void take_snapshot(void)
{
    assert_int_equal(ram_port_copy_tree(snap, ram), 0);
}

static void expect_unchanged(int line)
{
    if (!ram_port_equal(ram, snap)) {
        ram_port_dump(snap, stderr);
        ram_port_dump(ram, stderr);
        fail_msg("line %d: the tree changed", line);
    }
}

#define UNCHANGED() expect_unchanged(__LINE__)

static int temp_files;

static void count_temp(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                       size_t len)
{
    size_t n = strlen(path);

    (void)ctx;
    (void)type;
    (void)data;
    (void)len;
    if (n > 11 && strcmp(path + n - 11, ".qpybak-tmp") == 0) {
        fprintf(stderr, "left behind: %s\n", path);
        temp_files++;
    }
}

static bool allow_temps; /* status and a disabled boot leave stale temporaries alone */

static void hygiene(int line)
{
    const struct ram_stats *s = &ram->stats;

    if (ram_port_open_handles(ram) != 0)
        fail_msg("line %d: %zu handles left open", line, ram_port_open_handles(ram));
    if (s->too_many_open || s->peak_open > RAM_PORT_DEFAULT_MAX_OPEN)
        fail_msg("line %d: more than %d files open at once (peak %lu, refused %lu)", line,
                 RAM_PORT_DEFAULT_MAX_OPEN, s->peak_open, s->too_many_open);
    if (s->outside_roots || s->bad_paths)
        fail_msg("line %d: %lu paths outside the roots, %lu non-canonical", line, s->outside_roots,
                 s->bad_paths);
    if (s->ro_violations)
        fail_msg("line %d: %lu writes attempted on /bak", line, s->ro_violations);
    if (s->unsynced_renames)
        fail_msg("line %d: %lu renames of unsynced files", line, s->unsynced_renames);
    if (s->cross_dir_renames)
        fail_msg("line %d: %lu renames across directories", line, s->cross_dir_renames);
    if (s->bad_handles)
        fail_msg("line %d: %lu operations on bad handles", line, s->bad_handles);
    temp_files = 0;
    if (!allow_temps)
        ram_port_walk(ram, count_temp, NULL);
    if (temp_files)
        fail_msg("line %d: %d temporary files left behind", line, temp_files);
}

static void reset_run(void)
{
    n_evs = 0;
    n_log = 0;
    renames_to_primary = renames_to_shadow = 0;
    memset(&res, 0x5A, sizeof res);
    ram_port_reset_stats(ram);
}

static int boot_at(int line)
{
    int rc;

    reset_run();
    rc = qpybak_boot(&cfg, &res);
    hygiene(line);
    return rc;
}

static int status_at(int line)
{
    int rc;

    reset_run();
    rc = qpybak_status(&cfg, &res);
    hygiene(line);
    return rc;
}

static int calc_at(const char *path, uint32_t *crc, int line)
{
    int rc;

    reset_run();
    rc = qpybak_calc(&cfg, path, crc);
    hygiene(line);
    return rc;
}

#define BOOT() boot_at(__LINE__)
#define STATUS() status_at(__LINE__)
#define CALC(path, crc) calc_at((path), (crc), __LINE__)

static const struct ev_copy *ev_of(const char *name)
{
    int i;

    for (i = 0; i < n_evs; i++)
        if (evs[i].ev.name && strcmp(evs[i].name, name) == 0)
            return &evs[i];
    fail_msg("no event for %s", name);
    return NULL;
}

static void expect_state(const char *name, enum qpybak_state state, int line)
{
    const struct ev_copy *e = ev_of(name);

    if (e->ev.state != state)
        fail_msg("line %d: %s is %s (reason %s), want %s", line, name,
                 qpybak_state_name(e->ev.state), qpybak_reason_text(e->ev.reason),
                 qpybak_state_name(state));
}

#define STATE(name, state) expect_state((name), (state), __LINE__)

static void expect_counts(uint32_t ok, uint32_t missing, uint32_t modified, uint32_t restored,
                          uint32_t unrecoverable, uint32_t invalid, int line)
{
    const uint32_t want[QPYBAK_STATE_COUNT] = {ok, missing, modified, restored, unrecoverable,
                                               invalid};
    int i, total = 0;

    for (i = 0; i < QPYBAK_STATE_COUNT; i++) {
        if (res.counts[i] != want[i])
            fail_msg("line %d: %u %s, want %u", line, (unsigned)res.counts[i],
                     qpybak_state_name((enum qpybak_state)i), (unsigned)want[i]);
        total += (int)want[i];
    }
    if (cfg.on_file != NULL && n_evs != total)
        fail_msg("line %d: %d events, want %d", line, n_evs, total);
}

#define COUNTS(ok, mi, mo, re, un, in) expect_counts((ok), (mi), (mo), (re), (un), (in), __LINE__)

static bool file_is(const char *path, const void *data, size_t len)
{
    return ram_port_file_equals(ram, path, data, len);
}

static bool file_is_factory(const char *name)
{
    const struct tfile *f = ff(name);

    return file_is(name, f->data, f->len);
}

/* The file has the content it had in the snapshot. */
static bool same_as_before(const char *path)
{
    size_t la, lb;
    const uint8_t *pa = ram_port_get(ram, path, &la), *pb = ram_port_get(snap, path, &lb);

    return pa && pb && la == lb && (la == 0 || memcmp(pa, pb, la) == 0);
}

static bool same_file(const char *a, const char *b)
{
    size_t la, lb;
    const uint8_t *pa = ram_port_get(ram, a, &la), *pb = ram_port_get(ram, b, &lb);

    return pa && pb && la == lb && (la == 0 || memcmp(pa, pb, la) == 0);
}

/* Reads a manifest file of the RAM port: 1 and the entry's values when it
 * has a valid entry of that name, 0 when not, negative when corrupt. */
struct mem_in {
    const uint8_t *p;
    size_t len, pos;
};

static int mem_in_read(void *ctx, void *buf, size_t len)
{
    struct mem_in *m = (struct mem_in *)ctx;
    size_t n = m->len - m->pos;

    if (n > len)
        n = len;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    return (int)n;
}

static int manifest_lookup(const char *path, const char *name, uint32_t *crc, bool *has_size,
                           uint32_t *size, int *entries)
{
    static uint8_t chunk[256];
    static char nbuf[256];
    struct qpybak_reader r;
    struct qpybak_entry e;
    struct mem_in in;
    int rc, found = 0;

    in.p = ram_port_get(ram, path, &in.len);
    in.pos = 0;
    if (in.p == NULL)
        return QPYBAK_ERR_NOENT;
    qpybak_reader_init(&r, mem_in_read, &in, chunk, sizeof chunk, nbuf, sizeof nbuf);
    if (entries)
        *entries = 0;
    while ((rc = qpybak_reader_next(&r, &e)) == 1) {
        if (entries)
            (*entries)++;
        if (!found && e.invalid == QPYBAK_REASON_NONE && strcmp(e.name, name) == 0) {
            found = 1;
            if (crc)
                *crc = e.crc;
            if (has_size)
                *has_size = e.has_size;
            if (size)
                *size = e.size;
        }
    }
    return rc < 0 ? rc : found;
}

static uint32_t recorded_crc(const char *path, const char *name)
{
    uint32_t crc = 0;
    int rc = manifest_lookup(path, name, &crc, NULL, NULL, NULL);

    if (rc != 1)
        fail_msg("%s: no valid entry for %s (%d)", path, name, rc);
    return crc;
}

/* ------------------------------------------------------ setup/teardown */

static int setup(void **state)
{
    (void)state;
    ram = ram_port_new();
    snap = ram_port_new();
    allow_temps = false;
    if (!ram || !snap)
        return -1;
    init_factory();
    ram->bak_readonly = true; /* helpers bypass it; the core must not */
    ram->jitter = 0x1234567u; /* random short reads everywhere */
    ram->hook = log_hook;
    memset(&cfg, 0, sizeof cfg);
    cfg.port = &ram->port;
    cfg.buffer = work;
    cfg.buffer_size = sizeof work;
    cfg.on_file = on_file;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ram_port_free(ram);
    ram_port_free(snap);
    ram = snap = NULL;
    return 0;
}

/* Boot on an intact partition reports every file ok and writes nothing. */
static void expect_intact_boot_writes_nothing(int line)
{
    int i;

    take_snapshot();
    assert_int_equal(boot_at(line), 0);
    assert_true(res.enabled);
    assert_int_equal(res.off, QPYBAK_OFF_NONE);
    assert_int_equal(res.source, QPYBAK_SOURCE_PRIMARY);
    assert_int_equal(res.primary, QPYBAK_MANIFEST_OK);
    assert_int_equal(res.shadow, QPYBAK_MANIFEST_OK);
    assert_int_equal(res.backup, QPYBAK_MANIFEST_OK);
    expect_counts((uint32_t)n_evs, 0, 0, 0, 0, 0, line);
    assert_false(res.manifest_written);
    assert_false(res.report_written);
    assert_int_equal(res.repaired, 0);
    assert_int_equal(res.stale_temps, 0);
    assert_int_equal(res.error, 0);
    for (i = 0; i < n_evs; i++) {
        assert_int_equal(evs[i].ev.state, QPYBAK_STATE_OK);
        assert_int_equal(evs[i].ev.index, i);
        assert_true(evs[i].ev.has_actual);
    }
    if (ram->stats.mutations != 0)
        fail_msg("line %d: an intact boot made %lu changes", line, ram->stats.mutations);
    expect_unchanged(line);
    assert_int_equal(ram_port_type(ram, REPORT), 0);
}

/* ============================================================== boot */

static void test_intact_no_writes(void **state)
{
    int i;

    (void)state;
    scene(true, true);
    expect_intact_boot_writes_nothing(__LINE__);
    assert_int_equal(n_evs, N_FACTORY);
    for (i = 0; i < N_FACTORY; i++) {
        assert_string_equal(evs[i].name, factory[i].name);
        assert_int_equal(evs[i].ev.expected_crc, fcrc(factory[i].name));
        assert_int_equal(evs[i].ev.actual_crc, fcrc(factory[i].name));
        assert_int_equal(evs[i].ev.actual_size, factory[i].len);
        assert_true(evs[i].ev.has_expected_size);
        assert_int_equal(evs[i].ev.expected_size, factory[i].len);
    }
    /* and again, and status too */
    expect_intact_boot_writes_nothing(__LINE__);
    take_snapshot();
    assert_int_equal(STATUS(), 0);
    COUNTS(N_FACTORY, 0, 0, 0, 0, 0);
    assert_int_equal(ram->stats.mutations, 0);
    UNCHANGED();
}

/* Opens of each path, for the read-ahead test. */
static int opens_primary, opens_tracked;

static int count_opens_hook(void *ctx, enum ram_op op, const char *path, const char *path2)
{
    int i;

    if (op == RAM_OP_OPEN && strcmp(path, PRIMARY) == 0)
        opens_primary++;
    for (i = 0; op == RAM_OP_OPEN && i < N_FACTORY; i++)
        if (strcmp(path, factory[i].name) == 0)
            opens_tracked++;
    return log_hook(ctx, op, path, path2);
}

/* Without an on_file callback, boot checks the files of the primary's
 * leading entries while it validates the primary (docs/design.md, "Boot,
 * step by step"): an intact boot reads the primary and every file once;
 * a damaged file ends the reading ahead, and the check pass reads only
 * from there; a primary found corrupt after its files were read is not
 * used for anything. */
static void test_read_ahead(void **state)
{
    static struct mtext m;
    struct mentry e[N_FACTORY];

    (void)state;
    cfg.on_file = NULL;
    ram->hook = count_opens_hook;
    scene(true, true);
    opens_primary = opens_tracked = 0;
    take_snapshot();
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY, 0, 0, 0, 0, 0);
    assert_int_equal(res.source, QPYBAK_SOURCE_PRIMARY);
    assert_int_equal(ram->stats.mutations, 0);
    UNCHANGED();
    assert_int_equal(opens_primary, 1);
    assert_int_equal(opens_tracked, N_FACTORY);
    assert_int_equal(n_evs, 0); /* no callback */

    /* The fourth file damaged: the three before it are read once, the
     * check pass reads the rest. */
    put_str("/usr/lib/sub/deep.txt", "DEEP");
    opens_primary = opens_tracked = 0;
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY - 1, 0, 0, 1, 0, 0);
    assert_true(file_is_factory("/usr/lib/sub/deep.txt"));
    assert_int_equal(opens_primary, 2);
    assert_int_equal(opens_tracked, N_FACTORY + 1); /* the damaged file twice */

    /* status alike, changing nothing */
    put_str("/usr/main.py", "import app\napp.run()\n#");
    take_snapshot();
    assert_int_equal(STATUS(), 0);
    COUNTS(N_FACTORY - 1, 0, 1, 0, 0, 0);
    UNCHANGED();
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY - 1, 0, 0, 1, 0, 0);

    /* A primary cut short after its last entry: every file matches, but
     * it is corrupt - the shadow is used, each file counted once. */
    factory_manifest(&m, true);
    put(PRIMARY, m.buf, m.len - 3);
    ram_port_delete(ram, REPORT);
    assert_int_equal(BOOT(), 0);
    assert_int_equal(res.primary, QPYBAK_MANIFEST_CORRUPT);
    assert_int_equal(res.source, QPYBAK_SOURCE_SHADOW);
    COUNTS(N_FACTORY, 0, 0, 0, 0, 0);
    assert_true(res.repaired & QPYBAK_REPAIRED_PRIMARY);
    assert_true(same_file(PRIMARY, SHADOW));

    /* The same, the shadow recording an edit of /usr/main.py that its
     * file does not hold: what the corrupt primary's entry matched counts
     * for nothing - the file is checked against the shadow's entry. */
    factory_entries(e, true);
    e[0].crc ^= 1u;
    manifest_of(&m, e, N_FACTORY);
    put(SHADOW, m.buf, m.len);
    factory_manifest(&m, true);
    put(PRIMARY, m.buf, m.len - 3);
    ram_port_delete(ram, REPORT);
    assert_int_equal(BOOT(), 0);
    assert_int_equal(res.source, QPYBAK_SOURCE_SHADOW);
    COUNTS(N_FACTORY - 1, 0, 0, 1, 0, 0); /* main.py: the factory copy, again */
    assert_true(file_is_factory("/usr/main.py"));

    cfg.on_file = on_file;
    ram->hook = log_hook;
}

/* QuecPython's own manifests (no size member) work the same way. */
static void test_intact_quecpython_form(void **state)
{
    (void)state;
    scene(false, true);
    expect_intact_boot_writes_nothing(__LINE__);
    assert_false(evs[0].ev.has_expected_size);
}

/* A factory image has no shadow: the first boot creates it, and nothing else. */
static void test_first_boot_creates_shadow(void **state)
{
    int i;

    (void)state;
    scene(true, false);
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY, 0, 0, 0, 0, 0);
    assert_int_equal(res.shadow, QPYBAK_MANIFEST_MISSING);
    assert_true(res.repaired & QPYBAK_REPAIRED_SHADOW);
    assert_false(res.repaired & QPYBAK_REPAIRED_PRIMARY);
    assert_true(same_file(PRIMARY, SHADOW));
    for (i = 0; i < N_FACTORY; i++)
        assert_true(file_is_factory(factory[i].name));
    /* from now on, nothing (the first boot's report aside) */
    ram_port_delete(ram, REPORT);
    expect_intact_boot_writes_nothing(__LINE__);
}

static void test_missing_restored(void **state)
{
    const struct ev_copy *e;

    (void)state;
    scene(true, true);
    assert_int_equal(ram_port_delete(ram, "/usr/main.py"), 0);
    take_snapshot();
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY - 1, 0, 0, 1, 0, 0);
    e = ev_of("/usr/main.py");
    assert_int_equal(e->ev.state, QPYBAK_STATE_RESTORED);
    assert_int_equal(e->ev.found, QPYBAK_STATE_MISSING);
    assert_false(e->ev.has_actual);
    assert_int_equal(e->ev.restored_crc, fcrc("/usr/main.py"));
    assert_true(file_is_factory("/usr/main.py"));
    /* the entry already held the factory value: the manifests are as they were */
    assert_true(same_as_before(PRIMARY));
    assert_true(same_as_before(SHADOW));
    assert_int_equal(recorded_crc(PRIMARY, "/usr/main.py"), fcrc("/usr/main.py"));
    assert_true(same_file(PRIMARY, SHADOW));
    /* found something: the report says so */
    assert_true(res.report_written);
    assert_int_equal(ram_port_type(ram, REPORT), QPYBAK_TYPE_FILE);
    assert_int_equal(res.error, 0);
    /* the next boot finds everything intact; it may clear nothing either */
    ram_port_delete(ram, REPORT);
    expect_intact_boot_writes_nothing(__LINE__);
}

static void test_missing_directories_recreated(void **state)
{
    (void)state;
    scene(true, true);
    assert_int_equal(ram_port_delete(ram, "/usr/lib"), 0); /* both files and the dirs */
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY - 2, 0, 0, 2, 0, 0);
    STATE("/usr/lib/util.py", QPYBAK_STATE_RESTORED);
    STATE("/usr/lib/sub/deep.txt", QPYBAK_STATE_RESTORED);
    assert_int_equal(ram_port_type(ram, "/usr/lib/sub"), QPYBAK_TYPE_DIR);
    assert_true(file_is_factory("/usr/lib/util.py"));
    assert_true(file_is_factory("/usr/lib/sub/deep.txt"));
}

static void test_modified_restored(void **state)
{
    static const char bad[] = "import app\napp.run(); import os; os.remove('/')\n";
    const struct ev_copy *e;

    (void)state;
    scene(true, true);
    put_str("/usr/main.py", bad);
    put_str("/usr/apn_cfg.json", "{\"apn\": \"cmnet\", \"user\": \"x\"}"); /* same size */
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY - 2, 0, 0, 2, 0, 0);
    e = ev_of("/usr/main.py");
    assert_int_equal(e->ev.state, QPYBAK_STATE_RESTORED);
    assert_int_equal(e->ev.found, QPYBAK_STATE_MODIFIED);
    assert_true(e->ev.has_actual);
    /* Longer than recorded: the size says it all, the rest is not read. */
    assert_true(strlen(bad) > ff("/usr/main.py")->len);
    assert_true(e->ev.actual_crc_unknown);
    assert_int_equal(e->ev.actual_size, strlen(bad));
    assert_int_equal(e->ev.expected_crc, fcrc("/usr/main.py"));
    assert_false(e->ev.downgraded);
    assert_true(file_is_factory("/usr/main.py"));
    assert_true(file_is_factory("/usr/apn_cfg.json"));
    ram_port_delete(ram, REPORT);
    expect_intact_boot_writes_nothing(__LINE__);
}

/* A backup copy that fails its checksum is never installed, and the entry
 * is left alone. */
static void test_backup_copy_corrupt(void **state)
{
    static const char user[] = "user damage";
    const struct ev_copy *e;

    (void)state;
    scene(true, true);
    put_str("/usr/main.py", user);
    put_str("/bak/usr/main.py", "import app\napp.run(!\n"); /* flash rot, same size */
    assert_int_equal(ram_port_delete(ram, "/usr/lib/util.py"), 0);
    put_str("/bak/usr/lib/util.py", "rotten");
    take_snapshot();
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY - 2, 0, 0, 0, 2, 0);
    e = ev_of("/usr/main.py");
    assert_int_equal(e->ev.state, QPYBAK_STATE_UNRECOVERABLE);
    assert_int_equal(e->ev.reason, QPYBAK_REASON_BACKUP_BAD);
    assert_int_equal(e->ev.found, QPYBAK_STATE_MODIFIED);
    e = ev_of("/usr/lib/util.py");
    assert_int_equal(e->ev.state, QPYBAK_STATE_UNRECOVERABLE);
    assert_int_equal(e->ev.reason, QPYBAK_REASON_BACKUP_BAD);
    assert_int_equal(e->ev.found, QPYBAK_STATE_MISSING);
    /* neither file nor entry touched */
    assert_true(file_is("/usr/main.py", user, strlen(user)));
    assert_int_equal(ram_port_type(ram, "/usr/lib/util.py"), 0);
    assert_true(same_as_before(PRIMARY));
    assert_true(same_as_before(SHADOW));
    assert_true(same_as_before("/usr/main.py"));
    assert_false(res.manifest_written);
    assert_true(res.report_written);
    /* unrecoverable stays unrecoverable, and still changes nothing but the report */
    ram_port_delete(ram, REPORT);
    take_snapshot();
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY - 2, 0, 0, 0, 2, 0);
    ram_port_delete(ram, REPORT);
    UNCHANGED();
}

/* A backup copy with the right CRC but the wrong size (leading zeros do not
 * change this CRC) is refused too. */
static void test_backup_copy_same_crc_wrong_size(void **state)
{
    (void)state;
    scene(true, true);
    put("/usr/zeros.bin", zeros4096, 100);  /* damaged: 100 zero bytes */
    put("/bak/usr/zeros.bin", zeros4096, 0); /* rotten copy: empty, same CRC */
    assert_int_equal(crc_of(zeros4096, 0), crc_of(zeros4096, 4096));
    assert_int_equal(BOOT(), 0);
    STATE("/usr/zeros.bin", QPYBAK_STATE_UNRECOVERABLE);
    assert_int_equal(ev_of("/usr/zeros.bin")->ev.reason, QPYBAK_REASON_BACKUP_BAD);
    assert_true(file_is("/usr/zeros.bin", zeros4096, 100));
}

static void test_backup_copy_missing(void **state)
{
    (void)state;
    scene(true, true);
    put_str("/usr/main.py", "damaged");
    assert_int_equal(ram_port_delete(ram, "/bak/usr/main.py"), 0);
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY - 1, 0, 0, 0, 1, 0);
    STATE("/usr/main.py", QPYBAK_STATE_UNRECOVERABLE);
    assert_int_equal(ev_of("/usr/main.py")->ev.reason, QPYBAK_REASON_NO_BACKUP);
    assert_true(ram_port_file_is(ram, "/usr/main.py", "damaged"));
}

/* Backup manifest missing or corrupt: a copy is still good when it matches
 * the user manifest's value. */
static void test_backup_manifest_missing_or_corrupt(void **state)
{
    int round;

    (void)state;
    for (round = 0; round < 3; round++) {
        teardown(NULL);
        setup(NULL);
        scene(true, true);
        if (round == 0)
            assert_int_equal(ram_port_delete(ram, BACKUP_MANIFEST), 0);
        else if (round == 1)
            put_str(BACKUP_MANIFEST, "[{\"name\": \"/usr/main.py\", \"crc32\": ");
        else
            put_str(BACKUP_MANIFEST, "not json at all");
        put_str("/usr/main.py", "damaged");
        ram_port_delete(ram, "/usr/apn_cfg.json");
        assert_int_equal(BOOT(), 0);
        assert_int_equal(res.backup, round == 0 ? QPYBAK_MANIFEST_MISSING : QPYBAK_MANIFEST_CORRUPT);
        assert_int_equal(res.source, QPYBAK_SOURCE_PRIMARY);
        COUNTS(N_FACTORY - 2, 0, 0, 2, 0, 0);
        assert_true(file_is_factory("/usr/main.py"));
        assert_true(file_is_factory("/usr/apn_cfg.json"));
        assert_true(res.report_written); /* a missing backup manifest is worth a report */
    }
}

/* With no backup manifest, a file whose recorded value is a calc'd edit
 * cannot be restored from the factory copy. */
static void test_backup_manifest_missing_edit_unrecoverable(void **state)
{
    static struct mtext m;
    struct mentry e[N_FACTORY];
    int i;

    (void)state;
    scene(true, true);
    for (i = 0; i < N_FACTORY; i++) {
        e[i].name = factory[i].name;
        e[i].crc = fcrc(factory[i].name);
        e[i].has_size = true;
        e[i].size = (uint32_t)factory[i].len;
    }
    e[0].crc = crc_of("edited", 6); /* main.py was edited and calc'd */
    e[0].size = 6;
    manifest_of(&m, e, N_FACTORY);
    put(PRIMARY, m.buf, m.len);
    put(SHADOW, m.buf, m.len);
    put_str("/usr/main.py", "then damaged");
    ram_port_delete(ram, BACKUP_MANIFEST);
    assert_int_equal(BOOT(), 0);
    STATE("/usr/main.py", QPYBAK_STATE_UNRECOVERABLE);
    assert_int_equal(ev_of("/usr/main.py")->ev.reason, QPYBAK_REASON_BACKUP_BAD);
    assert_true(ram_port_file_is(ram, "/usr/main.py", "then damaged"));
    assert_int_equal(recorded_crc(PRIMARY, "/usr/main.py"), crc_of("edited", 6));
}

/* With the backup manifest, the factory copy is good: restored, and the
 * entry takes the factory checksum (a downgrade, said so). */
static void test_edit_damaged_restored_to_factory(void **state)
{
    static struct mtext m;
    struct mentry e[N_FACTORY];
    const struct ev_copy *ev;
    uint32_t size;
    bool has_size;
    int i;

    (void)state;
    scene(true, true);
    for (i = 0; i < N_FACTORY; i++) {
        e[i].name = factory[i].name;
        e[i].crc = fcrc(factory[i].name);
        e[i].has_size = true;
        e[i].size = (uint32_t)factory[i].len;
    }
    e[0].crc = crc_of("edited", 6);
    e[0].size = 6;
    e[3].crc = crc_of("edited too", 10);
    e[3].size = 10;
    manifest_of(&m, e, N_FACTORY);
    put(PRIMARY, m.buf, m.len);
    put(SHADOW, m.buf, m.len);
    put_str("/usr/main.py", "then damaged");
    ram_port_delete(ram, e[3].name);
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY - 2, 0, 0, 2, 0, 0);
    assert_true(ev_of(e[3].name)->ev.downgraded);
    assert_true(file_is_factory(e[3].name));
    assert_int_equal(recorded_crc(PRIMARY, e[3].name), fcrc(e[3].name));
    /* the user manifest is replaced once: primary, then shadow */
    assert_int_equal(renames_to_primary, 1);
    assert_int_equal(renames_to_shadow, 1);
    ev = ev_of("/usr/main.py");
    assert_int_equal(ev->ev.state, QPYBAK_STATE_RESTORED);
    assert_true(ev->ev.downgraded);
    assert_true(file_is_factory("/usr/main.py"));
    assert_true(res.manifest_written);
    assert_int_equal(manifest_lookup(PRIMARY, "/usr/main.py", NULL, &has_size, &size, NULL), 1);
    assert_int_equal(recorded_crc(PRIMARY, "/usr/main.py"), fcrc("/usr/main.py"));
    assert_true(!has_size || size == ff("/usr/main.py")->len);
    assert_true(same_file(PRIMARY, SHADOW));
    for (i = 1; i < N_FACTORY; i++)
        assert_int_equal(recorded_crc(PRIMARY, factory[i].name), fcrc(factory[i].name));
    ram_port_delete(ram, REPORT);
    expect_intact_boot_writes_nothing(__LINE__);
}

static void test_primary_corrupt_shadow_valid(void **state)
{
    size_t len;
    const uint8_t *p;
    int variant;

    (void)state;
    for (variant = 0; variant < 3; variant++) {
        teardown(NULL);
        setup(NULL);
        scene(true, true);
        p = ram_port_get(ram, SHADOW, &len);
        if (variant == 0)
            put(PRIMARY, p, len / 2); /* torn */
        else if (variant == 1)
            put_str(PRIMARY, "\x01\x02garbage");
        else
            ram_port_delete(ram, PRIMARY);
        put_str("/usr/apn_cfg.json", "damaged");
        assert_int_equal(BOOT(), 0);
        assert_int_equal(res.source, QPYBAK_SOURCE_SHADOW);
        assert_int_equal(res.primary,
                         variant == 2 ? QPYBAK_MANIFEST_MISSING : QPYBAK_MANIFEST_CORRUPT);
        assert_int_equal(res.shadow, QPYBAK_MANIFEST_OK);
        assert_true(res.repaired & QPYBAK_REPAIRED_PRIMARY);
        COUNTS(N_FACTORY - 1, 0, 0, 1, 0, 0);
        assert_true(file_is_factory("/usr/apn_cfg.json"));
        assert_true(same_file(PRIMARY, SHADOW));
        assert_int_equal(manifest_lookup(PRIMARY, "/usr/main.py", NULL, NULL, NULL, NULL), 1);
        ram_port_delete(ram, REPORT);
        expect_intact_boot_writes_nothing(__LINE__);
    }
}

/* The shadow holds the newer value (primary lost): the edit is kept. */
static void test_shadow_keeps_edit(void **state)
{
    static struct mtext m;
    struct mentry e[N_FACTORY];
    int i;

    (void)state;
    scene(true, true);
    for (i = 0; i < N_FACTORY; i++) {
        e[i].name = factory[i].name;
        e[i].crc = fcrc(factory[i].name);
        e[i].has_size = true;
        e[i].size = (uint32_t)factory[i].len;
    }
    e[1].crc = crc_of("{\"apn\": \"3gnet\"}", 16);
    e[1].size = 16;
    manifest_of(&m, e, N_FACTORY);
    put(SHADOW, m.buf, m.len);
    put_str(PRIMARY, "[");
    put_str("/usr/apn_cfg.json", "{\"apn\": \"3gnet\"}");
    assert_int_equal(BOOT(), 0);
    assert_int_equal(res.source, QPYBAK_SOURCE_SHADOW);
    COUNTS(N_FACTORY, 0, 0, 0, 0, 0);
    assert_true(ram_port_file_is(ram, "/usr/apn_cfg.json", "{\"apn\": \"3gnet\"}"));
    assert_true(same_file(PRIMARY, SHADOW));
}

static void test_shadow_corrupt_or_stale(void **state)
{
    static struct mtext m;
    int variant;

    (void)state;
    for (variant = 0; variant < 3; variant++) {
        teardown(NULL);
        setup(NULL);
        scene(true, true);
        if (variant == 0) {
            put_str(SHADOW, "[{\"name\": ");
        } else if (variant == 1) {
            struct mentry e = {"/usr/main.py", 0x12345678u, true, 3};

            manifest_of(&m, &e, 1); /* valid, but not the primary */
            put(SHADOW, m.buf, m.len);
        } else {
            put(SHADOW, "", 0);
        }
        assert_int_equal(BOOT(), 0);
        assert_int_equal(res.source, QPYBAK_SOURCE_PRIMARY);
        assert_int_equal(res.shadow,
                         variant == 1 ? QPYBAK_MANIFEST_STALE : QPYBAK_MANIFEST_CORRUPT);
        assert_true(res.repaired & QPYBAK_REPAIRED_SHADOW);
        assert_false(res.repaired & QPYBAK_REPAIRED_PRIMARY);
        COUNTS(N_FACTORY, 0, 0, 0, 0, 0);
        assert_true(same_file(PRIMARY, SHADOW));
        ram_port_delete(ram, REPORT);
        expect_intact_boot_writes_nothing(__LINE__);
    }
}

static void test_both_missing(void **state)
{
    (void)state;
    scene(true, true);
    ram_port_delete(ram, PRIMARY);
    ram_port_delete(ram, SHADOW);
    ram_port_delete(ram, "/usr/.qpybak");
    ram_port_delete(ram, "/usr/main.py");
    assert_int_equal(BOOT(), 0);
    assert_int_equal(res.source, QPYBAK_SOURCE_BACKUP);
    assert_int_equal(res.primary, QPYBAK_MANIFEST_MISSING);
    assert_int_equal(res.shadow, QPYBAK_MANIFEST_MISSING);
    COUNTS(N_FACTORY - 1, 0, 0, 1, 0, 0);
    assert_true(file_is_factory("/usr/main.py"));
    assert_true(same_file(PRIMARY, BACKUP_MANIFEST));
    assert_true(same_file(PRIMARY, SHADOW));
    ram_port_delete(ram, REPORT);
    expect_intact_boot_writes_nothing(__LINE__);
}

/* Both user manifests corrupt: the factory checksums are installed, loudly,
 * and a calc'd edit is lost (the only case where it is). */
static void test_both_corrupt(void **state)
{
    uint32_t crc;

    (void)state;
    scene(true, true);
    put_str("/usr/main.py", "edited");
    assert_int_equal(CALC("/usr/main.py", &crc), 1);
    put_str(PRIMARY, "[{]");
    put_str(SHADOW, "{}");
    assert_int_equal(BOOT(), 0);
    assert_int_equal(res.source, QPYBAK_SOURCE_BACKUP);
    assert_int_equal(res.primary, QPYBAK_MANIFEST_CORRUPT);
    assert_int_equal(res.shadow, QPYBAK_MANIFEST_CORRUPT);
    assert_true(res.repaired & QPYBAK_REPAIRED_PRIMARY);
    COUNTS(N_FACTORY - 1, 0, 0, 1, 0, 0);
    STATE("/usr/main.py", QPYBAK_STATE_RESTORED);
    assert_true(file_is_factory("/usr/main.py"));
    assert_true(same_file(PRIMARY, SHADOW));
    assert_int_equal(recorded_crc(PRIMARY, "/usr/main.py"), fcrc("/usr/main.py"));
    assert_true(res.report_written);
    {
        size_t len;
        const char *rep = (const char *)ram_port_get(ram, REPORT, &len);
        char text[8192];

        assert_non_null(rep);
        assert_true(len < sizeof text);
        memcpy(text, rep, len);
        text[len] = '\0';
        assert_non_null(strstr(text, "corrupt"));
    }
}

/* No manifest anywhere: nothing to check, nothing invented. */
static void test_no_manifest_at_all(void **state)
{
    (void)state;
    scene(true, true);
    ram_port_delete(ram, PRIMARY);
    ram_port_delete(ram, SHADOW);
    ram_port_delete(ram, BACKUP_MANIFEST);
    ram_port_delete(ram, "/usr/main.py");
    assert_int_equal(BOOT(), 0);
    assert_true(res.enabled);
    assert_int_equal(res.source, QPYBAK_SOURCE_NONE);
    assert_int_equal(res.backup, QPYBAK_MANIFEST_MISSING);
    COUNTS(0, 0, 0, 0, 0, 0);
    assert_int_equal(ram_port_type(ram, "/usr/main.py"), 0);
    assert_int_equal(ram_port_type(ram, PRIMARY), 0);
    assert_false(res.manifest_written);
}

/* Only the duplicate that would be acted on is reported (a later entry
 * that its file matches does no harm), whatever the buffer size. */
static void run_duplicates(size_t buffer_size)
{
    static struct mtext m;
    struct mentry e[5];

    teardown(NULL);
    setup(NULL);
    cfg.buffer_size = buffer_size;
    scene(true, true);
    e[0].name = "/usr/main.py";
    e[0].crc = fcrc("/usr/main.py");
    e[0].has_size = true;
    e[0].size = (uint32_t)ff("/usr/main.py")->len;
    e[1].name = "/usr/apn_cfg.json";
    e[1].crc = fcrc("/usr/apn_cfg.json");
    e[1].has_size = false;
    e[1].size = 0;
    e[2] = e[0];                  /* the same entry again */
    e[3] = e[0];
    e[3].crc = 0xdeadbeefu;       /* the same name, another value */
    e[4] = e[1];
    manifest_of(&m, e, 5);
    put(PRIMARY, m.buf, m.len);
    put(SHADOW, m.buf, m.len);
    put_str("/usr/main.py", "damaged");
    /* status: the copy of the damaged file's entry matters too (boot
     * finds it matching once the first is restored) */
    assert_int_equal(STATUS(), 0);
    assert_int_equal(res.counts[QPYBAK_STATE_INVALID], 2);
    assert_int_equal(evs[2].ev.reason, QPYBAK_REASON_DUPLICATE_NAME);
    assert_int_equal(evs[3].ev.state, QPYBAK_STATE_INVALID);
    assert_int_equal(evs[3].ev.reason, QPYBAK_REASON_DUPLICATE_NAME);
    assert_int_equal(BOOT(), 0);
    /* the four factory files the manifest leaves out are checked too */
    COUNTS(3 + 4, 0, 0, 1, 0, 1);
    assert_int_equal(res.dropped, 4);
    assert_int_equal(evs[0].ev.state, QPYBAK_STATE_RESTORED);
    assert_int_equal(evs[1].ev.state, QPYBAK_STATE_OK);
    assert_int_equal(evs[2].ev.state, QPYBAK_STATE_OK); /* the same value again */
    assert_int_equal(evs[4].ev.state, QPYBAK_STATE_OK);
    /* the one that could do harm (another value for a restored file) is
     * never acted on */
    assert_int_equal(evs[3].ev.state, QPYBAK_STATE_INVALID);
    assert_int_equal(evs[3].ev.reason, QPYBAK_REASON_DUPLICATE_NAME);
    assert_false(evs[3].ev.has_actual);
    assert_int_equal(evs[3].ev.index, 3);
    assert_true(file_is_factory("/usr/main.py"));
    /* boot's rewrite dropped every duplicate and listed the factory files
     * again; so does calc's */
    assert_int_equal(STATUS(), 0);
    assert_int_equal(res.counts[QPYBAK_STATE_INVALID], 0);
    assert_int_equal(res.counts[QPYBAK_STATE_OK], 6);
    assert_int_equal(res.dropped, 0);
    put_str("/usr/main.py", "edited");
    assert_int_equal(CALC("/usr/main.py", NULL), 1);
    assert_int_equal(STATUS(), 0);
    assert_int_equal(res.counts[QPYBAK_STATE_INVALID], 0);
    assert_int_equal(res.counts[QPYBAK_STATE_OK], 6);
}

static void test_duplicate_names(void **state)
{
    (void)state;
    run_duplicates(sizeof work);           /* with a name filter */
    run_duplicates(qpybak_buffer_min(0));  /* without: the exact path */
}

/* Invalid entries are reported and their names never reach the port. */
static void test_invalid_entries_never_touched(void **state)
{
    static const char doc[] =
        "[{\"name\": \"/usr/../bak/checksum.json\", \"crc32\": \"0x1\"},\n"
        "{\"name\": \"/bak/usr/main.py\", \"crc32\": \"0x1\"},\n"
        "{\"name\": \"/usr/a\\\\b\", \"crc32\": \"0x1\"},\n"
        "{\"name\": \"/usr/lib/\", \"crc32\": \"0x1\"},\n"
        "{\"name\": \"/usr/ctl\\u0001\", \"crc32\": \"0x1\"},\n"
        "7,\n"
        "{\"crc32\": \"0x1\"},\n"
        "{\"name\": \"/usr/nocrc\"},\n"
        "{\"name\": \"/usr/badcrc\", \"crc32\": \"0xzz\"},\n"
        "{\"name\": \"/usr/badsize\", \"crc32\": \"0x1\", \"size\": -1},\n"
        "{\"name\": \"/usr/main.py\", \"crc32\": \"%s\", \"size\": %zu}]\n";
    static const char *const never[] = {"/usr/../bak/checksum.json", "/usr/a\\b", "/usr/lib/",
                                        "/usr/ctl\x01", "/usr/nocrc", "/usr/badcrc",
                                        "/usr/badsize", "/bak/usr/main.py.qpybak-tmp",
                                        "/usr/nocrc.qpybak-tmp"};
    static const enum qpybak_reason reasons[] = {
        QPYBAK_REASON_BAD_NAME, QPYBAK_REASON_BAD_NAME,   QPYBAK_REASON_BAD_NAME,
        QPYBAK_REASON_BAD_NAME, QPYBAK_REASON_BAD_NAME,   QPYBAK_REASON_NOT_OBJECT,
        QPYBAK_REASON_NO_NAME,  QPYBAK_REASON_NO_CRC,     QPYBAK_REASON_BAD_CRC,
        QPYBAK_REASON_BAD_SIZE,
    };
    char text[2048], crc[QPYBAK_CRC_STR_SIZE];
    size_t i;

    (void)state;
    scene(true, true);
    put_str("/usr/nocrc", "x");
    put_str("/usr/badcrc", "x");
    put_str("/usr/badsize", "x");
    snprintf(text, sizeof text, doc, qpybak_crc_format(fcrc("/usr/main.py"), crc),
             ff("/usr/main.py")->len);
    put_str(PRIMARY, text);
    put_str(SHADOW, text);
    ram_port_delete(ram, "/usr/main.py");
    /* status: the same report, never touching them */
    assert_int_equal(STATUS(), 0);
    assert_int_equal(res.counts[QPYBAK_STATE_INVALID], 10);
    for (i = 0; i < sizeof never / sizeof never[0]; i++)
        assert_false(logged(never[i]));
    assert_int_equal(BOOT(), 0);
    /* the five factory files the manifest leaves out are checked too */
    COUNTS(5, 0, 0, 1, 0, 10);
    assert_int_equal(res.dropped, 5);
    for (i = 0; i < 10; i++) {
        assert_int_equal(evs[i].ev.index, i);
        assert_int_equal(evs[i].ev.state, QPYBAK_STATE_INVALID);
        if (evs[i].ev.reason != reasons[i])
            fail_msg("entry %zu: reason %s, want %s", i, qpybak_reason_text(evs[i].ev.reason),
                     qpybak_reason_text(reasons[i]));
    }
    assert_int_equal(evs[10].ev.state, QPYBAK_STATE_RESTORED);
    for (i = 0; i < sizeof never / sizeof never[0]; i++)
        if (logged(never[i]))
            fail_msg("the port was given %s", never[i]);
    /* the tracked-looking files of invalid entries are left alone */
    assert_true(ram_port_file_is(ram, "/usr/nocrc", "x"));
    assert_true(ram_port_file_is(ram, "/usr/badcrc", "x"));
}

/* Entries naming qpybak's own files are invalid: a manifest (or a rotten
 * backup partition) can never have the manifest itself "restored". */
static void test_reserved_entries_never_restored(void **state)
{
    static struct mtext m;
    struct mentry e[N_FACTORY + 3];
    size_t plen;
    const uint8_t *p;
    int i;

    (void)state;
    scene(true, true);
    for (i = 0; i < N_FACTORY; i++) {
        e[i].name = factory[i].name;
        e[i].crc = fcrc(factory[i].name);
        e[i].has_size = true;
        e[i].size = (uint32_t)factory[i].len;
    }
    e[N_FACTORY].name = "/usr/checksum.json";
    e[N_FACTORY].crc = crc_of("[]", 2);
    e[N_FACTORY].has_size = true;
    e[N_FACTORY].size = 2;
    e[N_FACTORY + 1] = e[N_FACTORY];
    e[N_FACTORY + 1].name = "/usr/.qpybak/checksum.json";
    e[N_FACTORY + 2] = e[N_FACTORY];
    e[N_FACTORY + 2].name = "/usr/.qpybak/fota.json";
    manifest_of(&m, e, N_FACTORY + 3);
    put(BACKUP_MANIFEST, m.buf, m.len);
    put(PRIMARY, m.buf, m.len);
    put(SHADOW, m.buf, m.len);
    put_str("/bak/usr/checksum.json", "[]");
    put_str("/bak/usr/.qpybak/checksum.json", "[]");
    put_str("/bak/usr/.qpybak/fota.json", "[]");
    ram_port_delete(ram, "/usr/main.py");
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY - 1, 0, 0, 1, 0, 3);
    for (i = N_FACTORY; i < N_FACTORY + 3; i++) {
        assert_int_equal(evs[i].ev.state, QPYBAK_STATE_INVALID);
        assert_int_equal(evs[i].ev.reason, QPYBAK_REASON_RESERVED);
    }
    p = ram_port_get(ram, PRIMARY, &plen);
    assert_non_null(p);
    assert_true(plen > 2); /* not the "[]" of the trap */
    assert_int_equal(ram_port_type(ram, "/usr/.qpybak/fota.json"), 0);
    assert_true(file_is_factory("/usr/main.py"));
}

/* A smaller name limit: longer names are invalid entries, and a buffer of
 * qpybak_buffer_min(limit) is enough. */
static void test_small_name_limit(void **state)
{
    (void)state;
    scene(true, true);
    cfg.name_max = 20; /* "/usr/lib/sub/deep.txt" is 21 bytes */
    cfg.buffer_size = qpybak_buffer_min(20);
    assert_true(qpybak_buffer_min(20) < qpybak_buffer_min(0));
    ram_port_delete(ram, "/usr/main.py");
    ram_port_delete(ram, "/usr/lib/sub/deep.txt");
    assert_int_equal(BOOT(), 0);
    COUNTS(N_FACTORY - 2, 0, 0, 1, 0, 1);
    STATE("/usr/main.py", QPYBAK_STATE_RESTORED);
    assert_int_equal(evs[3].ev.state, QPYBAK_STATE_INVALID);
    assert_int_equal(evs[3].ev.reason, QPYBAK_REASON_NAME_TOO_LONG);
    assert_int_equal(ram_port_type(ram, "/usr/lib/sub/deep.txt"), 0);
    cfg.buffer_size = qpybak_buffer_min(20) - 1;
    assert_int_equal(qpybak_boot(&cfg, &res), QPYBAK_ERR_NOMEM);
}

static void test_empty_file(void **state)
{
    const struct ev_copy *e;

    (void)state;
    scene(false, true); /* QuecPython form: "0xffffffff", no size */
    expect_intact_boot_writes_nothing(__LINE__);
    e = ev_of("/usr/empty.txt");
    assert_int_equal(e->ev.state, QPYBAK_STATE_OK);
    assert_int_equal(e->ev.actual_crc, 0xffffffffu);
    assert_int_equal(e->ev.actual_size, 0);
    /* missing: restored as an empty file */
    ram_port_delete(ram, "/usr/empty.txt");
    assert_int_equal(BOOT(), 0);
    STATE("/usr/empty.txt", QPYBAK_STATE_RESTORED);
    assert_int_equal(ram_port_type(ram, "/usr/empty.txt"), QPYBAK_TYPE_FILE);
    assert_true(file_is("/usr/empty.txt", "", 0));
    /* non-empty where empty is recorded */
    put_str("/usr/empty.txt", "x");
    assert_int_equal(BOOT(), 0);
    STATE("/usr/empty.txt", QPYBAK_STATE_RESTORED);
    assert_true(file_is("/usr/empty.txt", "", 0));
}

/* With a zero start, leading zero bytes do not change the CRC: the size
 * catches what the CRC cannot. */
static void test_same_crc_caught_by_size(void **state)
{
    static const char padded[] = "\0\0\0\0hello";
    const struct ev_copy *e;

    (void)state;
    assert_int_equal(crc_of(padded, 9), crc_of("hello", 5));
    scene(true, true);
    put("/usr/zeros.bin", "", 0); /* truncated: CRC 0xffffffff, like 4096 zeros */
    assert_int_equal(BOOT(), 0);
    e = ev_of("/usr/zeros.bin");
    assert_int_equal(e->ev.state, QPYBAK_STATE_RESTORED);
    assert_int_equal(e->ev.found, QPYBAK_STATE_MODIFIED);
    assert_int_equal(e->ev.actual_crc, e->ev.expected_crc);
    assert_int_equal(e->ev.actual_size, 0);
    assert_true(file_is("/usr/zeros.bin", zeros4096, 4096));
    put("/usr/zeros.bin", zeros4096, 4095);
    assert_int_equal(BOOT(), 0);
    STATE("/usr/zeros.bin", QPYBAK_STATE_RESTORED);
    assert_true(file_is("/usr/zeros.bin", zeros4096, 4096));
    /* "hello" with four zero bytes in front */
    put("/bak/usr/deep5", "hello", 5);
    {
        static struct mtext m;
        struct mentry en = {"/usr/deep5", 0, true, 5};

        en.crc = crc_of("hello", 5);
        manifest_of(&m, &en, 1);
        put(PRIMARY, m.buf, m.len);
        put(SHADOW, m.buf, m.len);
        put(BACKUP_MANIFEST, m.buf, m.len);
    }
    put("/usr/deep5", padded, 9);
    assert_int_equal(STATUS(), 0);
    STATE("/usr/deep5", QPYBAK_STATE_MODIFIED);
    assert_int_equal(BOOT(), 0);
    STATE("/usr/deep5", QPYBAK_STATE_RESTORED);
    assert_true(file_is("/usr/deep5", "hello", 5));
}

/* Without a size (QuecPython's manifests) the CRC is all there is. */
static void test_same_crc_without_size(void **state)
{
    (void)state;
    scene(false, true);
    put("/usr/zeros.bin", zeros4096, 10);
    take_snapshot();
    assert_int_equal(BOOT(), 0);
    STATE("/usr/zeros.bin", QPYBAK_STATE_OK);
    assert_int_equal(ram->stats.mutations, 0);
    UNCHANGED();
}

/* The user manifest with one entry's value replaced, as a writer that
 * does not know "size" (QuecPython's checksum.update) leaves it: the new
 * crc32, the old size. */
static void user_entry_value(const char *name, uint32_t crc, bool has_size, uint32_t size)
{
    static struct mtext m;
    struct mentry e[N_FACTORY];
    int i;

    factory_entries(e, true);
    for (i = 0; i < N_FACTORY; i++) {
        if (strcmp(e[i].name, name) == 0) {
            e[i].crc = crc;
            e[i].has_size = has_size;
            e[i].size = size;
        }
    }
    manifest_of(&m, e, N_FACTORY);
    put(PRIMARY, m.buf, m.len);
    put(SHADOW, m.buf, m.len);
}

/* Issue 11.1: a size that a writer left behind when it recorded a new
 * crc32 never costs the edit; the damage the size exists for is still
 * caught (docs/format.md, "The size member"). */
static void test_stale_size_keeps_edit(void **state)
{
    static const char longer[] = "import app\napp.run(debug=True)\n";
    static const char shorter[] = "pass\n";
    static const char zeros_edit[] = "\0\0\0\0edited";
    uint32_t old_size = (uint32_t)ff("/usr/main.py")->len;
    const struct ev_copy *e;

    (void)state;
    scene(true, true);
    /* an edit that grew the file, recorded with the old size */
    put("/usr/main.py", longer, strlen(longer));
    user_entry_value("/usr/main.py", crc_of(longer, strlen(longer)), true, old_size);
    assert_int_equal(STATUS(), 0);
    e = ev_of("/usr/main.py");
    assert_int_equal(e->ev.state, QPYBAK_STATE_OK);
    assert_true(e->ev.warnings & QPYBAK_WARN_SIZE_STALE);
    assert_true(res.warnings & QPYBAK_WARN_SIZE_STALE);
    take_snapshot();
    assert_int_equal(BOOT(), 0);
    STATE("/usr/main.py", QPYBAK_STATE_OK);
    assert_true(file_is("/usr/main.py", longer, strlen(longer)));
    UNCHANGED();
    /* one that shrank it */
    put("/usr/main.py", shorter, strlen(shorter));
    user_entry_value("/usr/main.py", crc_of(shorter, strlen(shorter)), true, old_size);
    assert_int_equal(BOOT(), 0);
    e = ev_of("/usr/main.py");
    assert_int_equal(e->ev.state, QPYBAK_STATE_OK);
    assert_true(e->ev.warnings & QPYBAK_WARN_SIZE_STALE);
    assert_true(file_is("/usr/main.py", shorter, strlen(shorter)));
    /* back to the factory content, the size of an earlier edit left */
    put("/usr/main.py", ff("/usr/main.py")->data, old_size);
    user_entry_value("/usr/main.py", fcrc("/usr/main.py"), true, 3);
    assert_int_equal(BOOT(), 0);
    STATE("/usr/main.py", QPYBAK_STATE_OK);
    assert_int_equal(ram->stats.mutations, 0);
    /* the factory value with its size: zeros in front are damage, and the
     * factory copy has the recorded CRC - nothing is lost restoring it */
    scene(true, true);
    put("/usr/empty.txt", zeros4096, 4096); /* zeros standing for an empty file */
    assert_int_equal(BOOT(), 0);
    STATE("/usr/empty.txt", QPYBAK_STATE_RESTORED);
    assert_true(file_is("/usr/empty.txt", "", 0));
    /* an edit recorded with its size, then grown by leading zeros: likely
     * damage, but only the size says so - kept and reported */
    put("/usr/main.py", zeros_edit, sizeof zeros_edit - 1);
    user_entry_value("/usr/main.py", crc_of("edited", 6), true, 6);
    assert_int_equal(STATUS(), 0);
    e = ev_of("/usr/main.py");
    assert_int_equal(e->ev.state, QPYBAK_STATE_MODIFIED);
    assert_int_equal(e->ev.reason, QPYBAK_REASON_LEADING_ZEROS);
    assert_int_equal(BOOT(), 0);
    e = ev_of("/usr/main.py");
    assert_int_equal(e->ev.state, QPYBAK_STATE_UNRECOVERABLE);
    assert_int_equal(e->ev.reason, QPYBAK_REASON_LEADING_ZEROS);
    assert_true(file_is("/usr/main.py", zeros_edit, sizeof zeros_edit - 1));
    /* the same edit grown by other bytes: the size is stale */
    put("/usr/main.py", "edited", 6);
    user_entry_value("/usr/main.py", crc_of("edited", 6), true, 2);
    assert_int_equal(BOOT(), 0);
    STATE("/usr/main.py", QPYBAK_STATE_OK);
}

/* The user manifest listing only the first n factory files, in order - what
 * QuecPython leaves after rewriting it from the first 16 KiB it read. */
static void user_first(int n, bool reverse)
{
    static struct mtext m;
    struct mentry all[N_FACTORY], e[N_FACTORY];
    int i;

    factory_entries(all, true);
    for (i = 0; i < n; i++)
        e[i] = all[reverse ? n - 1 - i : i];
    manifest_of(&m, e, (size_t)n);
    put(PRIMARY, m.buf, m.len);
    put(SHADOW, m.buf, m.len);
}

/* Issue 11.2: every file the backup manifest lists stays protected when a
 * writer dropped its entry from the user manifest. */
static void test_factory_floor(void **state)
{
    const struct ev_copy *e;
    uint32_t crc;

    (void)state;
    scene(true, true);
    user_first(4, false); /* /usr/empty.txt and /usr/zeros.bin dropped */
    put_str("/usr/zeros.bin", "damaged");
    assert_int_equal(STATUS(), 0);
    assert_int_equal(res.dropped, 2);
    e = ev_of("/usr/zeros.bin");
    assert_int_equal(e->ev.state, QPYBAK_STATE_MODIFIED);
    assert_true(e->ev.warnings & QPYBAK_WARN_DROPPED);
    assert_int_equal(e->ev.index, 5); /* its place in the backup manifest */
    e = ev_of("/usr/empty.txt");
    assert_int_equal(e->ev.state, QPYBAK_STATE_OK);
    assert_true(e->ev.warnings & QPYBAK_WARN_DROPPED);
    assert_true(res.warnings & QPYBAK_WARN_DROPPED);
    /* boot restores it and lists both again */
    assert_int_equal(BOOT(), 0);
    STATE("/usr/zeros.bin", QPYBAK_STATE_RESTORED);
    assert_true(file_is_factory("/usr/zeros.bin"));
    assert_int_equal(recorded_crc(PRIMARY, "/usr/zeros.bin"), fcrc("/usr/zeros.bin"));
    assert_int_equal(recorded_crc(SHADOW, "/usr/empty.txt"), fcrc("/usr/empty.txt"));
    take_snapshot();
    assert_int_equal(BOOT(), 0);
    assert_int_equal(res.dropped, 0);
    assert_int_equal(ram->stats.mutations, 0);
    COUNTS(N_FACTORY, 0, 0, 0, 0, 0);

    /* a factory name the backup manifest lists twice (not first) is
     * checked and reported once */
    {
        static struct mtext m;
        struct mentry twice[N_FACTORY + 1];

        factory_entries(twice, true);
        twice[N_FACTORY] = twice[N_FACTORY - 1];
        manifest_of(&m, twice, N_FACTORY + 1);
        put(BACKUP_MANIFEST, m.buf, m.len);
        user_first(N_FACTORY - 1, false);
        assert_int_equal(STATUS(), 0);
        assert_int_equal(res.dropped, 1);
        COUNTS(N_FACTORY, 0, 0, 0, 0, 0);
        factory_manifest(&m, true);
        put(BACKUP_MANIFEST, m.buf, m.len);
    }

    /* the same names in another order: nothing is dropped, nothing read
     * twice to know it */
    user_first(N_FACTORY, true);
    assert_int_equal(STATUS(), 0);
    assert_int_equal(res.dropped, 0);
    COUNTS(N_FACTORY, 0, 0, 0, 0, 0);

    /* calc of a dropped factory file records its edit (and lists the
     * others again) */
    user_first(2, true);
    put_str("/usr/lib/util.py", "def f():\n    return 43\n");
    assert_int_equal(CALC("/usr/lib/util.py", &crc), 1);
    assert_int_equal(recorded_crc(PRIMARY, "/usr/lib/util.py"), crc);
    assert_int_equal(BOOT(), 0);
    STATE("/usr/lib/util.py", QPYBAK_STATE_OK);
    assert_int_equal(res.dropped, 0);
    assert_true(ram_port_file_is(ram, "/usr/lib/util.py", "def f():\n    return 43\n"));

    /* an edit recorded by calc, whose entry another writer then dropped
     * from the primary only: the stale shadow still records it, so it is
     * kept, and listed again with its value */
    scene(true, true);
    put_str("/usr/lib/sub/deep.txt", "deeper");
    assert_int_equal(CALC("/usr/lib/sub/deep.txt", &crc), 1);
    {
        static struct mtext m;
        struct mentry first[N_FACTORY];

        factory_entries(first, true);
        manifest_of(&m, first, 3); /* main.py, apn_cfg.json, lib/util.py */
        put(PRIMARY, m.buf, m.len);
    }
    assert_int_equal(STATUS(), 0);
    e = ev_of("/usr/lib/sub/deep.txt");
    assert_int_equal(e->ev.state, QPYBAK_STATE_OK);
    assert_true(e->ev.warnings & QPYBAK_WARN_DROPPED);
    assert_int_equal(e->ev.expected_crc, crc);
    assert_int_equal(BOOT(), 0);
    STATE("/usr/lib/sub/deep.txt", QPYBAK_STATE_OK);
    assert_true(ram_port_file_is(ram, "/usr/lib/sub/deep.txt", "deeper"));
    assert_int_equal(recorded_crc(PRIMARY, "/usr/lib/sub/deep.txt"), crc);
    assert_true(same_file(PRIMARY, SHADOW));
    assert_true(res.repaired & QPYBAK_REPAIRED_SHADOW);
    assert_int_equal(STATUS(), 0);
    assert_int_equal(res.dropped, 0);
    STATE("/usr/lib/sub/deep.txt", QPYBAK_STATE_OK);
}

static void test_flag_off(void **state)
{
    static const struct {
        const char *flag; /* NULL: missing; "big": over QPYBAK_FLAG_MAX */
        enum qpybak_off why;
    } cases[] = {
        {NULL, QPYBAK_OFF_MISSING},
        {"{\"enable\": 0}", QPYBAK_OFF_DISABLED},
        {"{\"enable\": false}", QPYBAK_OFF_DISABLED},
        {"{\"enable\": 0.0}", QPYBAK_OFF_DISABLED},
        {"{\"enable\": [1,]}", QPYBAK_OFF_MALFORMED},
        {"{\"enable\": 1", QPYBAK_OFF_MALFORMED},
        {"{}", QPYBAK_OFF_MALFORMED},
        {"", QPYBAK_OFF_MALFORMED},
        {"big", QPYBAK_OFF_TOO_LARGE},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int run;

        teardown(NULL);
        setup(NULL);
        scene(true, false);
        ram_port_delete(ram, FLAG);
        if (cases[i].flag && strcmp(cases[i].flag, "big") == 0) {
            static char big[QPYBAK_FLAG_MAX + 100];

            memset(big, ' ', sizeof big);
            memcpy(big, "{\"enable\": 1}", 13);
            put(FLAG, big, sizeof big);
        } else if (cases[i].flag) {
            put_str(FLAG, cases[i].flag);
        }
        /* damage of every kind: still nothing may change */
        ram_port_delete(ram, "/usr/main.py");
        put_str("/usr/apn_cfg.json", "damaged");
        put_str("/usr/checksum.json.qpybak-tmp", "stale");
        put_str(SHADOW, "corrupt");
        allow_temps = true;
        for (run = 0; run < 2; run++) {
            take_snapshot();
            if (run == 0)
                assert_int_equal(BOOT(), 0);
            else
                assert_int_equal(STATUS(), 0);
            assert_false(res.enabled);
            if (res.off != cases[i].why)
                fail_msg("flag case %zu: off %s, want %s", i, qpybak_off_text(res.off),
                         qpybak_off_text(cases[i].why));
            COUNTS(0, 0, 0, 0, 0, 0);
            assert_int_equal(ram->stats.mutations, 0);
            assert_false(res.report_written);
            assert_false(res.manifest_written);
            UNCHANGED();
        }
    }
}

static void test_flag_is_directory(void **state)
{
    (void)state;
    scene(true, true);
    ram_port_delete(ram, FLAG);
    assert_int_equal(ram_port_mkdirs(ram, FLAG), 0);
    ram_port_delete(ram, "/usr/main.py");
    take_snapshot();
    assert_int_equal(BOOT(), 0);
    assert_false(res.enabled);
    assert_int_not_equal(res.off, QPYBAK_OFF_NONE);
    assert_int_equal(ram->stats.mutations, 0);
    UNCHANGED();
}

/* Status reports what boot would fix, and changes nothing at all. */
static void test_status_changes_nothing(void **state)
{
    static const char doc_tail[] = ",\n{\"name\": \"/usr/../x\", \"crc32\": \"0x1\"}\n]\n";
    size_t len;
    char text[4096];
    const uint8_t *p;

    (void)state;
    scene(true, true);
    /* an invalid entry appended to the primary */
    p = ram_port_get(ram, PRIMARY, &len);
    assert_true(len > 4 && len + sizeof doc_tail < sizeof text);
    memcpy(text, p, len - 3); /* without "\n]\n" */
    memcpy(text + len - 3, doc_tail, sizeof doc_tail);
    put_str(PRIMARY, text);
    put_str(SHADOW, "corrupt");
    ram_port_delete(ram, "/usr/main.py");
    put_str("/usr/apn_cfg.json", "damaged");
    put_str("/bak/usr/lib/util.py", "rotten backup copy");
    put_str("/usr/lib/util.py", "damaged too");
    put_str("/usr/checksum.json.qpybak-tmp", "stale temp");
    put_str("/usr/.qpybak-tmp", "stale temp");
    take_snapshot();
    allow_temps = true;
    assert_int_equal(STATUS(), 0);
    assert_true(res.enabled);
    COUNTS(N_FACTORY - 3, 1, 2, 0, 0, 1);
    STATE("/usr/main.py", QPYBAK_STATE_MISSING);
    STATE("/usr/apn_cfg.json", QPYBAK_STATE_MODIFIED);
    STATE("/usr/lib/util.py", QPYBAK_STATE_MODIFIED);
    STATE("/usr/empty.txt", QPYBAK_STATE_OK);
    assert_int_equal(evs[N_FACTORY].ev.state, QPYBAK_STATE_INVALID);
    assert_int_equal(res.shadow, QPYBAK_MANIFEST_CORRUPT);
    assert_int_equal(ram->stats.mutations, 0);
    assert_int_equal(ram->stats.write_opens, 0);
    assert_false(res.manifest_written);
    assert_false(res.report_written);
    assert_int_equal(res.repaired, 0);
    assert_int_equal(res.stale_temps, 0);
    UNCHANGED();
}

static void test_status_primary_corrupt(void **state)
{
    (void)state;
    scene(true, true);
    put_str(PRIMARY, "[");
    put_str("/usr/main.py", "x");
    take_snapshot();
    reset_run();
    assert_int_equal(qpybak_status(&cfg, &res), 0);
    assert_int_equal(res.source, QPYBAK_SOURCE_SHADOW);
    assert_int_equal(res.primary, QPYBAK_MANIFEST_CORRUPT);
    STATE("/usr/main.py", QPYBAK_STATE_MODIFIED);
    assert_int_equal(ram->stats.mutations, 0);
    UNCHANGED();
}

/* Stale temporary files of a cut run are removed by the next boot. */
static void test_stale_temps_removed(void **state)
{
    (void)state;
    scene(true, true);
    put_str("/usr/checksum.json.qpybak-tmp", "[{\"name\": ");
    put_str("/usr/.qpybak/checksum.json.qpybak-tmp", "[");
    put_str("/usr/.qpybak/boot.json.qpybak-tmp", "{");
    put_str("/usr/main.py", "damaged");
    put_str("/usr/.qpybak-tmp", "half a cop"); /* an install's temporary file */
    assert_int_equal(BOOT(), 0); /* hygiene(): no temporary file left */
    assert_true(res.stale_temps >= 4);
    STATE("/usr/main.py", QPYBAK_STATE_RESTORED);
    assert_true(file_is_factory("/usr/main.py"));
}

/* A file system whose rename cannot replace (FAT): the hook refuses a
 * rename onto an existing file, as FatFs does, and can cut the power right
 * after the core removed the old primary (every later call fails). */
static bool cut_after_primary_removed, power_is_off;

static int no_replace_hook(void *ctx, enum ram_op op, const char *path, const char *path2)
{
    (void)ctx;
    if (power_is_off)
        return QPYBAK_ERR_IO;
    if (op == RAM_OP_RENAME && ram_port_type(ram, path2) == QPYBAK_TYPE_FILE)
        return QPYBAK_ERR_EXIST;
    if (op == RAM_OP_REMOVE && cut_after_primary_removed && strcmp(path, PRIMARY) == 0)
        power_is_off = true; /* the remove itself is done: the window */
    return 0;
}

static void test_rename_cannot_replace(void **state)
{
    static const char edited[] = "import app\napp.run(debug=True)\n";
    uint32_t crc = 0;

    (void)state;
    /* calc and a boot restore on such a port: the same outcome as on any */
    scene(true, true);
    ram->hook = no_replace_hook;
    put_str("/usr/main.py", edited);
    assert_int_equal(CALC("/usr/main.py", &crc), 1);
    assert_int_equal(recorded_crc(PRIMARY, "/usr/main.py"), crc_of(edited, strlen(edited)));
    assert_true(same_file(PRIMARY, SHADOW));
    put_str("/usr/apn_cfg.json", "damaged");
    assert_int_equal(BOOT(), 0);
    STATE("/usr/apn_cfg.json", QPYBAK_STATE_RESTORED);
    assert_true(file_is_factory("/usr/apn_cfg.json"));
    assert_true(ram_port_file_is(ram, "/usr/main.py", edited));

    /* a cut between the remove of the primary and the rename: the next
     * boot puts the complete temporary in place, the edit is kept */
    put_str("/usr/main.py", "import app\n");
    cut_after_primary_removed = true;
    reset_run();
    assert_true(qpybak_calc(&cfg, "/usr/main.py", &crc) < 0);
    cut_after_primary_removed = power_is_off = false;
    assert_int_equal(ram_port_type(ram, PRIMARY), 0);
    assert_int_equal(ram_port_type(ram, PRIMARY ".qpybak-tmp"), QPYBAK_TYPE_FILE);
    assert_int_equal(BOOT(), 0); /* hygiene(): no temporary left */
    STATE("/usr/main.py", QPYBAK_STATE_OK);
    assert_true(ram_port_file_is(ram, "/usr/main.py", "import app\n"));
    assert_int_equal(recorded_crc(PRIMARY, "/usr/main.py"), crc_of("import app\n", 11));
    assert_true(same_file(PRIMARY, SHADOW));

    /* a torn temporary is never put in place: the shadow is used */
    ram_port_delete(ram, PRIMARY);
    put_str(PRIMARY ".qpybak-tmp", "[{\"name\": \"/usr/main.py\", \"crc32\": \"0x");
    assert_int_equal(BOOT(), 0);
    assert_int_equal(res.source, QPYBAK_SOURCE_SHADOW);
    STATE("/usr/main.py", QPYBAK_STATE_OK);
    assert_true(same_file(PRIMARY, SHADOW));
    ram->hook = NULL;
}

/* A directory where a tracked file belongs is not replaced. */
static void test_directory_in_place_of_file(void **state)
{
    const struct ev_copy *e;

    (void)state;
    scene(true, true);
    ram_port_delete(ram, "/usr/main.py");
    put_str("/usr/main.py/inner", "a directory's file");
    assert_int_equal(BOOT(), 0);
    e = ev_of("/usr/main.py");
    assert_int_equal(e->ev.state, QPYBAK_STATE_UNRECOVERABLE);
    assert_int_equal(e->ev.reason, QPYBAK_REASON_NOT_FILE);
    assert_true(ram_port_file_is(ram, "/usr/main.py/inner", "a directory's file"));
    COUNTS(N_FACTORY - 1, 0, 0, 0, 1, 0);
}

/* A storage error on one file does not stop the others. */
struct fail_read {
    const char *path;
};

static struct fail_read fail_read;

static int failing_read_hook(void *ctx, enum ram_op op, const char *path, const char *path2)
{
    (void)ctx;
    (void)path2;
    if (op == RAM_OP_READ && path && strcmp(path, fail_read.path) == 0)
        return QPYBAK_ERR_IO;
    return 0;
}

static void test_io_error_one_file(void **state)
{
    const struct ev_copy *e;

    (void)state;
    scene(true, true);
    put_str("/usr/apn_cfg.json", "damaged");
    ram_port_delete(ram, "/usr/main.py");
    fail_read.path = "/bak/usr/apn_cfg.json";
    ram->hook = failing_read_hook;
    assert_int_equal(BOOT(), 0);
    e = ev_of("/usr/apn_cfg.json");
    assert_int_equal(e->ev.state, QPYBAK_STATE_UNRECOVERABLE);
    assert_int_equal(e->ev.reason, QPYBAK_REASON_IO);
    assert_int_equal(e->ev.error, QPYBAK_ERR_IO);
    assert_int_equal(res.error, QPYBAK_ERR_IO);
    assert_true(ram_port_file_is(ram, "/usr/apn_cfg.json", "damaged"));
    /* the others were still checked and restored */
    STATE("/usr/main.py", QPYBAK_STATE_RESTORED);
    COUNTS(N_FACTORY - 2, 0, 0, 1, 1, 0);
}

static void test_report_content(void **state)
{
    size_t len;
    const char *p;
    char text[8192];

    (void)state;
    scene(true, true);
    ram_port_delete(ram, "/usr/main.py");
    assert_int_equal(BOOT(), 0);
    p = (const char *)ram_port_get(ram, REPORT, &len);
    assert_non_null(p);
    assert_true(len > 0 && len < sizeof text);
    memcpy(text, p, len);
    text[len] = '\0';
    assert_non_null(strstr(text, "\"/usr/main.py\""));
    assert_non_null(strstr(text, "\"restored\""));
    assert_true(text[0] == '{');
    assert_true(text[len - 1] == '\n' || text[len - 1] == '}');
}

static void test_config_errors(void **state)
{
    struct qpybak_config bad;
    uint32_t crc;

    (void)state;
    scene(true, true);
    take_snapshot();
    assert_int_equal(qpybak_boot(NULL, &res), QPYBAK_ERR_INVAL);
    bad = cfg;
    bad.port = NULL;
    assert_int_equal(qpybak_boot(&bad, &res), QPYBAK_ERR_INVAL);
    bad = cfg;
    bad.buffer = NULL;
    assert_int_equal(qpybak_boot(&bad, &res), QPYBAK_ERR_INVAL);
    assert_int_equal(qpybak_status(&bad, &res), QPYBAK_ERR_INVAL);
    assert_true(qpybak_calc(&bad, "/usr/main.py", &crc) < 0);
    bad = cfg;
    bad.buffer_size = qpybak_buffer_min(0) - 1;
    assert_int_equal(qpybak_boot(&bad, &res), QPYBAK_ERR_NOMEM);
    assert_int_equal(qpybak_status(&bad, &res), QPYBAK_ERR_NOMEM);
    assert_int_equal(qpybak_calc(&bad, "/usr/main.py", &crc), QPYBAK_ERR_NOMEM);
    bad.name_max = 1000;
    bad.buffer_size = qpybak_buffer_min(1000) - 1;
    assert_int_equal(qpybak_boot(&bad, &res), QPYBAK_ERR_NOMEM);
    assert_true(qpybak_buffer_min(1000) > qpybak_buffer_min(0));
    assert_int_equal(qpybak_buffer_min(0), qpybak_buffer_min(QPYBAK_NAME_MAX_DEFAULT));
    UNCHANGED();
    /* the smallest buffer, unaligned, and no result structure */
    cfg.buffer = work + 1;
    cfg.buffer_size = qpybak_buffer_min(0);
    expect_intact_boot_writes_nothing(__LINE__);
    reset_run();
    assert_int_equal(qpybak_boot(&cfg, NULL), 0);
    assert_int_equal(n_evs, N_FACTORY);
}

/* QPYBAK_BUFFER_MIN is documented as enough for the default name limit. */
static void test_buffer_min_constant(void **state)
{
    (void)state;
    if (qpybak_buffer_min(0) > QPYBAK_BUFFER_MIN)
        fail_msg("qpybak_buffer_min(0) = %zu > QPYBAK_BUFFER_MIN = %d: a buffer of the documented "
                 "size is refused with NOMEM",
                 qpybak_buffer_min(0), QPYBAK_BUFFER_MIN);
    scene(true, true);
    cfg.buffer_size = QPYBAK_BUFFER_MIN;
    expect_intact_boot_writes_nothing(__LINE__);
}

/* Many files, many kinds of damage: the smallest buffer and short reads
 * give the same outcome as a large buffer. */
static void test_many_files_buffer_sizes(void **state)
{
    static struct mtext m;
    static struct mentry e[50];
    static char names[50][40], data[50][64];
    static struct ev_copy first[300];
    static struct ram_port *after;
    int round, i, n_first = 0;

    (void)state;
    after = ram_port_new();
    for (round = 0; round < 2; round++) {
        teardown(NULL);
        setup(NULL);
        cfg.buffer_size = round == 0 ? sizeof work : qpybak_buffer_min(0);
        ram->read_cap = round == 0 ? 0 : 5;
        for (i = 0; i < 50; i++) {
            char bak[64];
            size_t len = (size_t)snprintf(data[i], sizeof data[i], "content of file %d %s", i,
                                          i % 3 ? "xxxxxxxxxxxx" : "");

            snprintf(names[i], sizeof names[i], "/usr/d%d/f%02d.py", i % 4, i);
            snprintf(bak, sizeof bak, "/bak%.59s", names[i]);
            put(bak, data[i], len);
            put(names[i], data[i], len);
            e[i].name = names[i];
            e[i].crc = crc_of(data[i], len);
            e[i].has_size = i % 2 == 0;
            e[i].size = (uint32_t)len;
        }
        manifest_of(&m, e, 50);
        put(BACKUP_MANIFEST, m.buf, m.len);
        put(PRIMARY, m.buf, m.len);
        put(SHADOW, m.buf, m.len);
        put_str(FLAG, "{\"enable\": 1}");
        for (i = 0; i < 50; i += 7)
            ram_port_delete(ram, names[i]);
        for (i = 3; i < 50; i += 11)
            put_str(names[i], "damaged");
        put_str("/bak/usr/d1/f49.py", "rotten");
        put_str(names[49], "damaged");
        assert_int_equal(BOOT(), 0);
        /* missing: 0 7 21 28 35 42; modified: 3 14 25 36 47 49 (49's copy rotten) */
        COUNTS(38, 0, 0, 11, 1, 0);
        if (round == 0) {
            memcpy(first, evs, sizeof first);
            n_first = n_evs;
            assert_int_equal(ram_port_copy_tree(after, ram), 0);
        } else {
            assert_int_equal(n_evs, n_first);
            for (i = 0; i < n_evs; i++) {
                assert_string_equal(evs[i].name, first[i].name);
                assert_int_equal(evs[i].ev.state, first[i].ev.state);
                assert_int_equal(evs[i].ev.reason, first[i].ev.reason);
            }
            /* the same files, whatever the buffer (the report aside) */
            ram_port_delete(ram, REPORT);
            ram_port_delete(after, REPORT);
            assert_true(ram_port_equal(ram, after));
        }
    }
    ram_port_free(after);
}

/* ============================================================== calc */

static void test_calc_records_edit(void **state)
{
    static const char edited[] = "import app\napp.run(debug=True)\n";
    uint32_t crc = 0, size = 0;
    bool has_size = false;
    int i;

    (void)state;
    scene(true, true);
    put_str("/usr/main.py", edited);
    assert_int_equal(CALC("/usr/main.py", &crc), 1);
    assert_int_equal(crc, crc_of(edited, strlen(edited)));
    assert_int_equal(manifest_lookup(PRIMARY, "/usr/main.py", &crc, &has_size, &size, &i), 1);
    assert_int_equal(crc, crc_of(edited, strlen(edited)));
    assert_true(has_size);
    assert_int_equal(size, strlen(edited));
    assert_int_equal(i, N_FACTORY); /* no entry added or lost */
    assert_true(same_file(PRIMARY, SHADOW));
    for (i = 1; i < N_FACTORY; i++)
        assert_int_equal(recorded_crc(PRIMARY, factory[i].name), fcrc(factory[i].name));
    /* the next boot keeps the edit and writes nothing */
    expect_intact_boot_writes_nothing(__LINE__);
    assert_true(ram_port_file_is(ram, "/usr/main.py", edited));
    /* the backup partition still has the factory value */
    assert_int_equal(recorded_crc(BACKUP_MANIFEST, "/usr/main.py"), fcrc("/usr/main.py"));
    /* calc again: already recorded, no flash write */
    assert_int_equal(CALC("/usr/main.py", &crc), 1);
    assert_int_equal(ram->stats.mutations, 0);
    /* damage the edited file: restored to the factory copy (the only one) */
    put_str("/usr/main.py", "damaged after the edit");
    assert_int_equal(BOOT(), 0);
    STATE("/usr/main.py", QPYBAK_STATE_RESTORED);
    assert_true(file_is_factory("/usr/main.py"));
}

/* calc with a corrupt primary works from the shadow and repairs both. */
static void test_calc_primary_corrupt(void **state)
{
    uint32_t crc;

    (void)state;
    scene(true, true);
    put_str(PRIMARY, "[{");
    put_str("/usr/main.py", "edited");
    assert_int_equal(CALC("/usr/main.py", &crc), 1);
    assert_int_equal(crc, crc_of("edited", 6));
    assert_int_equal(recorded_crc(PRIMARY, "/usr/main.py"), crc_of("edited", 6));
    assert_int_equal(recorded_crc(PRIMARY, "/usr/apn_cfg.json"), fcrc("/usr/apn_cfg.json"));
    assert_true(same_file(PRIMARY, SHADOW));
    expect_intact_boot_writes_nothing(__LINE__);
    assert_true(ram_port_file_is(ram, "/usr/main.py", "edited"));
}

/* calc with no user manifest at all: the file is not tracked (yet). */
static void test_calc_no_manifest(void **state)
{
    uint32_t crc;

    (void)state;
    scene(true, true);
    ram_port_delete(ram, PRIMARY);
    ram_port_delete(ram, SHADOW);
    ram_port_delete(ram, BACKUP_MANIFEST);
    take_snapshot();
    assert_int_equal(CALC("/usr/main.py", &crc), 0);
    assert_int_equal(crc, fcrc("/usr/main.py"));
    assert_int_equal(ram->stats.mutations, 0);
    UNCHANGED();
}

/* calc on a QuecPython manifest (no sizes): the entry gets its size too. */
static void test_calc_quecpython_form(void **state)
{
    uint32_t crc, size = 0;
    bool has_size = false;

    (void)state;
    scene(false, true);
    put_str("/usr/apn_cfg.json", "{\"apn\": \"3gnet\"}");
    assert_int_equal(CALC("/usr/apn_cfg.json", &crc), 1);
    assert_int_equal(manifest_lookup(PRIMARY, "/usr/apn_cfg.json", &crc, &has_size, &size, NULL), 1);
    assert_int_equal(crc, crc_of("{\"apn\": \"3gnet\"}", 16));
    assert_true(has_size);
    assert_int_equal(size, 16);
    assert_true(same_file(PRIMARY, SHADOW));
    expect_intact_boot_writes_nothing(__LINE__);
}

static void test_calc_untracked(void **state)
{
    uint32_t crc = 0;

    (void)state;
    scene(true, true);
    put_str("/usr/notes.txt", "123456789");
    take_snapshot();
    assert_int_equal(CALC("/usr/notes.txt", &crc), 0);
    assert_int_equal(crc, 0xd202d277u);
    assert_int_equal(ram->stats.mutations, 0);
    UNCHANGED();
    assert_int_equal(manifest_lookup(PRIMARY, "/usr/notes.txt", NULL, NULL, NULL, NULL), 0);
}

static void test_calc_missing(void **state)
{
    uint32_t crc = 0;

    (void)state;
    scene(true, true);
    ram_port_delete(ram, "/usr/main.py");
    take_snapshot();
    assert_int_equal(CALC("/usr/main.py", &crc), QPYBAK_ERR_NOENT);
    assert_int_equal(CALC("/usr/never/was.py", &crc), QPYBAK_ERR_NOENT);
    assert_int_equal(ram->stats.mutations, 0);
    UNCHANGED();
}

static void test_calc_bad_paths(void **state)
{
    static const char *const bad[] = {"/usr/../bak/checksum.json", "/bak/usr/main.py",
                                      "/usr/a\\b", "/usr/lib/", "usr/main.py", "/usr/",
                                      "/usr//main.py", "/etc/passwd"};
    uint32_t crc;
    size_t i;

    (void)state;
    scene(true, true);
    take_snapshot();
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = CALC(bad[i], &crc);

        if (rc >= 0)
            fail_msg("calc(%s) = %d, want an error", bad[i], rc);
        if (logged(bad[i]))
            fail_msg("calc(%s) gave the path to the port", bad[i]);
    }
    assert_true(CALC(NULL, &crc) < 0);
    assert_int_equal(ram->stats.mutations, 0);
    UNCHANGED();
}

/* calc keeps the entry order and every other entry, including those boot
 * cannot use (they are not calc's to drop)... at least the valid ones. */
static void test_calc_keeps_other_entries(void **state)
{
    static struct mtext m;
    struct mentry e[N_FACTORY];
    uint32_t crc;
    int i, n;

    (void)state;
    scene(true, true);
    for (i = 0; i < N_FACTORY; i++) {
        e[i].name = factory[N_FACTORY - 1 - i].name; /* reversed order */
        e[i].crc = fcrc(e[i].name);
        e[i].has_size = i % 2 == 0;
        e[i].size = (uint32_t)ff(e[i].name)->len;
    }
    manifest_of(&m, e, N_FACTORY);
    put(PRIMARY, m.buf, m.len);
    put(SHADOW, m.buf, m.len);
    put_str("/usr/lib/util.py", "edited");
    assert_int_equal(CALC("/usr/lib/util.py", &crc), 1);
    assert_int_equal(manifest_lookup(PRIMARY, "/usr/main.py", NULL, NULL, NULL, &n), 1);
    assert_int_equal(n, N_FACTORY);
    for (i = 0; i < N_FACTORY; i++) {
        uint32_t want = strcmp(e[i].name, "/usr/lib/util.py") == 0 ? crc_of("edited", 6)
                                                                    : e[i].crc;

        assert_int_equal(recorded_crc(PRIMARY, e[i].name), want);
    }
    /* order kept: the first entry is still the last factory file */
    {
        size_t len;
        const char *p = (const char *)ram_port_get(ram, PRIMARY, &len);
        const char *a = strstr(p, factory[N_FACTORY - 1].name), *b = strstr(p, factory[0].name);

        assert_non_null(a);
        assert_non_null(b);
        assert_true(a < b);
    }
}


/* Issue 8: a file that cannot be read is no evidence of damage.  With a
 * recorded edit it is kept and reported; with the factory value it is
 * restored (nothing the entry recorded is lost). */
static void test_unreadable_edit_kept(void **state)
{
    static const char edited[] = "import app\napp.run(debug=True)\n";
    const struct ev_copy *e;
    uint32_t crc;

    (void)state;
    scene(true, true);
    put_str("/usr/main.py", edited);
    assert_int_equal(CALC("/usr/main.py", &crc), 1);
    fail_read.path = "/usr/main.py";
    ram->hook = failing_read_hook;
    assert_int_equal(BOOT(), 0);
    e = ev_of("/usr/main.py");
    assert_int_equal(e->ev.state, QPYBAK_STATE_UNRECOVERABLE);
    assert_int_equal(e->ev.reason, QPYBAK_REASON_UNREADABLE);
    assert_int_equal(e->ev.error, QPYBAK_ERR_IO);
    assert_true(ram_port_file_is(ram, "/usr/main.py", edited));
    assert_int_equal(res.error, QPYBAK_ERR_IO);
    assert_non_null(res.error_path);
    assert_string_equal(res.error_path, "/usr/main.py");
    ram->hook = NULL;

    /* the same with the factory value: restored */
    scene(true, true);
    fail_read.path = "/usr/apn_cfg.json";
    ram->hook = failing_read_hook;
    assert_int_equal(BOOT(), 0);
    STATE("/usr/apn_cfg.json", QPYBAK_STATE_RESTORED);
    ram->hook = NULL;
    assert_true(file_is_factory("/usr/apn_cfg.json"));
}

/* Issue 8: calc names the path at fault - here a non-empty folder at the
 * temporary name of the manifest it must replace. */
static void test_calc_error_path(void **state)
{
    static const char edited[] = "import app\napp.run(debug=True)\n";
    uint32_t crc;
    int rc;

    (void)state;
    scene(true, true);
    allow_temps = true;
    ram_port_mkdirs(ram, "/usr/checksum.json.qpybak-tmp/keep");
    put_str("/usr/main.py", edited);
    rc = CALC("/usr/main.py", &crc);
    assert_true(rc < 0);
    assert_non_null(qpybak_error_path(&cfg));
    assert_string_equal(qpybak_error_path(&cfg), "/usr/checksum.json.qpybak-tmp");
    /* nothing was recorded, the manifest is whole */
    assert_int_equal(recorded_crc(PRIMARY, "/usr/main.py"), fcrc("/usr/main.py"));
    /* a successful run leaves no path behind */
    ram_port_delete(ram, "/usr/checksum.json.qpybak-tmp/keep");
    ram_port_delete(ram, "/usr/checksum.json.qpybak-tmp");
    assert_int_equal(CALC("/usr/main.py", &crc), 1);
    assert_null(qpybak_error_path(&cfg));
}

/* Issue 8: a FOTA journal that cannot finish (its staged copy unreadable)
 * stays pending, and the files are checked all the same: a deleted file is
 * restored, a file that already holds its pending update is ok. */
static void test_pending_journal_does_not_stop_checks(void **state)
{
    static const char update[] = "import app\napp.run(v=2)\n";
    static const char util2[] = "def clamp2(): pass\n";
    char journal[1024];

    (void)state;
    scene(true, true);
    put_str("/usr/.updater/main.py", update);
    put_str("/usr/.updater/lib/util.py", util2);
    put_str("/usr/lib/util.py", util2); /* installed, not yet recorded */
    snprintf(journal, sizeof journal,
             "[\n{\"name\": \"/usr/lib/util.py\", \"crc32\": \"0x%08x\", \"size\": %zu, "
             "\"from\": \"/usr/.updater/lib/util.py\"},\n"
             "{\"name\": \"/usr/main.py\", \"crc32\": \"0x%08x\", \"size\": %zu, "
             "\"from\": \"/usr/.updater/main.py\"}\n]\n",
             (unsigned)crc_of(util2, strlen(util2)), strlen(util2),
             (unsigned)crc_of(update, strlen(update)), strlen(update));
    put_str("/usr/.qpybak/fota.json", journal);
    ram_port_delete(ram, "/usr/apn_cfg.json");
    fail_read.path = "/usr/.updater/main.py";
    ram->hook = failing_read_hook;
    assert_int_equal(BOOT(), 0);
    assert_true(res.fota.journal);
    assert_true(res.fota.pending);
    assert_true(ram_port_type(ram, "/usr/.qpybak/fota.json") > 0);
    STATE("/usr/apn_cfg.json", QPYBAK_STATE_RESTORED);
    STATE("/usr/lib/util.py", QPYBAK_STATE_OK);
    assert_true(ram_port_file_is(ram, "/usr/lib/util.py", util2));
    /* the next boot, the fault gone, finishes the update */
    ram->hook = NULL;
    assert_int_equal(BOOT(), 0);
    assert_false(res.fota.pending);
    assert_false(ram_port_type(ram, "/usr/.qpybak/fota.json") > 0);
    assert_true(ram_port_file_is(ram, "/usr/main.py", update));
    assert_int_equal(recorded_crc(PRIMARY, "/usr/main.py"), crc_of(update, strlen(update)));
    assert_int_equal(recorded_crc(PRIMARY, "/usr/lib/util.py"), crc_of(util2, strlen(util2)));
}

/* Issue 8: a journal whose "from" is not in one staging folder free of
 * tracked files is not followed: it could delete a tracked file. */
static void test_journal_not_confined(void **state)
{
    static const char edited[] = "def start(): return 'mine'\n";
    char journal[512];
    uint32_t crc;

    (void)state;
    scene(true, true);
    put_str("/usr/lib/util.py", edited);
    assert_int_equal(CALC("/usr/lib/util.py", &crc), 1);
    snprintf(journal, sizeof journal,
             "[{\"name\": \"/usr/util.py\", \"crc32\": \"0x12345678\", "
             "\"from\": \"/usr/lib/util.py\"}]");
    put_str("/usr/.qpybak/fota.json", journal);
    assert_int_equal(BOOT(), 0);
    assert_false(ram_port_type(ram, "/usr/.qpybak/fota.json") > 0);
    assert_true(ram_port_file_is(ram, "/usr/lib/util.py", edited));
    assert_false(ram_port_type(ram, "/usr/util.py") > 0);
    STATE("/usr/lib/util.py", QPYBAK_STATE_OK);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_intact_no_writes),
        T(test_read_ahead),
        T(test_intact_quecpython_form),
        T(test_first_boot_creates_shadow),
        T(test_missing_restored),
        T(test_missing_directories_recreated),
        T(test_modified_restored),
        T(test_backup_copy_corrupt),
        T(test_backup_copy_same_crc_wrong_size),
        T(test_backup_copy_missing),
        T(test_backup_manifest_missing_or_corrupt),
        T(test_backup_manifest_missing_edit_unrecoverable),
        T(test_edit_damaged_restored_to_factory),
        T(test_primary_corrupt_shadow_valid),
        T(test_shadow_keeps_edit),
        T(test_shadow_corrupt_or_stale),
        T(test_both_missing),
        T(test_both_corrupt),
        T(test_no_manifest_at_all),
        T(test_duplicate_names),
        T(test_invalid_entries_never_touched),
        T(test_reserved_entries_never_restored),
        T(test_small_name_limit),
        T(test_empty_file),
        T(test_same_crc_caught_by_size),
        T(test_same_crc_without_size),
        T(test_stale_size_keeps_edit),
        T(test_factory_floor),
        T(test_flag_off),
        T(test_flag_is_directory),
        T(test_status_changes_nothing),
        T(test_status_primary_corrupt),
        T(test_stale_temps_removed),
        T(test_rename_cannot_replace),
        T(test_directory_in_place_of_file),
        T(test_io_error_one_file),
        T(test_report_content),
        T(test_config_errors),
        T(test_buffer_min_constant),
        T(test_many_files_buffer_sizes),
        T(test_calc_records_edit),
        T(test_calc_primary_corrupt),
        T(test_calc_no_manifest),
        T(test_calc_quecpython_form),
        T(test_calc_untracked),
        T(test_calc_missing),
        T(test_calc_bad_paths),
        T(test_calc_keeps_other_entries),
        T(test_unreadable_edit_kept),
        T(test_calc_error_path),
        T(test_pending_journal_does_not_stop_checks),
        T(test_journal_not_confined),
    };
#undef T

    memset(zeros4096, 0, sizeof zeros4096);
    return cmocka_run_group_tests_name("boot", tests, NULL, NULL);
}
