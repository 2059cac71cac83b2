/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FOTA apply (SPEC section 5).  The journal /usr/.qpybak/fota.json is a
 * checksum.json whose entries also carry "from", the staged copy:
 *
 *   {"name": "/usr/lib/a.py", "crc32": "0x...", "size": 812, "from": "/usr/.updater/lib/a.py"}
 *
 * Its atomic rename is the commit point.  Everything after it - installs,
 * the manifest rewrite, removing the staged files, removing the journal -
 * is idempotent, so boot (step 2) simply runs it again after a power cut.
 */
#include "core.h"
#include "json.h"
#include "util.h"

/* A journal entry: the target's entry and its staged copy ("from", in the
 * journal reader's from buffer). */
struct staged {
    struct qpybak_entry e;
    const char *from;
    size_t from_len;
};

/* The next journal entry: 1, 0 at the end, or an error. */
static int staged_next(struct core *c, struct staged *s)
{
    int r = mfile_next(&c->aux, &s->e);

    s->from = reader_from(&c->aux.reader, &s->from_len);
    return r;
}

static void report_update(struct core *c, const struct qpybak_fota_event *ev)
{
    /* A storage error that may pass (a read or write failure, a full
     * partition) keeps the journal for the next boot; one that will not
     * (a name the file system refuses, a file in the way) is reported and
     * the update completes without that file - else every boot would stop
     * on it. */
    if (!ev->installed && ev->reason == QPYBAK_REASON_IO && err_class(ev->error) == ERR_PASSING)
        c->fota_retry = true;
    if (ev->installed)
        c->result->fota.installed++;
    else
        c->result->fota.failed++;
    if (c->cfg->on_update)
        c->cfg->on_update(c->cfg->ctx, ev);
}

int last_good_path(struct core *c, const char *name, size_t len, char *out)
{
    size_t prefix = sizeof PATH_LAST_GOOD - 1;

    if (len < 5 || prefix + len - 4 + 1 > c->path_size)
        return QPYBAK_ERR_NAMETOOLONG;
    mem_copy(out, PATH_LAST_GOOD, prefix);
    mem_copy(out + prefix, name + 4, len - 4 + 1);
    return 0;
}

/* Installs one journal entry: the staged copy, verified against the
 * journal while it is copied.  A staged copy already gone means an earlier
 * run installed it, if the target holds the journal's content. */
static void install_entry(struct core *c, const struct staged *s)
{
    const struct qpybak_entry *e = &s->e;
    struct qpybak_fota_event ev;
    struct accept accept;
    uint32_t crc;
    uint64_t size;
    int err;

    mem_zero(&ev, sizeof ev);
    ev.name = e->name;
    ev.from = s->from;
    ev.crc = e->crc;
    ev.size = e->size;
    accept.crc = e->crc;
    accept.size = e->size;
    accept.has_size = e->has_size;
    err = install_copy(c, s->from, e->name, &accept, 1, &crc, &size);
    if (err == QPYBAK_ERR_NOENT && c->fail_path == s->from &&
        file_checksum(c, e->name, &crc, &size) == 0 && entry_matches(e, crc, size))
        err = 0;
    ev.installed = err == 0;
    if (err == QPYBAK_ERR_NOENT && c->fail_path == s->from)
        ev.reason = QPYBAK_REASON_STAGED_MISSING;
    else if (err == QPYBAK_ERR_CORRUPT)
        ev.reason = QPYBAK_REASON_STAGED_BAD;
    else if (c->fail_path == e->name && err_class(err) == ERR_NOT_FILE)
        ev.reason = QPYBAK_REASON_NOT_FILE; /* something else is in the way */
    else if (err == QPYBAK_ERR_NAMETOOLONG)
        ev.reason = QPYBAK_REASON_NAME_TOO_LONG;
    else if (err) {
        ev.reason = QPYBAK_REASON_IO;
        ev.error = err;
        ev.error_path = c->fail_path;
        note_error(c, err, c->fail_path);
    }
    report_update(c, &ev);
    /* The last-known-good copy goes to c->path, which held "from": done
     * with it now that the event is out. */
    if (ev.installed && c->cfg->keep_last_good &&
        last_good_path(c, e->name, e->name_len, c->path) == 0) {
        err = copy_file(c, e->name, c->path);
        if (err) {
            note_error(c, err, c->fail_path);
            c->fota_retry = true; /* part of the update: the journal stays */
        }
    }
}

