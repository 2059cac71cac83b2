/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The FOTA journal and its roll-forward (docs/design.md, "FOTA apply";
 * the format: docs/format.md, "The FOTA journal").  The journal
 * /usr/.qpybak/fota.json is a checksum.json whose entries also carry
 * "from", the staged copy:
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

#ifndef QPYBAK_NO_FOTA /* the whole file (include/qpybak.h, "build options") */

/* A journal entry: the target's entry and its staged copy ("from", in the
 * journal's own buffer c->from, which the clean-up cuts in place). */
struct staged {
    struct qpybak_entry e;
    char *from; /* NULL: the entry has none */
    size_t from_len;
};

/* The next journal entry: 1, 0 at the end, or an error. */
static int staged_next(struct run *c, struct staged *s)
{
    int r = mfile_next(&c->pass, &s->e);

    s->from = reader_from(&c->pass.reader, &s->from_len) != NULL ? c->from : NULL;
    return r;
}

/* The staged copies of one journal share one staging folder: its length
 * and an FNV-1a hash of it say which one. */
struct stage_id {
    size_t len;
    uint32_t hash;
};

static struct stage_id stage_of(const struct staged *s)
{
    struct stage_id id;

    id.len = s->from_len - (s->e.name_len - 4); /* from = stage + name[4:] */
    id.hash = fnv1a(s->from, id.len);
    return id;
}

static bool same_stage(struct stage_id a, struct stage_id b)
{
    return a.len == b.len && a.hash == b.hash;
}
void fota_report_update(struct run *c, const struct qpybak_fota_event *ev)
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

/* Installs one journal entry: the staged copy, verified against the
 * journal while it is copied.  A staged copy already gone means an earlier
 * run installed it, if the target holds the journal's content. */
static void install_entry(struct run *c, const struct staged *s)
{
    const struct qpybak_entry *e = &s->e;
    struct qpybak_fota_event ev;
    struct value accept = value_of(e);
    const char *good;
    uint32_t crc;
    uint64_t size;
    int err;

    mem_zero(&ev, sizeof ev);
    ev.name = e->name;
    ev.from = s->from;
    ev.crc = e->crc;
    ev.size = e->size;
    err = install_copy(&c->inst, s->from, e->name, &accept, 1, &crc, &size);
    if (err == QPYBAK_ERR_NOENT && c->fail_path == s->from &&
        file_checksum(&c->inst, e->name, &crc, &size) == 0 && value_matches(&accept, crc, size))
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
    fota_report_update(c, &ev);
    good = ev.installed && c->cfg->keep_last_good
               ? installer_good_path(&c->inst, e->name, e->name_len)
               : NULL;
    if (good != NULL) {
        err = copy_file(&c->inst, e->name, good);
        if (err) {
            note_error(c, err, c->fail_path);
            c->fota_retry = true; /* part of the update: the journal stays */
        }
    }
}

/* Removes a staged copy: regular files only (1), absent (0), or an error. */
static int remove_if_present(struct run *c, const char *path)
{
    struct qpybak_stat st;
    int err = io_stat(c, path, &st);

    if (err_class(err) == ERR_ABSENT)
        return 0;
    if (err)
        return err;
    if (st.type != QPYBAK_TYPE_FILE)
        return 0; /* only ever what the journal named: a regular file */
    err = io_remove(c, path);
    return err ? err : 1;
}

/* A journal entry must name a valid target and a valid staged copy
 * STAGE + the target's path below /usr (what write_journal writes). */
static bool entry_usable(struct run *c, const struct staged *s)
{
    size_t tail = s->e.name_len - 4;

    return s->e.invalid == QPYBAK_REASON_NONE && s->from != NULL && s->from_len > tail + 5 &&
           staging_name_check(s->from, s->from_len, c->path_size - 1) == QPYBAK_REASON_NONE &&
           mem_eq(s->from + s->from_len - tail, s->e.name + 4, tail);
}

/* Opens the journal on the walk cursor, "from" going to c->from. */
static int journal_open(struct run *c)
{
    int err = mfile_open(c, &c->pass, PATH_JOURNAL);

    reader_accept_from(&c->pass.reader, c->from, c->path_size);
    return err;
}

/* Tracked files take the journal's checksum once they hold its content. */
static void take_journal_value(struct run *c, const struct qpybak_entry *e, struct value *value,
                               void *ctx)
{
    struct qpybak_entry j;
    struct value journaled, recorded = value_of(e);
    uint32_t crc;
    uint64_t size;
    int found;

    (void)ctx;
    found = mfile_lookup(c, &c->lookup, PATH_JOURNAL, e->name, e->name_len, &j);
    if (found < 0)
        c->fota_retry = true;
    if (found <= 0)
        return;
    journaled = value_of(&j);
    if (journaled.has_size && value_equal(&journaled, &recorded))
        return;
    if (file_checksum(&c->inst, e->name, &crc, &size) != 0) {
        c->fota_retry = true; /* unverified: neither recorded nor forgotten */
        return;
    }
    if (value_matches(&journaled, crc, size))
        *value = journaled;
}

/* Removes the directories between a staged file and the staging folder,
 * deepest first, and the folder itself; non-empty ones stay.  Returns the
 * first error that is not "not empty" or "already gone". */
