/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot and status (docs/design.md, "Boot, step by step"): one procedure, two modes.  Status runs
 * every check and writes nothing; boot also repairs the user manifests,
 * restores damaged files from verified backup copies, rewrites the user
 * manifest once and leaves a report when anything happened.
 */
#include "core.h"
#include "util.h"

enum mode { MODE_STATUS, MODE_BOOT };

/* The flag file through a port handle. */
struct handle_source {
    struct run *c;
    int handle;
};

static int handle_read(void *ctx, void *buf, size_t len)
{
    struct handle_source *s = (struct handle_source *)ctx;

    return io_read(s->c, s->handle, buf, len);
}

static enum qpybak_off read_flag(struct run *c)
{
    struct handle_source src;
    enum qpybak_off off;
    unsigned warnings;

    src.c = c;
    src.handle = io_open(c, PATH_FLAG, QPYBAK_O_READ);
    if (src.handle == QPYBAK_ERR_NOENT)
        return QPYBAK_OFF_MISSING;
    if (src.handle == QPYBAK_ERR_ISDIR)
        return QPYBAK_OFF_MALFORMED;
    if (src.handle < 0) {
        note_error(c, src.handle, PATH_FLAG);
        return QPYBAK_OFF_UNREADABLE;
    }
    off = qpybak_flag_read(handle_read, &src, &warnings);
    c->result->warnings |= warnings;
    io_close(c, src.handle);
    if (off == QPYBAK_OFF_UNREADABLE)
        note_error(c, QPYBAK_ERR_IO, PATH_FLAG);
    return off;
}

#ifndef QPYBAK_NO_REPORT
/* boot.json is opened at the first thing worth reporting, so an intact
 * boot writes nothing at all. */
static void report_open(struct run *c, enum mode mode)
{
    int err;

    if (mode != MODE_BOOT || c->report_state != REPORT_NONE)
        return;
    err = outfile_open(&c->report, PATH_REPORT);
    if (err) {
        note_error(c, err, c->fail_path);
        outfile_abort(&c->report);
        c->report_state = REPORT_FAILED;
        return;
    }
    qpybak_report_begin(&c->rep, outfile_write, &c->report);
    c->report_state = REPORT_OPEN;
}

static void report_close(struct run *c)
{
    int err;

    if (c->report_state != REPORT_OPEN)
        return;
    c->result->report_written = true; /* what the report says of itself */
    err = qpybak_report_end(&c->rep, c->result, "boot");
    if (err) {
        outfile_abort(&c->report);
        c->result->report_written = false;
        note_error(c, err, PATH_REPORT);
    } else {
        err = outfile_commit(&c->report);
        c->result->report_written = err == 0;
        note_error(c, err, c->fail_path);
    }
}

static void report_file(struct run *c, const struct qpybak_file_event *ev, enum mode mode)
{
    report_open(c, mode);
    if (c->report_state == REPORT_OPEN)
        qpybak_report_file(&c->rep, ev);
}
#else
/* Built without the report (include/qpybak.h, "build options"). */
#define report_open(c, mode) ((void)(c), (void)(mode))
#define report_close(c) ((void)(c))
#define report_file(c, ev, mode) ((void)(c), (void)(ev), (void)(mode))
#endif

static void emit(struct run *c, const struct qpybak_file_event *ev, enum mode mode)
{
    c->result->counts[ev->state]++;
    c->result->warnings |= ev->warnings;
    if (c->cfg->on_file)
        c->cfg->on_file(c->cfg->ctx, ev);
    if (ev->state != QPYBAK_STATE_OK)
        report_file(c, ev, mode);
}

/* Removes the install temporary a cut run may have left in a tracked
 * file's folder (DIR/.qpybak-tmp), so that none outlives the boot. */
static void remove_stale_temp(struct run *c, const char *path)
{
    c->result->stale_temps += (uint32_t)install_sweep(&c->inst, path);
}

/* A stale shadow is repaired after the checks, not before, while it may
 * hold what a dropped entry recorded (floor.c, floor_recorded). */