/* A journal entry must name a valid target and a valid staged copy
 * STAGE + the target's path below /usr (what write_journal writes). */
static bool entry_usable(struct core *c, const struct staged *s)
{
    size_t tail = s->e.name_len - 4;

    return s->e.invalid == QPYBAK_REASON_NONE && s->from != NULL && s->from_len > tail + 5 &&
           qpybak_name_check(s->from, s->from_len, c->path_size - 1) == QPYBAK_REASON_NONE &&
           mem_eq(s->from + s->from_len - tail, s->e.name + 4, tail);
}

/* Opens the journal on the aux reader with c->path holding "from". */
static int journal_open(struct core *c)
{
    int err = mfile_open(c, &c->aux, PATH_JOURNAL);

    reader_accept_from(&c->aux.reader, c->path, c->path_size);
    return err;
}

/* Tracked files take the journal's checksum once they hold its content. */
static void take_journal_value(struct core *c, const struct qpybak_entry *e, struct accept *value,
                               void *ctx)
{
    struct qpybak_entry j;
    uint32_t crc;
    uint64_t size;

    int found;

    (void)ctx;
    found = mfile_lookup(c, &c->backup, PATH_JOURNAL, e->name, e->name_len, &j);
    if (found < 0)
        c->fota_retry = true;
    if (found <= 0)
        return;
    if (j.crc == e->crc && j.has_size && e->has_size && j.size == e->size)
        return;
    if (file_checksum(c, e->name, &crc, &size) != 0) {
        c->fota_retry = true; /* unverified: neither recorded nor forgotten */
        return;
    }
    if (!entry_matches(&j, crc, size))
        return;
    value->crc = j.crc;
    value->size = j.size;
    value->has_size = j.has_size;
}

/* Removes the directories between a staged file and the staging folder,
 * deepest first, and the folder itself; non-empty ones stay.  Returns the
 * first error that is not "not empty" or "already gone". */
static int remove_stage_dirs(struct core *c, const struct staged *s)
{
    int err = 0, r;
    size_t stage_len = s->from_len - (s->e.name_len - 4); /* from = stage + name[4:] */
    size_t i;
    mem_copy(c->dir, s->from, s->from_len + 1);
    for (i = s->from_len; i > stage_len; i--) {
        if (c->dir[i - 1] != '/' || i - 1 < stage_len)
            continue;
        c->dir[i - 1] = '\0';
        r = io_remove(c, c->dir);
        if (r && r != QPYBAK_ERR_NOTEMPTY && r != QPYBAK_ERR_NOENT && !err)
            err = r;
    }
    return err;
}

/* Is anything tracked - by the user manifest in use or the backup
 * manifest - at stage or below it?  1, 0, or a read error.  The staging
 * folder's files are removed once installed, so a folder that holds
 * tracked files is never one (qpybak fota apply --usr U U/lib). */
int stage_holds_tracked(struct core *c, const char *stage, size_t len)
{
    const char *manifests[2];
    struct qpybak_entry e;
    int i, r = 0, err;

    manifests[0] = c->source_path;
    manifests[1] = c->result->backup == QPYBAK_MANIFEST_OK ? PATH_BACKUP_MANIFEST : NULL;
    for (i = 0; i < 2 && r == 0; i++) {
        if (manifests[i] == NULL || (i == 1 && c->result->source == QPYBAK_SOURCE_BACKUP))
            continue;
        err = mfile_open(c, &c->user, manifests[i]);
        if (err)
            return err;
        while ((r = mfile_next(&c->user, &e)) == 1) {
            if (e.invalid == QPYBAK_REASON_NONE && e.name_len >= len &&
                mem_eq(e.name, stage, len) && (e.name_len == len || e.name[len] == '/'))
                break;
        }
        mfile_close(&c->user);
    }
    return r;
}

/* The staging folder of a journal entry: "from" minus the target's path
 * below /usr (entry_usable has checked that "from" ends with it). */
static size_t stage_len_of(const struct staged *s)
{
    return s->from_len - (s->e.name_len - 4);
}