static int remove_stage_dirs(struct run *c, struct staged *s)
{
    int err = 0, r;
    size_t stage_len = stage_of(s).len;
    size_t i;

    /* The staged copy's path is cut back in place, folder by folder: the
     * journal's own buffer, and its last use for this entry. */
    for (i = s->from_len; i > stage_len; i--) {
        if (s->from[i - 1] != '/' || i - 1 < stage_len)
            continue;
        s->from[i - 1] = '\0';
        r = io_remove(c, s->from);
        if (r && r != QPYBAK_ERR_NOTEMPTY && r != QPYBAK_ERR_NOENT && !err)
            err = r;
    }
    return err;
}

/* Is anything tracked - by the user manifest in use or the backup
 * manifest - at stage or below it?  1, 0, or a read error.  The staging
 * folder's files are removed once installed, so a folder that holds
 * tracked files is never one (qpybak fota apply --usr U U/lib). */
int stage_holds_tracked(struct run *c, const char *stage, size_t len)
{
    const char *manifests[2];
    struct qpybak_entry e;
    int i, r = 0, err;

    manifests[0] = c->source_path;
    manifests[1] = c->result->backup == QPYBAK_MANIFEST_OK ? PATH_BACKUP_MANIFEST : NULL;
    for (i = 0; i < 2 && r == 0; i++) {
        if (manifests[i] == NULL || (i == 1 && c->result->source == QPYBAK_SOURCE_BACKUP))
            continue;
        err = mfile_open(c, &c->rescan, manifests[i]);
        if (err)
            return err;
        while ((r = mfile_next(&c->rescan, &e)) == 1) {
            if (e.invalid == QPYBAK_REASON_NONE && e.name_len >= len &&
                mem_eq(e.name, stage, len) && (e.name_len == len || e.name[len] == '/'))
                break;
        }
        mfile_close(&c->rescan);
    }
    return r;
}

/* A journal names its staged copies in one staging folder, and that folder
 * holds no tracked file: else it is not one qpybak wrote, and its clean-up
 * could delete the files it should protect.  Checked before anything is
 * installed: the first entry's folder exactly (against the manifests, while
 * c->from holds it), every other entry's by length and hash.  0 when the
 * journal is usable (*stage: its folder, len 0 when no entry is usable),
 * QPYBAK_ERR_CORRUPT when not, or a read error. */
static int journal_confined(struct run *c, struct stage_id *stage)
{
    struct staged e;
    int r, err;

    stage->len = 0;
    stage->hash = 0;
    err = journal_open(c);
    while (!err && (r = staged_next(c, &e)) != 0) {
        if (r < 0) {
            err = r;
            break;
        }
        if (!entry_usable(c, &e))
            continue;
        if (stage->len == 0) {
            *stage = stage_of(&e);
            r = stage_holds_tracked(c, e.from, stage->len);
            err = r > 0 ? QPYBAK_ERR_CORRUPT : r;
        } else if (!same_stage(stage_of(&e), *stage)) {
            err = QPYBAK_ERR_CORRUPT; /* two staging folders */
        }
    }
    mfile_close(&c->pass);
    return err;
}

int journal_matches(struct run *c, const struct qpybak_entry *e, uint32_t crc, uint64_t size)
{
    struct qpybak_entry j;
    struct value journaled;
    int found = mfile_lookup(c, &c->lookup, PATH_JOURNAL, e->name, e->name_len, &j);

    if (found <= 0)
        return 0;
    journaled = value_of(&j);
    return value_matches(&journaled, crc, size);
}

int fota_resume(struct run *c)
{
    struct staged e;
    struct qpybak_stat st;
    uint32_t entries;
    struct stage_id stage;
    int r, err;

    err = io_stat(c, PATH_JOURNAL, &st);
    if (err_class(err) == ERR_ABSENT)
        return 0; /* NOTDIR: /usr/.qpybak is a file, so no journal */
    if (err) {
        note_error(c, err, PATH_JOURNAL);
        return err;
    }
    c->result->fota.journal = true;
    switch (manifest_check(c, PATH_JOURNAL, &entries)) {
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
    choose_source(c, NULL, NULL);
    err = journal_confined(c, &stage);
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
        if (!entry_usable(c, &e) || !same_stage(stage_of(&e), stage)) {
            c->result->fota.skipped++;
            continue;
        }
        install_entry(c, &e);
    }
    mfile_close(&c->pass);
    if (err) {
        note_error(c, err, PATH_JOURNAL);
        return err;
    }

    /* 2. One rewrite of the user manifest for the tracked ones. */
    choose_source(c, NULL, NULL);
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
        if (!entry_usable(c, &e) || !same_stage(stage_of(&e), stage))
            continue;
        r = remove_if_present(c, e.from);
        if (r >= 0)
            r = remove_stage_dirs(c, &e);
        if (r < 0) {
            note_error(c, r, e.from);
            err = r;
        }
    }
    mfile_close(&c->pass);
    if (!err) {
        err = io_remove(c, PATH_JOURNAL); /* done: the update is complete */
        note_error(c, err, PATH_JOURNAL);
    }
    return err ? err : 1;
}

#else
typedef int qpybak__journal_left_out; /* C99 wants a declaration in every file */
#endif /* QPYBAK_NO_FOTA */
