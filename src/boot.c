/*
 * Boot and status (SPEC section 3): one procedure, two modes.  Status runs
 * every check and writes nothing; boot also repairs the user manifests,
 * restores damaged files from verified backup copies, rewrites the user
 * manifest once and leaves a report when anything happened.
 */
#include "core.h"
#include "util.h"

enum mode { MODE_STATUS, MODE_BOOT };

static void note_error(struct core *c, int err)
{
    if (err < 0 && !c->result->error)
        c->result->error = err;
}

/* The flag file through a port handle. */
struct handle_source {
    struct core *c;
    int handle;
};

static int handle_read(void *ctx, void *buf, size_t len)
{
    struct handle_source *s = (struct handle_source *)ctx;

    return io_read(s->c, s->handle, buf, len);
}

static enum qpybak_off read_flag(struct core *c)
{
    struct handle_source src;
    enum qpybak_off off;

    src.c = c;
    src.handle = io_open(c, PATH_FLAG, QPYBAK_O_READ);
    if (src.handle == QPYBAK_ERR_NOENT)
        return QPYBAK_OFF_MISSING;
    if (src.handle == QPYBAK_ERR_ISDIR)
        return QPYBAK_OFF_MALFORMED;
    if (src.handle < 0) {
        note_error(c, src.handle);
        return QPYBAK_OFF_UNREADABLE;
    }
    off = qpybak_flag_read(handle_read, &src);
    io_close(c, src.handle);
    if (off == QPYBAK_OFF_UNREADABLE)
        note_error(c, QPYBAK_ERR_IO);
    return off;
}

/* boot.json is opened at the first thing worth reporting, so an intact
 * boot writes nothing at all. */
static void report_open(struct core *c, enum mode mode)
{
    int err;

    if (mode != MODE_BOOT || c->report_state != REPORT_NONE)
        return;
    err = ofile_open(c, &c->report, PATH_REPORT);
    if (err) {
        ofile_abort(&c->report, PATH_REPORT);
        note_error(c, err);
        c->report_state = REPORT_FAILED;
        return;
    }
    qpybak_report_begin(&c->rep, ofile_write, &c->report);
    c->report_state = REPORT_OPEN;
}

static void report_close(struct core *c)
{
    int err;

    if (c->report_state != REPORT_OPEN)
        return;
    c->result->report_written = true; /* what the report says of itself */
    err = qpybak_report_end(&c->rep, c->result, "boot");
    if (err) {
        ofile_abort(&c->report, PATH_REPORT);
        c->result->report_written = false;
    } else {
        err = ofile_commit(&c->report, PATH_REPORT);
        c->result->report_written = err == 0;
    }
    note_error(c, err);
}

static void emit(struct core *c, const struct qpybak_file_event *ev, enum mode mode)
{
    c->result->counts[ev->state]++;
    if (c->cfg->on_file)
        c->cfg->on_file(c->cfg->ctx, ev);
    if (ev->state != QPYBAK_STATE_OK) {
        report_open(c, mode);
        if (c->report_state == REPORT_OPEN)
            qpybak_report_file(&c->rep, ev);
    }
}

/* Removes the temporary file a cut run may have left for path: an install's
 * (DIR/.qpybak-tmp) or, for qpybak's own files, NAME.qpybak-tmp. */
static void remove_stale_temp(struct core *c, const char *path, bool install)
{
    int r = install ? install_temp_path(c, path, c->temp) : temp_path(c, path, c->temp);

    if (r == 0)
        r = remove_if_present(c, c->temp);
    if (r > 0)
        c->result->stale_temps++;
    note_error(c, r);
}

/* Step 3: make the primary (and shadow) whole again before checking files. */
static void repair_manifests(struct core *c)
{
    struct qpybak_result *res = c->result;
    int err = 0;

    switch (res->source) {
    case QPYBAK_SOURCE_PRIMARY:
        if (res->shadow != QPYBAK_MANIFEST_OK) {
            err = copy_file(c, PATH_PRIMARY, PATH_SHADOW);
            if (!err)
                res->repaired |= QPYBAK_REPAIRED_SHADOW;
        }
        break;
    case QPYBAK_SOURCE_SHADOW:
    case QPYBAK_SOURCE_BACKUP:
        err = copy_file(c, c->source_path, PATH_PRIMARY);
        if (!err) {
            res->repaired |= QPYBAK_REPAIRED_PRIMARY;
            c->source_path = PATH_PRIMARY;
            if (res->source == QPYBAK_SOURCE_BACKUP) {
                err = copy_file(c, PATH_PRIMARY, PATH_SHADOW);
                if (!err)
                    res->repaired |= QPYBAK_REPAIRED_SHADOW;
            }
        }
        break;
    default:
        break;
    }
    note_error(c, err);
}

/* What a port says when a path holds something other than a regular file
 * (docs/porting.md): such a file is damaged, not unreadable. */