/* A journal names its staged copies in one staging folder, and that folder
 * holds no tracked file: else it is not one qpybak wrote, and its clean-up
 * could delete the files it should protect.  Checked before anything is
 * installed; c->dir holds the folder meanwhile.  0 when the journal is
 * usable, QPYBAK_ERR_CORRUPT when not, or a read error. */
static int journal_confined(struct core *c, size_t *stage_len)
{
    struct staged e;
    int r, err;

    *stage_len = 0;
    err = journal_open(c);
    while (!err && (r = staged_next(c, &e)) != 0) {
        size_t len;

        if (r < 0) {
            err = r;
            break;
        }
        if (!entry_usable(c, &e))
            continue;
        len = stage_len_of(&e);
        if (*stage_len == 0) {
            *stage_len = len;
            mem_copy(c->dir, e.from, len);
            c->dir[len] = '\0';
        } else if (len != *stage_len || !mem_eq(e.from, c->dir, len)) {
            err = QPYBAK_ERR_CORRUPT; /* two staging folders */
        }
    }
    mfile_close(&c->aux);
    if (!err && *stage_len) {
        r = stage_holds_tracked(c, c->dir, *stage_len);
        err = r > 0 ? QPYBAK_ERR_CORRUPT : r;
    }
    return err;
}

int journal_matches(struct core *c, const struct qpybak_entry *e, uint32_t crc, uint64_t size)
{
    struct qpybak_entry j;
    int found = mfile_lookup(c, &c->aux, PATH_JOURNAL, e->name, e->name_len, &j);

    return found > 0 && entry_matches(&j, crc, size);
}

int fota_resume(struct core *c)
{
    struct staged e;
    struct qpybak_stat st;
    uint32_t entries;
    size_t stage_len;
    int r, err;

    err = io_stat(c, PATH_JOURNAL, &st);
    if (err_class(err) == ERR_ABSENT)
        return 0; /* NOTDIR: /usr/.qpybak is a file, so no journal */
    if (err) {
        note_error(c, err, PATH_JOURNAL);
        return err;
    }
    c->result->fota.journal = true;
    switch (manifest_check(c, PATH_JOURNAL, NULL, NULL, &entries)) {
    case QPYBAK_MANIFEST_OK:
        break;
    case QPYBAK_MANIFEST_CORRUPT:
        /* Written atomically, so never torn: this one was not ours. */
        note_error(c, io_remove(c, PATH_JOURNAL), PATH_JOURNAL);
        return QPYBAK_ERR_CORRUPT;
    default:
        return c->result->error ? c->result->error : QPYBAK_ERR_IO; /* try again later */
    }

    /* 0. Only a journal confined to one staging folder is followed. */
    choose_source(c);
    err = journal_confined(c, &stage_len);
    if (err == QPYBAK_ERR_CORRUPT) {
        note_error(c, io_remove(c, PATH_JOURNAL), PATH_JOURNAL);
        return QPYBAK_ERR_CORRUPT;
    }
    if (err) {
        note_error(c, err, PATH_JOURNAL);
        return err;
    }

    /* 1. Install every staged file. */
    err = journal_open(c);
    while (!err && (r = staged_next(c, &e)) != 0) {
        if (r < 0) {
            err = r;
            break;
        }
        if (!entry_usable(c, &e) || stage_len_of(&e) != stage_len) {
            c->result->fota.skipped++;
            continue;
        }
        install_entry(c, &e);
    }
    mfile_close(&c->aux);
    if (err) {
        note_error(c, err, PATH_JOURNAL);
        return err;
    }

    /* 2. One rewrite of the user manifest for the tracked ones. */
    choose_source(c);
    if (c->source_path) {
        r = manifest_changes(c, take_journal_value, NULL);
        if (r < 0 || (r > 0 && manifest_rewrite(c, take_journal_value, NULL) != 0))
            c->fota_retry = true;
    } else if (c->result->error) {
        c->fota_retry = true; /* a user manifest could not be read */
    }

    /* 3. Remove the staged files and folders, then the journal - unless a
     *    storage error kept a file from being installed: then everything
     *    stays for the next boot to try again. */
    if (c->fota_retry)
        return c->result->error ? c->result->error : QPYBAK_ERR_IO;
    err = journal_open(c);
    while (!err && (r = staged_next(c, &e)) != 0) {
        if (r < 0) {
            err = r;
            break;
        }
        if (!entry_usable(c, &e) || stage_len_of(&e) != stage_len)
            continue;
        r = remove_if_present(c, e.from);
        if (r >= 0)
            r = remove_stage_dirs(c, &e);
        if (r < 0) {
            note_error(c, r, e.from);
            err = r;
        }
    }
    mfile_close(&c->aux);
    if (!err) {
        err = io_remove(c, PATH_JOURNAL); /* done: the update is complete */
        note_error(c, err, PATH_JOURNAL);
    }
    return err ? err : 1;
}

