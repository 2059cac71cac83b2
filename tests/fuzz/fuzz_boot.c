/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: qpybak_boot (and qpybak_status) over a RAM port whose whole
 * tree comes from the input: flag, user manifest, shadow, backup manifest,
 * and any files and folders under /usr and /bak.
 *
 * Input: 2 bytes of options, then sections separated by NUL bytes:
 *   section 0  /usr/checksum.json          (empty: absent)
 *   section 1  /usr/.qpybak/checksum.json  (empty: absent)
 *   section 2  /bak/checksum.json          (empty: absent)
 *   section 3  /bak/backup_restore.json    (empty: {"enable": 1})
 *   section 4+ "usr/PATH\nCONTENT" or "bak/PATH\nCONTENT": a file
 *              (CONTENT "\x01Z<n>;REST": n zero bytes, then REST);
 *              "usr/PATH/" alone: a folder
 *   byte 0: bits 0-1 work buffer (minimum, minimum+37, 4 KiB, 64 KiB);
 *           bits 2-3 name_max (default, 24, 64, 400); bit 4 random short
 *           reads; bit 5 a capacity limit; bit 6 one injected I/O error
 *           (data[1] >= 0xF0: a read-only user partition); bit 7 one-byte
 *           reads
 *   byte 1: the operation that fails / the spare capacity / the PRNG seed
 *
 * Invariants, every run (faults and full disks included):
 * - no crash, no sanitizer report, no handle left open;
 * - every path the core gives the port is canonical and under /usr or
 *   /bak; nothing under /bak is changed (the port refuses and counts it);
 *   no rename of an unsynced file, none across folders; at most five
 *   files open at once;
 * - status changes nothing; a flag that says off means boot changes
 *   nothing; a boot that finds everything intact writes nothing;
 * - an entry reported ok holds its checksum; a restored one holds the
 *   checksum reported, and is byte for byte the copy it came from (or, when
 *   a cut boot had installed it already, matches the factory entry with its
 *   size); an unrecoverable file is left as it was.
 * Without faults or capacity limits, also:
 * - status and boot agree entry by entry (ok/invalid alike; missing and
 *   modified become restored or unrecoverable, with that "found");
 * - the work buffer size changes nothing (qpybak.h: "A larger buffer makes
 *   the duplicate-name check and the file reads faster; nothing else
 *   changes"): the same events and the same final tree with 64 KiB;
 * - after a boot without storage errors the primary user manifest is valid
 *   and the shadow equals it, and a second boot restores nothing and
 *   changes nothing but its report.
 */
#include <stdbool.h>

#include "fuzz_util.h"
#include "ram_port.h"

#define MAX_EVENTS 512
#define NAME_MAXES 4

struct event {
    uint32_t index;
    enum qpybak_state state;
    enum qpybak_reason reason;
    enum qpybak_state found;
    uint32_t name_hash;
};

struct run {
    struct ram_port *ram;
    const struct ram_port *before; /* the tree before this run */
    bool boot;
    bool fota_journal;   /* a journal was there: FOTA may change files first */
    size_t name_max;
    size_t n;
    struct event ev[MAX_EVENTS];
};

struct fault {
    unsigned long count, at;
    bool fired;
    bool at_lock; /* the fault hit the port's lock: the run must not start */
};

static int fault_hook(void *ctx, enum ram_op op, const char *path, const char *path2)
{
    struct fault *f = (struct fault *)ctx;

    (void)path;
    (void)path2;
    if (++f->count == f->at) {
        f->fired = true;
        f->at_lock = op == RAM_OP_LOCK;
        return QPYBAK_ERR_IO;
    }
    return 0;
}

/* A read-only user partition (mounted read-only, or a worn-out flash that
 * went read-only): a port in front of the RAM port that refuses every
 * change with QPYBAK_ERR_ROFS. */
static const struct qpybak_port *ro_inner;

static int ro_open(void *ctx, const char *path, int flags)
{
    return (flags & QPYBAK_O_WRITE) ? QPYBAK_ERR_ROFS : ro_inner->open(ctx, path, flags);
}

static int ro_write(void *ctx, int handle, const void *buf, size_t len)
{
    (void)ctx;
    (void)handle;
    (void)buf;
    (void)len;
    return QPYBAK_ERR_ROFS;
}

static int ro_rename(void *ctx, const char *from, const char *to)
{
    (void)ctx;
    (void)from;
    (void)to;
    return QPYBAK_ERR_ROFS;
}

static int ro_path(void *ctx, const char *path)
{
    (void)ctx;
    (void)path;
    return QPYBAK_ERR_ROFS;
}

static struct qpybak_port readonly_port(const struct qpybak_port *inner)
{
    struct qpybak_port p = *inner;

    ro_inner = inner;
    p.open = ro_open;
    p.write = ro_write;
    p.rename = ro_rename;
    p.remove = ro_path;
    p.mkdir = ro_path;
    return p;
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;

    while (s && *s)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

/* The first valid entry named `name` of the backup manifest in `ram`, if
 * that manifest reads to its end. */
struct mem_src {
    const uint8_t *p;
    size_t len, pos;
};

static int mem_read(void *ctx, void *buf, size_t len)
{
    struct mem_src *m = (struct mem_src *)ctx;
    size_t n = m->len - m->pos < len ? m->len - m->pos : len;

    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    return (int)n;
}

static bool factory_entry(const struct ram_port *ram, const char *name, size_t name_max,
                          uint32_t *crc, bool *has_size, uint32_t *size)
{
    static uint8_t chunk[256];
    static char nbuf[512];
    struct qpybak_reader r;
    struct qpybak_entry e;
    struct mem_src m;
    bool found = false;
    int ret;

    m.p = ram_port_get(ram, "/bak/checksum.json", &m.len);
    m.pos = 0;
    if (m.p == NULL)
        return false;
    qpybak_reader_init(&r, mem_read, &m, chunk, sizeof chunk, nbuf, name_max + 1);
    while ((ret = qpybak_reader_next(&r, &e)) == 1) {
        if (!found && e.invalid == QPYBAK_REASON_NONE && strcmp(e.name, name) == 0) {
            *crc = e.crc;
            *has_size = e.has_size;
            *size = e.size;
            found = true;
        }
    }
    return ret == 0 && found;
}

static bool manifest_valid(const struct ram_port *ram, const char *path, size_t name_max)
{
    static uint8_t chunk[256];
    static char nbuf[512];
    struct qpybak_reader r;
    struct qpybak_entry e;
    struct mem_src m;
    int ret;

    m.p = ram_port_get(ram, path, &m.len);
    m.pos = 0;
    if (m.p == NULL)
        return false;
    qpybak_reader_init(&r, mem_read, &m, chunk, sizeof chunk, nbuf, name_max + 1);
    while ((ret = qpybak_reader_next(&r, &e)) == 1)
        ;
    return ret == 0;
}

/* QPYBAK_FUZZ_DEBUG=1 in the environment: every event and the trees are
 * printed (to replay a reproducer: ./fuzz_boot FILE). */
static int debug = -1;

static bool debugging(void)
{
    if (debug < 0)
        debug = getenv("QPYBAK_FUZZ_DEBUG") != NULL;
    return debug > 0;
}

/* Boot and status settle a duplicate name only for an entry whose file
 * does not match it (docs/design.md, "Duplicate names in fixed memory").
 * After boot restored the first entry of a name, a later entry can match
 * where status saw it differ, or the other way round: then one reports it
 * ok and the other invalid (duplicate name).  That is the one difference
 * allowed, and only for a name that an earlier valid entry of r has. */
static bool harmless_duplicate(const struct run *r, size_t i, const struct event *x,
                               const struct event *y)
{
    const struct event *dup = x->state == QPYBAK_STATE_INVALID ? x : y;
    const struct event *ok = dup == x ? y : x;
    size_t k;

    if (ok->state != QPYBAK_STATE_OK || dup->state != QPYBAK_STATE_INVALID ||
        dup->reason != QPYBAK_REASON_DUPLICATE_NAME)
        return false;
    for (k = 0; k < i; k++)
        if (r->ev[k].name_hash == x->name_hash && r->ev[k].state != QPYBAK_STATE_INVALID)
            return true;
    return false;
}

static void on_file(void *ctx, const struct qpybak_file_event *ev)
{
    struct run *run = (struct run *)ctx;
    const uint8_t *now, *was;
    size_t now_len, was_len;

    if (debugging())
        fprintf(stderr, "  %s #%u %s: %s (reason %d, found %s) expected 0x%08x actual 0x%08x restored 0x%08x%s\n",
                run->boot ? "boot" : "status", ev->index, ev->name ? ev->name : "(null)",
                qpybak_state_name(ev->state), (int)ev->reason, qpybak_state_name(ev->found),
                ev->expected_crc, ev->actual_crc, ev->restored_crc,
                ev->downgraded ? " downgraded" : "");

    FZ_CHECK(ev->state < QPYBAK_STATE_COUNT && ev->reason < QPYBAK_REASON_COUNT,
             "state %d reason %d", (int)ev->state, (int)ev->reason);
    if (run->boot)
        FZ_CHECK(ev->state != QPYBAK_STATE_MISSING && ev->state != QPYBAK_STATE_MODIFIED,
                 "boot reported %s", qpybak_state_name(ev->state));
    else
        FZ_CHECK(ev->state != QPYBAK_STATE_RESTORED && ev->state != QPYBAK_STATE_UNRECOVERABLE,
                 "status reported %s", qpybak_state_name(ev->state));
    if (ev->state != QPYBAK_STATE_INVALID) {
        FZ_CHECK(ev->name != NULL && qpybak_name_check(ev->name, strlen(ev->name), run->name_max) ==
                                         QPYBAK_REASON_NONE,
                 "a checked entry with an invalid name");
    }
    if (ev->state == QPYBAK_STATE_OK) {
        now = ram_port_get(run->ram, ev->name, &now_len);
        FZ_CHECK(now != NULL, "%s: ok, but not a file", ev->name);
        /* ok: the file matches its entry - its size too, unless the size
         * rule found that size stale (docs/format.md, "The size member"),
         * which it says - or, while a FOTA journal is pending, the update
         * that journal installed (docs/design.md, Boot, step 3); the event
         * then shows what the file holds. */
        FZ_CHECK((qpybak_crc32(QPYBAK_CRC_SEED, now, now_len) == ev->expected_crc &&
                  (!ev->has_expected_size || now_len == ev->expected_size ||
                   (ev->warnings & QPYBAK_WARN_SIZE_STALE))) ||
                     (ram_port_type(run->ram, "/usr/.qpybak/fota.json") != 0 && ev->has_actual &&
                      qpybak_crc32(QPYBAK_CRC_SEED, now, now_len) == ev->actual_crc &&
                      now_len == ev->actual_size),
                 "%s: ok, but the file does not match its entry", ev->name);
    }
    if (ev->state == QPYBAK_STATE_RESTORED) {
        uint32_t crc, f_crc, f_size;
        bool f_has_size, copy;
        char alt[RAM_PORT_PATH_MAX];

        now = ram_port_get(run->ram, ev->name, &now_len);
        FZ_CHECK(now != NULL, "%s: restored, but not a file", ev->name);
        crc = qpybak_crc32(QPYBAK_CRC_SEED, now, now_len);
        FZ_CHECK(crc == ev->restored_crc, "%s: restored 0x%08x, the file holds 0x%08x", ev->name,
                 ev->restored_crc, crc);
        if (ev->from_last_good) {
            FZ_CHECK(crc == ev->expected_crc, "%s: last-good copy does not match its entry",
                     ev->name);
            snprintf(alt, sizeof alt, "/usr/.qpybak/good%s", ev->name + 4);
        } else {
            snprintf(alt, sizeof alt, "/bak%s", ev->name);
        }
        /* What is there now is the copy it came from, byte for byte - or
         * (a cut boot installed it already) it matches the factory entry.
         * When the backup copy is there and valid, "matches" means "is that
         * copy": a crc32 alone proves little (4096 zero bytes have the
         * crc32 of an empty file), and a damaged file must never be
         * recorded as valid (docs/design.md, "Checking and restoring one
         * entry"). */
        was = ram_port_get(run->before, alt, &was_len);
        copy = was != NULL && was_len == now_len && memcmp(was, now, now_len) == 0;
        if (!copy) {
            bool listed = factory_entry(run->before, ev->name, run->name_max, &f_crc, &f_has_size,
                                        &f_size);
            const uint8_t *bak = ram_port_get(run->before, alt, &was_len);
            bool bak_valid = !ev->from_last_good && bak != NULL && listed &&
                             qpybak_crc32(QPYBAK_CRC_SEED, bak, was_len) == f_crc &&
                             (!f_has_size || f_size == was_len);

            FZ_CHECK(listed && f_crc == crc && (!f_has_size || f_size == now_len) && !bak_valid,
                     "%s: reported restored, but it holds neither its copy (%s, %s) nor a file "
                     "that matches the factory entry (0x%08x, %zu bytes)",
                     ev->name, alt, bak_valid ? "valid" : "missing or invalid", crc, now_len);
        }
    }
    if (ev->state == QPYBAK_STATE_UNRECOVERABLE && !run->fota_journal) {
        now = ram_port_get(run->ram, ev->name, &now_len);
        was = ram_port_get(run->before, ev->name, &was_len);
        FZ_CHECK((now == NULL) == (was == NULL) &&
                     (now == NULL || (now_len == was_len && memcmp(now, was, now_len) == 0)),
                 "%s: unrecoverable, but the file was changed", ev->name);
        FZ_CHECK(ram_port_type(run->ram, ev->name) == ram_port_type(run->before, ev->name),
                 "%s: unrecoverable, but what is there changed type", ev->name);
    }
    if (run->n < MAX_EVENTS) {
        struct event *e = &run->ev[run->n];

        e->index = ev->index;
        e->state = ev->state;
        e->reason = ev->reason;
        e->found = ev->found;
        e->name_hash = hash(ev->name);
    }
    run->n++;
}

static void check_port(const struct ram_port *ram, const char *what)
{
    const struct ram_stats *s = &ram->stats;

    FZ_CHECK(ram_port_open_handles(ram) == 0, "%s: %zu handles left open", what,
             ram_port_open_handles(ram));
    FZ_CHECK(s->bad_paths == 0, "%s: %lu non-canonical paths given to the port", what, s->bad_paths);
    FZ_CHECK(s->outside_roots == 0, "%s: %lu paths outside /usr and /bak", what, s->outside_roots);
    FZ_CHECK(s->ro_violations == 0, "%s: %lu attempts to change /bak", what, s->ro_violations);
    FZ_CHECK(s->too_many_open == 0, "%s: more than five files open", what);
    FZ_CHECK(s->bad_handles == 0, "%s: %lu operations on closed handles", what, s->bad_handles);
    FZ_CHECK(s->unsynced_renames == 0, "%s: renamed an unsynced file", what);
    FZ_CHECK(s->cross_dir_renames == 0, "%s: renamed across folders", what);
}

/* A file of the scene.  Content "\x01Z<n>;REST" stands for n zero bytes
 * then REST (sections cannot hold NUL bytes): zero-filled flash, and the
 * CRC collisions of leading zeros. */
static void put_file(struct ram_port *ram, const char *path, const uint8_t *p, size_t n)
{
    static uint8_t buf[16384];
    size_t zeros = 0, i = 2;

    if (n >= 3 && p[0] == 1 && p[1] == 'Z') {
        while (i < n && p[i] >= '0' && p[i] <= '9' && zeros < 8192)
            zeros = zeros * 10 + (size_t)(p[i++] - '0');
        if (i < n && p[i] == ';' && zeros <= 8192 && n - i - 1 <= sizeof buf - zeros) {
            memset(buf, 0, zeros);
            memcpy(buf + zeros, p + i + 1, n - i - 1);
            ram_port_put(ram, path, buf, zeros + n - i - 1);
            return;
        }
    }
    ram_port_put(ram, path, p, n);
}

/* Builds the scene; false when it cannot be built (not interesting). */
static bool build(struct ram_port *ram, const uint8_t *p, size_t n)
{
    static const char *const fixed[4] = {"/usr/checksum.json", "/usr/.qpybak/checksum.json",
                                         "/bak/checksum.json", "/bak/backup_restore.json"};
    static const char flag_on[] = "{\"enable\": 1}";
    char path[RAM_PORT_PATH_MAX];
    size_t start = 0, i, section = 0;

    for (i = 0; i <= n; i++) {
        const uint8_t *s;
        size_t len;

        if (i < n && p[i] != 0)
            continue;
        s = p + start;
        len = i - start;
        start = i + 1;
        if (section < 4) {
            if (len > 0)
                ram_port_put(ram, fixed[section], s, len);
            else if (section == 3)
                ram_port_put(ram, fixed[section], flag_on, sizeof flag_on - 1);
        } else if (len >= 5 && (memcmp(s, "usr/", 4) == 0 || memcmp(s, "bak/", 4) == 0)) {
            const uint8_t *nl = (const uint8_t *)memchr(s, '\n', len);
            size_t plen = nl ? (size_t)(nl - s) : len;

            if (plen + 2 > sizeof path)
                return false;
            path[0] = '/';
            memcpy(path + 1, s, plen);
            path[plen + 1] = '\0';
            if (!nl && path[plen] == '/') {
                path[plen] = '\0';
                ram_port_mkdirs(ram, path);
            } else {
                const uint8_t *body = nl ? nl + 1 : s + len;
                size_t blen = nl ? len - plen - 1 : 0;

                put_file(ram, path, body, blen);
            }
        }
        section++;
    }
    return true;
}

static void drop(struct ram_port *ram, const char *path)
{
    if (ram_port_type(ram, path))
        ram_port_delete(ram, path);
}

static struct run run_a, run_b, run_s, run_2;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t name_maxes[NAME_MAXES] = {0, 24, 64, 400};
    static uint64_t buffer_a[65536 / 8], buffer_b[65536 / 8];
    struct ram_port *p0, *a, *b, *s, *q;
    struct qpybak_config cfg;
    struct qpybak_result res, res_b, res_s, res2, res_q;
    struct fault fault = {0, 0, false, false};
    struct qpybak_port ro;
    bool readonly;
    size_t name_max, min, buf_a, i;
    bool plain, intact;
    int rc;

    if (size < 2)
        return 0;
    name_max = name_maxes[(data[0] >> 2) & 3];
    min = qpybak_buffer_min(name_max);
    switch (data[0] & 3) {
    case 0: buf_a = min; break;
    case 1: buf_a = min + 37; break;
    case 2: buf_a = min > 4096 ? min : 4096; break;
    default: buf_a = 65536; break;
    }
    plain = !(data[0] & 0x60); /* no fault, no capacity limit */

    p0 = ram_port_new();
    a = ram_port_new();
    b = ram_port_new();
    s = ram_port_new();
    q = ram_port_new();
    FZ_CHECK(p0 && a && b && s && q, "out of memory");
    if (!build(p0, data + 2, size - 2))
        goto out;
    if (debugging()) {
        fprintf(stderr, "options 0x%02x 0x%02x: buffer %zu, name_max %zu\n", data[0], data[1],
                buf_a, name_max);
        ram_port_dump(p0, stderr);
    }
    ram_port_copy_tree(a, p0);
    ram_port_copy_tree(b, p0);
    ram_port_copy_tree(s, p0);
    ram_port_copy_tree(q, p0);
    a->bak_readonly = b->bak_readonly = s->bak_readonly = q->bak_readonly = true;
    if (data[0] & 0x10)
        a->jitter = s->jitter = data[1] + 1u;
    if (data[0] & 0x80)
        a->read_cap = s->read_cap = 1;

    memset(&cfg, 0, sizeof cfg);
    cfg.buffer_size = buf_a;
    cfg.name_max = name_max;
    cfg.on_file = on_file;

    /* 1. Status changes nothing. */
    run_s.ram = s;
    run_s.before = p0;
    run_s.boot = false;
    run_s.fota_journal = false;
    run_s.name_max = name_max ? name_max : QPYBAK_NAME_MAX_DEFAULT;
    run_s.n = 0;
    cfg.port = &s->port;
    cfg.buffer = buffer_a;
    cfg.ctx = &run_s;
    rc = qpybak_status(&cfg, &res_s);
    FZ_CHECK(rc == 0, "status returned %d", rc);
    check_port(s, "status");
    FZ_CHECK(s->stats.mutations == 0 && s->stats.write_opens == 0, "status changed something");

    /* 2. Boot, with the knobs of this input. */
    if (data[0] & 0x20)
        a->capacity = a->used_bytes + (size_t)data[1] * 8;
    /* bit 6: one I/O error at operation data[1] + 1, or with data[1] >=
     * 0xF0 a read-only user partition */
    readonly = (data[0] & 0x40) && data[1] >= 0xF0;
    if ((data[0] & 0x40) && !readonly) {
        fault.at = (unsigned long)data[1] + 1;
        a->hook = fault_hook;
        a->hook_ctx = &fault;
    }
    run_a.ram = a;
    run_a.before = p0;
    run_a.boot = true;
    run_a.fota_journal = ram_port_type(p0, "/usr/.qpybak/fota.json") != 0;
    run_a.name_max = run_s.name_max;
    run_a.n = 0;
    ro = readonly_port(&a->port);
    cfg.port = readonly ? &ro : &a->port;
    cfg.ctx = &run_a;
    rc = qpybak_boot(&cfg, &res);
    if (debugging()) {
        fprintf(stderr, "boot: source %d primary %d shadow %d backup %d error %d written %d\n",
                (int)res.source, (int)res.primary, (int)res.shadow, (int)res.backup, res.error,
                res.manifest_written);
        ram_port_dump(a, stderr);
    }
    if (rc != 0 && fault.at_lock) {
        /* The lock could not be taken: boot returns that error, having
         * changed nothing. */
        FZ_CHECK(rc == QPYBAK_ERR_IO && a->stats.mutations == 0, "a boot without its lock: %d", rc);
        goto out;
    }
    FZ_CHECK(rc == 0, "boot returned %d", rc);
    check_port(a, "boot");
    if (!res.enabled)
        FZ_CHECK(a->stats.mutations == 0, "the flag says off, boot changed something");
    intact = res.enabled && res.source == QPYBAK_SOURCE_PRIMARY &&
             res.shadow == QPYBAK_MANIFEST_OK && res.backup == QPYBAK_MANIFEST_OK &&
             !res.stale_temps && !res.fota.journal && !res.repaired &&
             res.counts[QPYBAK_STATE_OK] == run_a.n;
    if (intact)
        FZ_CHECK(a->stats.mutations == 0, "an intact boot wrote (%lu changes)", a->stats.mutations);
    if (readonly) {
        FZ_CHECK(ram_port_equal(a, p0), "a read-only partition changed");
        FZ_CHECK(res.counts[QPYBAK_STATE_RESTORED] == 0 || res.error != 0 || !res.enabled,
                 "restored files on a read-only partition without an error");
    }
    a->hook = NULL;
    a->capacity = 0;
    if (!plain)
        goto out;

    /* 3. Status and boot agree entry by entry. */
    if (!run_a.fota_journal && res.enabled && run_s.n == run_a.n && run_a.n <= MAX_EVENTS) {
        for (i = 0; i < run_a.n; i++) {
            const struct event *x = &run_s.ev[i], *y = &run_a.ev[i];

            FZ_CHECK(x->index == y->index && x->name_hash == y->name_hash,
                     "event %zu: status and boot saw different entries", i);
            if (x->state == QPYBAK_STATE_OK || x->state == QPYBAK_STATE_INVALID)
                FZ_CHECK((y->state == x->state && y->reason == x->reason) ||
                             harmless_duplicate(&run_a, i, x, y),
                         "entry %u: status %s, boot %s", x->index, qpybak_state_name(x->state),
                         qpybak_state_name(y->state));
            else
                FZ_CHECK((y->state == QPYBAK_STATE_RESTORED ||
                          y->state == QPYBAK_STATE_UNRECOVERABLE) &&
                             y->found == x->state,
                         "entry %u: status %s, boot %s (found %s)", x->index,
                         qpybak_state_name(x->state), qpybak_state_name(y->state),
                         qpybak_state_name(y->found));
        }
    }
    if (!run_a.fota_journal && res.enabled)
        FZ_CHECK(run_s.n == run_a.n, "status saw %zu entries, boot %zu", run_s.n, run_a.n);

    /* 4. The buffer size changes nothing. */
    run_b = run_a;
    run_b.ram = b;
    run_b.n = 0;
    cfg.port = &b->port;
    cfg.buffer = buffer_b;
    cfg.buffer_size = sizeof buffer_b;
    cfg.ctx = &run_b;
    rc = qpybak_boot(&cfg, &res_b);
    FZ_CHECK(rc == 0, "boot (64 KiB) returned %d", rc);
    check_port(b, "boot (64 KiB)");
    FZ_CHECK(run_a.n == run_b.n, "%zu events with a %zu-byte buffer, %zu with 64 KiB", run_a.n,
             buf_a, run_b.n);
    for (i = 0; i < run_a.n && i < MAX_EVENTS; i++)
        FZ_CHECK(memcmp(&run_a.ev[i], &run_b.ev[i], sizeof run_a.ev[i]) == 0,
                 "entry %u: %s (reason %d) with a %zu-byte buffer, %s (reason %d) with 64 KiB",
                 run_a.ev[i].index, qpybak_state_name(run_a.ev[i].state), (int)run_a.ev[i].reason,
                 buf_a, qpybak_state_name(run_b.ev[i].state), (int)run_b.ev[i].reason);
    FZ_CHECK(memcmp(res.counts, res_b.counts, sizeof res.counts) == 0 &&
                 res.source == res_b.source && res.manifest_written == res_b.manifest_written,
             "results differ between buffer sizes");
    FZ_CHECK(ram_port_equal(a, b), "the final trees differ between buffer sizes");

    /* 4b. Without an on_file callback boot reads files ahead while it
     * validates the primary (docs/design.md, "Boot, step by step"): the
     * same outcome, the same tree. */
    cfg.port = &q->port;
    cfg.buffer = buffer_b;
    cfg.buffer_size = buf_a;
    cfg.on_file = NULL;
    cfg.ctx = NULL;
    rc = qpybak_status(&cfg, &res_q);
    FZ_CHECK(rc == 0 && q->stats.mutations == 0 && q->stats.write_opens == 0 &&
                 memcmp(res_s.counts, res_q.counts, sizeof res_q.counts) == 0 &&
                 res_s.source == res_q.source && res_s.warnings == res_q.warnings,
             "status without on_file: a different result, or a change");
    rc = qpybak_boot(&cfg, &res_q);
    cfg.on_file = on_file;
    FZ_CHECK(rc == 0, "boot without on_file returned %d", rc);
    check_port(q, "boot without on_file");
    FZ_CHECK(memcmp(res.counts, res_q.counts, sizeof res.counts) == 0 &&
                 res.source == res_q.source && res.primary == res_q.primary &&
                 res.shadow == res_q.shadow && res.backup == res_q.backup &&
                 res.repaired == res_q.repaired && res.manifest_written == res_q.manifest_written &&
                 res.report_written == res_q.report_written && res.error == res_q.error &&
                 res.warnings == res_q.warnings && res.dropped == res_q.dropped &&
                 res.stale_temps == res_q.stale_temps,
             "boot without on_file: a different result");
    FZ_CHECK(ram_port_equal(a, q), "boot without on_file: a different tree");

    /* 5. After a clean boot: manifests whole, and a second boot is quiet. */
    if (res.enabled && res.error == 0 && res.source != QPYBAK_SOURCE_NONE) {
        const uint8_t *pri, *sha;
        size_t pl, sl;

        FZ_CHECK(manifest_valid(a, "/usr/checksum.json", run_a.name_max),
                 "after boot the primary user manifest is not valid");
        pri = ram_port_get(a, "/usr/checksum.json", &pl);
        sha = ram_port_get(a, "/usr/.qpybak/checksum.json", &sl);
        FZ_CHECK(sha != NULL && pl == sl && memcmp(pri, sha, pl) == 0,
                 "after boot the shadow differs from the primary");

        ram_port_copy_tree(b, a); /* b: the tree after the first boot */
        ram_port_reset_stats(a);
        run_2 = run_a;
        run_2.before = b;
        run_2.fota_journal = false;
        run_2.n = 0;
        cfg.port = &a->port;
        cfg.buffer = buffer_a;
        cfg.buffer_size = buf_a;
        cfg.ctx = &run_2;
        if (debugging())
            fprintf(stderr, "second boot:\n");
        rc = qpybak_boot(&cfg, &res2);
        if (debugging())
            ram_port_dump(a, stderr);
        FZ_CHECK(rc == 0, "second boot returned %d", rc);
        check_port(a, "second boot");
        FZ_CHECK(res2.counts[QPYBAK_STATE_RESTORED] == 0,
                 "a second boot restored %u files again", res2.counts[QPYBAK_STATE_RESTORED]);
        FZ_CHECK(!res2.repaired && !res2.manifest_written && !res2.stale_temps,
                 "a second boot repaired or rewrote a manifest");
        drop(a, "/usr/.qpybak/boot.json");
        drop(b, "/usr/.qpybak/boot.json");
        FZ_CHECK(ram_port_equal(a, b), "a second boot changed the tree");
    }

out:
    ram_port_free(p0);
    ram_port_free(a);
    ram_port_free(b);
    ram_port_free(s);
    ram_port_free(q);
    return 0;
}