static bool not_a_file(int err)
{
    return err == QPYBAK_ERR_ISDIR || err == QPYBAK_ERR_LOOP || err == QPYBAK_ERR_NOTDIR ||
           err == QPYBAK_ERR_INVAL;
}

static enum qpybak_reason restore_failure(int err)
{
    switch (err) {
    case QPYBAK_ERR_NOENT: return QPYBAK_REASON_NO_BACKUP;
    case QPYBAK_ERR_CORRUPT: return QPYBAK_REASON_BACKUP_BAD;
    case QPYBAK_ERR_ISDIR:
    case QPYBAK_ERR_NOTDIR:
    case QPYBAK_ERR_LOOP: return QPYBAK_REASON_NOT_FILE; /* something else in the way */
    default: return QPYBAK_REASON_IO;
    }
}

/*
 * Steps 4 and 5 for one valid entry.  Returns true when the entry's value
 * must change in the user manifest.
 */
static bool check_file(struct core *c, const struct qpybak_entry *e, struct qpybak_file_event *ev,
                       enum mode mode)
{
    struct qpybak_entry factory;
    struct accept accept[2];
    uint32_t crc, copy_crc;
    uint64_t size, copy_size;
    int err, n = 0, found;

    err = file_checksum(c, e->name, &crc, &size);
    if (err && err != QPYBAK_ERR_NOENT && !not_a_file(err))
        /* A read error says nothing of the content: one more try before the
         * file is taken for damaged (and a calc'd edit possibly undone). */
        err = file_checksum(c, e->name, &crc, &size);
    if (err == 0) {
        ev->has_actual = true;
        ev->actual_crc = crc;
        ev->actual_size = size;
        if (entry_matches(e, crc, size)) {
            ev->state = QPYBAK_STATE_OK;
            return false;
        }
    }
    /* NOTDIR: a file stands where a folder of the path belongs, so the file
     * itself cannot be there. */
    ev->found = err == QPYBAK_ERR_NOENT || err == QPYBAK_ERR_NOTDIR ? QPYBAK_STATE_MISSING
                                                                     : QPYBAK_STATE_MODIFIED;
    if (not_a_file(err) && err != QPYBAK_ERR_NOTDIR) {
        ev->reason = QPYBAK_REASON_NOT_FILE; /* a directory, a link, a FIFO... */
    } else if (err && err != QPYBAK_ERR_NOENT) {
        ev->error = err; /* unreadable twice */
        ev->reason = QPYBAK_REASON_IO;
        note_error(c, err);
    }
    if (mode == MODE_STATUS) {
        ev->state = ev->found;
        return false;
    }

    remove_stale_temp(c, e->name, true);

    /* An updated file comes back from its last-known-good copy when there
     * is one (FOTA apply keeps them when keep_last_good is set) and it
     * matches the user manifest: an update is not undone by a restore. */
    if (last_good_path(c, e->name, e->name_len, c->path) == 0) {
        accept[0].crc = e->crc;
        accept[0].size = e->size;
        accept[0].has_size = e->has_size;
        if (install_copy(c, c->path, e->name, accept, 1, &copy_crc, &copy_size) == 0) {
            ev->state = QPYBAK_STATE_RESTORED;
            ev->reason = QPYBAK_REASON_NONE;
            ev->error = 0;
            ev->restored_crc = copy_crc;
            ev->from_last_good = true;
            return false;
        }
    }

    found = backup_lookup(c, e->name, e->name_len, &factory);
    note_error(c, found);
    if (found > 0) {
        accept[n].crc = factory.crc;
        accept[n].size = factory.size;
        accept[n].has_size = factory.has_size;
        n++;
    }
    accept[n].crc = e->crc;
    accept[n].size = e->size;
    accept[n].has_size = e->has_size;
    n++;

    /* The backup copy of /usr/x is /bak/usr/x. */
    mem_copy(c->path, PATH_BACKUP_PREFIX, 4);
    mem_copy(c->path + 4, e->name, e->name_len + 1);
    err = install_copy(c, c->path, e->name, accept, n, &copy_crc, &copy_size);
    if (err) {
        ev->state = QPYBAK_STATE_UNRECOVERABLE;
        ev->reason = restore_failure(err);
        ev->error = ev->reason == QPYBAK_REASON_IO ? err : 0;
        if (ev->reason == QPYBAK_REASON_IO)
            note_error(c, err);
        return false;
    }
    ev->state = QPYBAK_STATE_RESTORED;
    ev->reason = QPYBAK_REASON_NONE;
    ev->error = 0;
    ev->restored_crc = copy_crc;
    /* Restoring the factory copy over an entry that recorded something else
     * (an update, a calc'd edit) is a downgrade: said distinctly. */
    ev->downgraded = copy_crc != e->crc;
    return !entry_matches(e, copy_crc, copy_size);
}