static bool shadow_waits(const struct run *c)
{
    return c->result->source == QPYBAK_SOURCE_PRIMARY &&
           c->result->shadow == QPYBAK_MANIFEST_STALE && !c->floor_proven;
}

/* Step 3: make the primary (and shadow) whole again before checking files. */
static void repair_manifests(struct run *c)
{
    struct qpybak_result *res = c->result;
    int err = 0;

    index_forget(c); /* a user manifest indexed before is replaced */
    switch (res->source) {
    case QPYBAK_SOURCE_PRIMARY:
        if (shadow_waits(c))
            break; /* step 6 repairs it */
        if (res->shadow != QPYBAK_MANIFEST_OK) {
            err = copy_file(&c->inst, PATH_PRIMARY, PATH_SHADOW);
            if (!err)
                res->repaired |= QPYBAK_REPAIRED_SHADOW;
        }
        break;
    case QPYBAK_SOURCE_SHADOW:
    case QPYBAK_SOURCE_BACKUP:
        err = copy_file(&c->inst, c->source_path, PATH_PRIMARY);
        if (!err) {
            res->repaired |= QPYBAK_REPAIRED_PRIMARY;
            c->source_path = PATH_PRIMARY;
            if (res->source == QPYBAK_SOURCE_BACKUP) {
                err = copy_file(&c->inst, PATH_PRIMARY, PATH_SHADOW);
                if (!err)
                    res->repaired |= QPYBAK_REPAIRED_SHADOW;
            }
        }
        break;
    default:
        break;
    }
    note_error(c, err, c->fail_path);
}

/* Why a restore from the backup copy src failed, in the event: the copy
 * itself (missing, bad, unusable), or the user side (something in the way
 * of the file, its folder or its temporary name - named in error_path). */
static void restore_failed(struct run *c, const struct qpybak_entry *e, const char *src, int err,
                           struct qpybak_file_event *ev)
{
    bool at_source = c->fail_path == src;
    enum err_class cls = err_class(err);

    ev->state = QPYBAK_STATE_UNRECOVERABLE;
    ev->error = 0;
    ev->error_path = NULL;
    if (err == QPYBAK_ERR_CORRUPT) {
        ev->reason = QPYBAK_REASON_BACKUP_BAD;
    } else if (at_source && err == QPYBAK_ERR_NOENT) {
        ev->reason = QPYBAK_REASON_NO_BACKUP;
    } else if (!at_source && c->fail_path == e->name &&
               (cls == ERR_NOT_FILE || cls == ERR_ABSENT)) {
        ev->reason = QPYBAK_REASON_NOT_FILE; /* a folder or link where the file belongs */
    } else {
        /* A link or folder as the backup copy, a folder at the temporary
         * name, a file where a folder of the path belongs, a storage error:
         * said with the path it is about, not blamed on the tracked file. */
        ev->reason = QPYBAK_REASON_IO;
        ev->error = err;
        ev->error_path = c->fail_path;
        note_error(c, err, c->fail_path);
    }
}

/* Does an earlier valid entry name the same file?  A manifest that cannot
 * be read again says no: the error is noted, and the entry is checked as
 * the first of its name. */
static bool is_duplicate(struct run *c, const struct qpybak_entry *e)
{
    bool duplicate;

    note_error(c, dedupe_confirm(c, e, &duplicate), c->source_path);
    return duplicate;
}

/*
 * Steps 4 and 5 for one valid entry.  Returns true when the entry's value
 * must change in the user manifest.
 */
static bool check_file(struct run *c, const struct qpybak_entry *e, struct qpybak_file_event *ev,
                       enum mode mode, bool maybe_duplicate)
{
    struct qpybak_entry factory;
    struct value accept[2], recorded = value_of(e), factory_value;
    struct file_sum sum;
    const char *source;
    uint32_t copy_crc;
    uint64_t copy_size;
    uint64_t limit = e->has_size ? e->size : 0xFFFFFFFFu;
    enum size_verdict verdict = SIZE_DAMAGED;
    enum err_class cls;
    bool unreadable;
    int err, n = 0, found;