/* ---------------------------------------------------------------- staging */

/*
 * A sorted depth-first walk below the staging folder in fixed memory: no
 * stack of open directories.  c->path is the directory being walked, c->dir
 * the last name taken from it ("" at first).  A listing fills the batch b
 * with the next smallest names after c->dir (as many as the spare buffer
 * holds, index.c), taken one by one; the directory is listed again only
 * when names were left out.  Entering a sub-directory drops the batch;
 * back in the parent, the listing starts after the sub-directory's name.
 * Returns 1 with c->path extended to the next file ("/name" appended;
 * *dir_len is where to cut it back), 0 at the end, or an error.
 */
static int walk_next(struct core *c, struct batch *b, size_t stage_len, size_t *dir_len,
                     enum qpybak_type *type)
{
    enum qpybak_type t;
    const char *name;
    size_t len, name_len;
    int err;

    c->path[*dir_len] = '\0';
    for (;;) {
        len = *dir_len;
        name = batch_take(b, &t);
        if (name == NULL && (!b->listed || b->bounded)) {
            batch_begin(b, c->dir[0] ? c->dir : NULL);
            err = io_list(c, c->path, batch_add, b);
            if (err)
                return err;
            batch_end(b);
            if (b->after == NULL)
                c->result->fota.skipped += b->too_long; /* counted once per folder */
            name = batch_take(b, &t);
        }
        if (name == NULL) {
            size_t slash;

            if (len <= stage_len)
                return 0; /* the staging folder itself is done */
            for (slash = len; c->path[slash - 1] != '/'; slash--)
                ;
            mem_copy(c->dir, c->path + slash, len - slash + 1);
            c->path[slash - 1] = '\0';
            *dir_len = slash - 1;
            b->listed = false;
            continue;
        }
        name_len = str_len(name);
        mem_copy(c->dir, name, name_len + 1);
        if (len + 1 + name_len + 1 > c->path_size) {
            c->result->fota.skipped++; /* too deep to name */
            continue;
        }
        c->path[len] = '/';
        mem_copy(c->path + len + 1, c->dir, name_len + 1);
        if (t != QPYBAK_TYPE_DIR) {
            *type = t;
            return 1;
        }
        *dir_len = len + 1 + name_len;
        c->dir[0] = '\0';
        b->listed = false;
        b->count = b->next = 0;
    }
}

/* Writes the journal for everything staged; returns the number of files
 * journaled, or an error.  Nothing is visible until the rename. */