/* Steps 4 and 5 over the whole user manifest.  Returns how many entries
 * must change. */
static uint32_t check_entries(struct core *c, enum mode mode)
{
    struct qpybak_file_event ev;
    struct qpybak_entry e;
    uint32_t changes = 0;
    bool duplicate;
    int r, err;

    err = mfile_open(c, &c->user, c->source_path);
    if (err) {
        note_error(c, err);
        return 0;
    }
    dedupe_reset(c);
    while ((r = mfile_next(&c->user, &e)) == 1) {
        mem_zero(&ev, sizeof ev);
        ev.name = e.name;
        ev.index = e.index;
        ev.expected_crc = e.crc;
        ev.expected_size = e.size;
        ev.has_expected_size = e.has_size;
        ev.reason = e.invalid;
        if (e.invalid == QPYBAK_REASON_NONE) {
            err = dedupe_seen(c, &e, &duplicate);
            note_error(c, err);
            if (duplicate)
                ev.reason = QPYBAK_REASON_DUPLICATE_NAME;
        }
        if (ev.reason != QPYBAK_REASON_NONE)
            ev.state = QPYBAK_STATE_INVALID;
        else if (check_file(c, &e, &ev, mode))
            changes++;
        emit(c, &ev, mode);
    }
    note_error(c, r);
    mfile_close(&c->user);
    mfile_close(&c->backup);
    return changes;
}

/* Step 6: an entry whose file now holds the factory copy takes the factory
 * checksum.  Only entries that differ from the factory one cost a read. */
static void take_factory_value(struct core *c, const struct qpybak_entry *e, struct accept *value,
                               void *ctx)
{
    struct qpybak_entry factory;
    uint32_t crc;
    uint64_t size;

    (void)ctx;
    if (backup_lookup(c, e->name, e->name_len, &factory) <= 0)
        return;
    if (factory.crc == e->crc && factory.has_size == e->has_size &&
        (!e->has_size || factory.size == e->size))
        return; /* the same value: nothing to take */
    if (file_checksum(c, e->name, &crc, &size) != 0 || entry_matches(e, crc, size) ||
        !entry_matches(&factory, crc, size) || size > 0xFFFFFFFFu)
        return;
    value->crc = crc;
    value->size = (uint32_t)size;
    value->has_size = true;
}

static int run(const struct qpybak_config *cfg, struct qpybak_result *result, enum mode mode)
{
    struct qpybak_result local;
    struct core *c;
    uint32_t changes;
    int err;

    c = core_init(cfg, result ? result : &local, &err);
    if (c == NULL)
        return err;

    /* 1. The enable flag. */
    c->result->off = read_flag(c);
    c->result->enabled = c->result->off == QPYBAK_OFF_NONE;
    if (!c->result->enabled)
        return 0;

    /* 2. An interrupted FOTA apply is finished before any check, so an
     *    updated file is never "restored" to its factory version halfway
     *    through an update. */
    if (mode == MODE_BOOT) {
        err = fota_resume(c);
        note_error(c, err);
        if (err < 0 && err != QPYBAK_ERR_CORRUPT) {
            /* The journal stays: checking files now could restore an
             * installed but not yet recorded update to its factory copy.
             * The next boot finishes the update, then checks. */
            report_open(c, mode);
            report_close(c);
            return 0;
        }
    } else {
        struct qpybak_stat st;

        c->result->fota.journal = io_stat(c, PATH_JOURNAL, &st) == 0; /* pending */
    }

    if (mode == MODE_BOOT) {
        remove_stale_temp(c, PATH_PRIMARY, false);
        remove_stale_temp(c, PATH_SHADOW, false);
        remove_stale_temp(c, PATH_REPORT, false);
        remove_stale_temp(c, PATH_JOURNAL, false);
    }

    /* 3. Which user manifest to trust; repair the others from it. */
    choose_source(c);
    if (mode == MODE_BOOT) {
        repair_manifests(c);
        /* A missing backup manifest alone is no reason to write: it would
         * cost a flash write at every boot. */
        if (c->result->repaired || c->result->stale_temps || c->result->fota.journal ||
            c->result->source != QPYBAK_SOURCE_PRIMARY)
            report_open(c, mode);
    }

    /* 4-5. Check every entry, restoring in boot mode. */
    changes = c->source_path ? check_entries(c, mode) : 0;

    /* 6. One rewrite of the user manifest. */
    if (mode == MODE_BOOT && changes)
        manifest_rewrite(c, take_factory_value, NULL);

    /* 7. The report, when anything happened. */
    report_close(c);
    return 0;
}

int qpybak_boot(const struct qpybak_config *cfg, struct qpybak_result *result)
{
    return run(cfg, result, MODE_BOOT);
}

int qpybak_status(const struct qpybak_config *cfg, struct qpybak_result *result)
{
    return run(cfg, result, MODE_STATUS);
}