    sum.err = file_checksum_upto(&c->inst, e->name, limit, &sum.crc, &sum.size, &sum.zeros);
    cls = err_class(sum.err);
    if (cls == ERR_PASSING || cls == ERR_PERMANENT) {
        /* A read error says nothing of the content: one more try before the
         * file is taken for damaged (and a calc'd edit possibly undone). */
        sum.err = file_checksum_upto(&c->inst, e->name, limit, &sum.crc, &sum.size, &sum.zeros);
        cls = err_class(sum.err);
    }
    if (cls == ERR_NONE && e->has_size &&
        (sum.err == CHECKSUM_PAST_LIMIT || (sum.crc == e->crc && sum.size != e->size))) {
        /* The size alone disagrees, or the file is longer than recorded:
         * whether the size is evidence (size_rule.c). */
        verdict = size_rule(c, e, &sum);
        cls = err_class(sum.err);
    }
    err = sum.err;
    if (cls == ERR_NONE) {
        /* CHECKSUM_PAST_LIMIT: longer than the entry records.  The size
         * (from stat) is enough to call it modified; the rest is not read. */
        ev->has_actual = true;
        ev->actual_crc = err ? 0 : sum.crc;
        ev->actual_crc_unknown = err != 0;
        ev->actual_size = sum.size;
        if (err == 0 && (verdict == SIZE_STALE || value_matches(&recorded, sum.crc, sum.size))) {
            ev->state = QPYBAK_STATE_OK;
            if (verdict == SIZE_STALE)
                ev->warnings |= QPYBAK_WARN_SIZE_STALE;
            return false;
        }
        if (err == 0 && c->result->fota.pending && journal_matches(c, e, sum.crc, sum.size)) {
            /* Installed by an update that is still pending: not damage. */
            ev->state = QPYBAK_STATE_OK;
            return false;
        }
    }
    /* The file does not match: only now does it matter whether an earlier
     * entry names it too (the first entry of a name is the one acted on).
     * A later entry that its file matches does no harm and costs no
     * second read of the manifest (docs/design.md, "Duplicate names in fixed
     * memory"). */
    if (maybe_duplicate && is_duplicate(c, e)) {
        ev->has_actual = false; /* reported as any invalid entry */
        ev->actual_crc = 0;
        ev->actual_size = 0;
        ev->actual_crc_unknown = false;
        ev->state = QPYBAK_STATE_INVALID;
        ev->reason = QPYBAK_REASON_DUPLICATE_NAME;
        return false;
    }
    ev->found = cls == ERR_ABSENT ? QPYBAK_STATE_MISSING : QPYBAK_STATE_MODIFIED;
    unreadable = cls == ERR_PASSING || cls == ERR_PERMANENT;
    if (cls == ERR_NOT_FILE) {
        ev->reason = QPYBAK_REASON_NOT_FILE; /* a directory, a link, a FIFO... */
    } else if (unreadable) {
        ev->error = err; /* unreadable twice */
        ev->error_path = e->name;
        ev->reason = QPYBAK_REASON_IO;
        note_error(c, err, e->name);
    }
    if (verdict == SIZE_ZEROS)
        ev->reason = QPYBAK_REASON_LEADING_ZEROS;
    if (mode == MODE_STATUS) {
        ev->state = ev->found;
        return false;
    }

    /* An updated file comes back from its last-known-good copy when there
     * is one (FOTA apply keeps them when keep_last_good is set) and it
     * matches the user manifest: an update is not undone by a restore. */
    source = installer_good_path(&c->inst, e->name, e->name_len);
    if (source != NULL) {
        accept[0] = recorded;
        if (install_copy(&c->inst, source, e->name, accept, 1, &copy_crc, &copy_size) == 0) {
            ev->state = QPYBAK_STATE_RESTORED;
            ev->reason = QPYBAK_REASON_NONE;
            ev->error = 0;
            ev->error_path = NULL;
            ev->restored_crc = copy_crc;
            ev->from_last_good = true;
            return false;
        }
    }
    if (verdict == SIZE_ZEROS) {
        /* Zeros in front of content whose CRC the entry records: likely
         * damage, but the entry records an edit that only this file
         * holds, and the size alone is not enough to overwrite it. */
        ev->state = QPYBAK_STATE_UNRECOVERABLE;
        return false;
    }