static int write_journal(struct core *c, const char *stage, size_t stage_len)
{
    struct qpybak_fota_event ev;
    enum qpybak_type type = QPYBAK_TYPE_OTHER;
    size_t dir_len = stage_len;
    struct batch b;
    uint32_t crc, skipped = c->result->fota.skipped;
    uint64_t size;
    int n = 0, r, err;

    /* Anything staged at all?  An empty folder must cost no write. */
    mem_copy(c->path, stage, stage_len + 1);
    c->dir[0] = '\0';
    batch_init(c, &b, c->temp, c->path_size);
    r = walk_next(c, &b, stage_len, &dir_len, &type);
    if (r <= 0)
        return r;
    dir_len = stage_len;
    c->result->fota.skipped = skipped; /* the walk below counts them again */
    batch_init(c, &b, c->temp, c->path_size);

    err = ofile_open(c, &c->out, PATH_JOURNAL);
    if (err) {
        ofile_abort(&c->out, PATH_JOURNAL);
        return err;
    }
    qpybak_writer_begin(&c->writer, ofile_write, &c->out);
    mem_copy(c->path, stage, stage_len + 1);
    c->dir[0] = '\0';
    while (!err && (r = walk_next(c, &b, stage_len, &dir_len, &type)) != 0) {
        size_t len = str_len(c->path), target_len = 4 + len - stage_len;

        if (r < 0) {
            err = r;
            break;
        }
        /* The target, in c->temp: "/usr" + the path below the folder. */
        mem_copy(c->temp, "/usr", 4);
        mem_copy(c->temp + 4, c->path + stage_len, len - stage_len + 1);
        if (type != QPYBAK_TYPE_FILE ||
            qpybak_name_check(c->temp, target_len, c->name_max) != QPYBAK_REASON_NONE) {
            mem_zero(&ev, sizeof ev);
            ev.name = c->temp;
            ev.from = c->path;
            ev.reason = type != QPYBAK_TYPE_FILE ? QPYBAK_REASON_NOT_FILE : QPYBAK_REASON_BAD_NAME;
            report_update(c, &ev);
            continue;
        }
        err = file_checksum(c, c->path, &crc, &size);
        if (err == QPYBAK_ERR_FBIG) {
            /* No entry can record it: this file is refused, the rest goes. */
            mem_zero(&ev, sizeof ev);
            ev.name = c->temp;
            ev.from = c->path;
            ev.reason = QPYBAK_REASON_TOO_LARGE;
            report_update(c, &ev);
            err = 0;
            continue;
        }
        if (err)
            note_error(c, err, c->fail_path); /* an unreadable staged file */
        if (!err)
            err = writer_entry_from(&c->writer, c->temp, target_len, crc, true, (uint32_t)size,
                                    c->path, len);
        n++;
    }
    if (!err)
        err = qpybak_writer_end(&c->writer);
    if (err || n == 0) {
        ofile_abort(&c->out, PATH_JOURNAL);
        return err;
    }
    err = ofile_commit(&c->out, PATH_JOURNAL); /* the commit point */
    return err ? err : n;
}

int qpybak_fota_apply(const struct qpybak_config *cfg, const char *stage,
                      struct qpybak_fota_result *result)
{
    struct qpybak_result local;
    struct qpybak_stat st;
    struct core *c;
    size_t stage_len;
    int err, r;

    c = core_init(cfg, &local, &err);
    if (c == NULL)
        return err;
    if (result)
        mem_zero(result, sizeof *result);
    if (stage == NULL)
        stage = QPYBAK_STAGE_DEFAULT;
    stage_len = str_len(stage);
    local.fota.refused = qpybak_name_check(stage, stage_len, c->name_max);
    if (local.fota.refused != QPYBAK_REASON_NONE || c->port->list == NULL) {
        err = QPYBAK_ERR_INVAL;
        goto out;
    }
    err = core_lock(c, QPYBAK_LOCK_EXCLUSIVE);
    if (err)
        goto out;
    cleanup_own_paths(c);

    /* A pending journal first: its staged files may be the ones here. */
    err = fota_resume(c);
    if (err < 0 && err != QPYBAK_ERR_CORRUPT) {
        local.fota.pending = true;
        goto unlock;
    }
    local.fota.resumed = err > 0;

    err = io_stat(c, stage, &st);
    if (err == QPYBAK_ERR_NOENT && local.fota.resumed) {
        err = 0; /* the pending apply was all there was, its folder is gone */
        goto unlock;
    }
    if (!err && st.type != QPYBAK_TYPE_DIR)
        err = QPYBAK_ERR_NOTDIR;
    if (err) {
        note_error(c, err, stage);
        goto unlock;
    }
    /* Its files are removed once installed: never a folder of tracked files. */
    choose_source(c);
    r = stage_holds_tracked(c, stage, stage_len);
    if (r != 0) {
        if (r > 0)
            local.fota.refused = QPYBAK_REASON_HOLDS_TRACKED;
        else
            note_error(c, r, c->source_path);
        err = r > 0 ? QPYBAK_ERR_INVAL : r;
        goto unlock;
    }
    err = write_journal(c, stage, stage_len);
    if (err > 0) {
        err = fota_resume(c);
        if (err < 0 && err != QPYBAK_ERR_CORRUPT)
            local.fota.pending = true; /* the next boot tries again */
    }
    if (err > 0)
        err = 0;
unlock:
    core_unlock(c);
out:
    local.fota.error = local.error;
    local.fota.error_path = local.error_path;
    if (result)
        *result = local.fota;
    if (!err && local.error)
        err = 0; /* per-file problems are in the counts */
    return err;
}