    found = backup_lookup(c, e->name, e->name_len, &factory);
    note_error(c, found, PATH_BACKUP_MANIFEST);
    if (found > 0)
        factory_value = value_of(&factory);
    if (unreadable && !(found > 0 && value_compatible(&recorded, &factory_value))) {
        /* A file that cannot be read is not known to be damaged (a
         * permission, a passing fault).  Its entry records an edit or an
         * update that only this file holds: it is kept and reported, never
         * overwritten on such weak evidence. */
        ev->state = QPYBAK_STATE_UNRECOVERABLE;
        ev->reason = QPYBAK_REASON_UNREADABLE;
        return false;
    }
    if (found > 0)
        accept[n++] = factory_value;
    accept[n++] = recorded;

    /* The backup copy of /usr/x is /bak/usr/x. */
    source = installer_backup_path(&c->inst, e->name, e->name_len);
    err = install_copy(&c->inst, source, e->name, accept, n, &copy_crc, &copy_size);
    if (err) {
        restore_failed(c, e, source, err, ev);
        return false;
    }
    ev->state = QPYBAK_STATE_RESTORED;
    ev->reason = QPYBAK_REASON_NONE;
    ev->error = 0;
    ev->error_path = NULL;
    ev->restored_crc = copy_crc;
    /* Restoring the factory copy over an entry that recorded something else
     * (an update, a calc'd edit) is a downgrade: said distinctly. */
    ev->downgraded = copy_crc != e->crc;
    return !value_matches(&recorded, copy_crc, copy_size);
}

/* The identity of a name's folder ("/usr/lib/a.py": "/usr/lib"). */
static uint32_t folder_hash(const struct qpybak_entry *e)
{
    size_t end = e->name_len;

    while (end > 0 && e->name[end - 1] != '/')
        end--;
    return fnv1a(e->name, end);
}

/*
 * Reading ahead (docs/design.md, "Boot, step by step"): with no on_file
 * callback waiting for events, the files of the primary's leading entries
 * are checked while choose_source validates it - each file read once,
 * nothing changed, no event sent, for the primary may yet prove corrupt.
 * The first entry that does not simply match its file (invalid, without a
 * size, with a warning, a file that differs or cannot be read) ends it;
 * the check pass takes over there and counts the entries before it ok
 * without reading their files again.  When every entry matched, there is
 * no check pass: an intact boot reads the primary once.
 */
struct ahead {
    enum mode mode;
    bool on;            /* still reading ahead */
    bool cleaned;       /* the folder clean-up has begun: */
    uint32_t folder;    /* the folder cleaned last (folder_hash) */
    uint32_t verified;  /* leading entries whose file matched */
};

/* Once per folder of tracked files (a manifest lists a folder's files
 * together, so this is about one stat per folder), in boot mode: no
 * install temporary outlives a boot.  A hash collision only skips a
 * clean-up; a leftover is never written through. */
static void clean_folder(struct run *c, const struct qpybak_entry *e, struct ahead *a)
{
    const char *good;

    if (a->mode != MODE_BOOT || (a->cleaned && folder_hash(e) == a->folder))
        return;
    a->folder = folder_hash(e);
    a->cleaned = true;
    remove_stale_temp(c, e->name);
    /* and the folder's last-known-good copies' */
    good = installer_good_path(&c->inst, e->name, e->name_len);
    if (good != NULL)
        remove_stale_temp(c, good);
}

static void read_ahead(struct run *c, const struct qpybak_entry *e, void *ctx)
{
    struct ahead *a = (struct ahead *)ctx;
    struct value recorded = value_of(e);
    struct file_sum sum;

    if (!a->on)
        return;
    if (e->invalid != QPYBAK_REASON_NONE || !e->has_size || e->warnings != 0) {
        a->on = false; /* the check pass's to settle */
        return;
    }
    clean_folder(c, e, a);
    sum.err = file_checksum_upto(&c->inst, e->name, e->size, &sum.crc, &sum.size, &sum.zeros);
    if (sum.err != 0 || !value_matches(&recorded, sum.crc, sum.size)) {
        a->on = false;
        return;
    }
    a->verified++;
}

/* Steps 4 and 5 over the whole user manifest, from the first entry not
 * read ahead.  Returns how many entries must change. */
NOINLINE static uint32_t check_entries(struct run *c, struct ahead *a)
{
    struct qpybak_file_event ev;
    struct qpybak_entry e;
    uint32_t changes = 0;
    bool maybe_duplicate;
    int r, err;

    err = mfile_open(c, &c->pass, c->source_path);
    if (err) {
        note_error(c, err, c->source_path);
        return 0;
    }
    dedupe_reset(c);
    while ((r = mfile_next(&c->pass, &e)) == 1) {
        mem_zero(&ev, sizeof ev);
        ev.name = e.name;
        ev.index = e.index;
        ev.expected_crc = e.crc;
        ev.expected_size = e.size;
        ev.has_expected_size = e.has_size;
        ev.reason = e.invalid;
        ev.warnings = e.warnings; /* a name or crc32 in a form QuecPython reads */
        /* settled only when it matters (check_file) */
        maybe_duplicate = e.invalid == QPYBAK_REASON_NONE && dedupe_note(c, &e);
        if (e.index < a->verified) {
            /* read ahead: its file matched, and this manifest is valid */
            ev.state = QPYBAK_STATE_OK;
            ev.has_actual = true;
            ev.actual_crc = e.crc;
            ev.actual_size = e.size;
        } else if (ev.reason != QPYBAK_REASON_NONE) {
            ev.state = QPYBAK_STATE_INVALID;
        } else {
            clean_folder(c, &e, a);
            if (check_file(c, &e, &ev, a->mode, maybe_duplicate))
                changes++;
        }
        emit(c, &ev, a->mode);
    }
    note_error(c, r, c->source_path);
    mfile_close(&c->pass);
    mfile_close(&c->lookup);
    return changes;
}

/* Step 5b: the files the backup manifest lists and the user manifest in
 * use does not (floor.c) are checked against their factory value.
 * Returns how many there are: boot's rewrite lists them again. */
NOINLINE static uint32_t check_floor(struct run *c, enum mode mode)
{
    struct qpybak_file_event ev;
    struct qpybak_entry f;
    int r;

    if (!floor_pending(c))
        return 0;
    r = floor_open(c);
    while (r == 0 && (r = floor_next(c, &f)) == 1) {
        mem_zero(&ev, sizeof ev);
        ev.name = f.name;
        ev.index = f.index; /* in the backup manifest */
        floor_recorded(c, &f);
        ev.expected_crc = f.crc;
        ev.expected_size = f.size;
        ev.has_expected_size = f.has_size;
        ev.warnings = QPYBAK_WARN_DROPPED | f.warnings;
        c->result->dropped++;
        check_file(c, &f, &ev, mode, false);
        emit(c, &ev, mode);
        r = 0;
    }
    note_error(c, r, PATH_BACKUP_MANIFEST);
    mfile_close(&c->pass);
    mfile_close(&c->lookup);
    return c->result->dropped;
}

/* Step 6: an entry whose file now holds the factory copy takes the factory
 * checksum.  Only entries that differ from the factory one cost a read. */
static void take_factory_value(struct run *c, const struct qpybak_entry *e, struct value *value,
                               void *ctx)
{
    struct qpybak_entry factory;
    struct value recorded = value_of(e), factory_value;
    uint32_t crc;
    uint64_t size;

    (void)ctx;
    if (backup_lookup(c, e->name, e->name_len, &factory) <= 0)
        return;
    factory_value = value_of(&factory);
    if (value_equal(&factory_value, &recorded))
        return; /* the same value: nothing to take */
    if (file_checksum(&c->inst, e->name, &crc, &size) != 0 ||
        value_matches(&recorded, crc, size) || !value_matches(&factory_value, crc, size))
        return;
    value->crc = crc;
    value->size = (uint32_t)size;
    value->has_size = true;
}

static void run_locked(struct run *c, enum mode mode)
{
    struct qpybak_result *res = c->result;
    struct ahead ahead;
    uint32_t changes = 0;
    int err;

    /* 1. The enable flag. */
    res->off = read_flag(c);
    res->enabled = res->off == QPYBAK_OFF_NONE;
    if (!res->enabled)
        return;

    /* 2. What a cut run left under qpybak's own names goes before anything
     *    is written.  Then an interrupted FOTA apply is finished before any
     *    check, so an updated file is never "restored" to its factory
     *    version halfway through an update. */
    if (mode == MODE_BOOT) {
        cleanup_own_paths(c);
        err = fota_resume(c);
        if (err < 0 && err != QPYBAK_ERR_CORRUPT) {
            /* It cannot finish now (a full partition, a read error): the
             * journal stays for the next boot, and the files are checked
             * anyway - a file that holds its pending update is taken as
             * intact, so no update is undone, and a deleted file is still
             * restored.  A journal must never stop every later boot. */
            res->fota.pending = true;
            note_error(c, err, PATH_JOURNAL);
        }
    } else {
        struct qpybak_stat st;

        res->fota.journal = io_stat(c, PATH_JOURNAL, &st) == 0;
        res->fota.pending = res->fota.journal; /* boot finishes it */
    }

    /* 3. Which user manifest to trust, the files of its leading entries
     *    checked on the way when nothing waits for events (struct ahead);
     *    repair the others from it. */
    mem_zero(&ahead, sizeof ahead);
    ahead.mode = mode;
    ahead.on = c->cfg->on_file == NULL;
    choose_source(c, ahead.on ? read_ahead : NULL, &ahead);
    if (res->source != QPYBAK_SOURCE_PRIMARY)
        ahead.verified = 0; /* those files were read for a manifest not in use */
    if (mode == MODE_BOOT) {
        repair_manifests(c);
        /* A missing backup manifest alone is no reason to write: it would
         * cost a flash write at every boot. */
        if (res->repaired || res->stale_temps || res->fota.journal ||
            res->source != QPYBAK_SOURCE_PRIMARY)
            report_open(c, mode);
    }

    /* 4-5. Check every entry, restoring in boot mode, then the factory
     *      files missing from the user manifest. */
    if (c->source_path) {
        if (ahead.verified == c->source_entries)
            res->counts[QPYBAK_STATE_OK] += ahead.verified; /* every file matched */
        else
            changes = check_entries(c, &ahead);
        changes += check_floor(c, mode);
    }

    /* 6. One rewrite of the user manifest (primary, then shadow); or the
     *    stale shadow's repair that waited for the checks. */
    if (mode == MODE_BOOT && changes)
        manifest_rewrite(c, take_factory_value, NULL);
    if (mode == MODE_BOOT && shadow_waits(c)) {
        err = res->manifest_written ? 0 : copy_file(&c->inst, PATH_PRIMARY, PATH_SHADOW);
        note_error(c, err, c->fail_path);
        if (!err)
            res->repaired |= QPYBAK_REPAIRED_SHADOW;
        report_open(c, mode);
    }

    /* 7. The report, when anything happened. */
    report_close(c);
}

static int check_run(const struct qpybak_config *cfg, struct qpybak_result *result, enum mode mode)
{
    struct qpybak_result local;
    struct run *c;
    int err;

    c = run_init(cfg, result ? result : &local, &err,
                 mode == MODE_BOOT ? LAYOUT_BOOT : LAYOUT_STATUS);
    if (c == NULL)
        return err;
    err = run_lock(c, mode == MODE_BOOT ? QPYBAK_LOCK_EXCLUSIVE : QPYBAK_LOCK_SHARED);
    if (err)
        return err;
    run_locked(c, mode);
    run_unlock(c);
    return 0;
}

int qpybak_boot(const struct qpybak_config *cfg, struct qpybak_result *result)
{
    return check_run(cfg, result, MODE_BOOT);
}

int qpybak_status(const struct qpybak_config *cfg, struct qpybak_result *result)
{
    return check_run(cfg, result, MODE_STATUS);
}
