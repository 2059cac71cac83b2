/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FOTA apply (docs/design.md, "FOTA apply"): the staging folder is walked,
 * the journal written - its rename is the commit point - and then rolled
 * forward by journal.c, as boot would after a power cut.
 */
#include "core.h"
#include "util.h"

#ifndef QPYBAK_NO_FOTA /* the whole file (include/qpybak.h, "build options") */

/*
 * The walk's buffers.  The walk runs before anything is installed and
 * before any journal is read, so for that phase it owns the journal's
 * "from" buffer (as the folder being walked) and the installer's scratch
 * (as the batch's one-name slot); the target names it journals are built
 * in the installer's composed buffer, the installer's own role.  The last
 * name taken from a folder stays in `path` just after the folder's NUL.
 */
struct walk {
    char *path;       /* the folder being walked, then "/name" of the file taken */
    char *one;        /* the batch's slot when there is no spare buffer */
    const char *last; /* the last name taken from the folder, NULL: none */
};

static void walk_begin(struct run *c, struct walk *w, const char *stage, size_t stage_len)
{
    w->path = c->from;
    w->one = c->inst.scratch;
    w->last = NULL;
    mem_copy(w->path, stage, stage_len + 1);
}

/*
 * A sorted depth-first walk below the staging folder in fixed memory: no
 * stack of open directories.  w->path is the directory being walked; the
 * last name taken from it is w->last: in w->path after the folder's NUL,
 * or - a name too long to append - in the installer's composed buffer.  A listing fills the batch b
 * with the next smallest names after it (as many as the spare buffer
 * holds, index.c), taken one by one; the directory is listed again only
 * when names were left out.  Entering a sub-directory drops the batch;
 * back in the parent, the listing starts after the sub-directory's name.
 * Returns 1 with w->path extended to the next file ("/name" appended;
 * *dir_len is where to cut it back), 0 at the end, or an error.
 */
static int walk_next(struct run *c, struct walk *w, struct batch *b, size_t stage_len,
                     size_t *dir_len, enum qpybak_type *type)
{
    enum qpybak_type t;
    const char *name;
    size_t len, name_len;
    int err;

    if (w->path[*dir_len] == '/')
        w->last = w->path + *dir_len + 1; /* the file taken last: its name stays */
    w->path[*dir_len] = '\0';
    for (;;) {
        len = *dir_len;
        name = batch_take(b, &t);
        if (name == NULL && (!b->listed || b->bounded)) {
            batch_begin(b, w->last);
            err = io_list(c, w->path, batch_add, b);
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
            for (slash = len; w->path[slash - 1] != '/'; slash--)
                ;
            /* Back in the parent: the folder's own name, after the NUL,
             * is where its listing goes on. */
            w->path[slash - 1] = '\0';
            w->last = w->path + slash;
            *dir_len = slash - 1;
            b->listed = false;
            continue;
        }
        name_len = str_len(name);
        if (len + 1 + name_len + 1 > c->path_size) {
            /* too deep to name; the listing goes on after it */
            c->result->fota.skipped++;
            mem_copy(c->inst.composed, name, name_len + 1);
            w->last = c->inst.composed;
            continue;
        }
        w->path[len] = '/';
        mem_copy(w->path + len + 1, name, name_len + 1);
        w->last = w->path + len + 1;
        if (t != QPYBAK_TYPE_DIR) {
            *type = t;
            return 1;
        }
        *dir_len = len + 1 + name_len;
        w->last = NULL;
        b->listed = false;
        b->count = b->next = 0;
    }
}

/* Writes the journal for everything staged; returns the number of files
 * journaled, or an error.  Nothing is visible until the rename. */
NOINLINE static int write_journal(struct run *c, const char *stage, size_t stage_len)
{
    struct qpybak_fota_event ev;
    enum qpybak_type type = QPYBAK_TYPE_OTHER;
    size_t dir_len = stage_len;
    struct batch b;
    struct walk w;
    char *target = c->inst.composed;
    uint32_t crc, skipped = c->result->fota.skipped;
    uint64_t size;
    int n = 0, r, err;

    /* Anything staged at all?  An empty folder must cost no write. */
    walk_begin(c, &w, stage, stage_len);
    batch_init(c, &b, w.one, c->path_size);
    r = walk_next(c, &w, &b, stage_len, &dir_len, &type);
    if (r <= 0)
        return r;
    dir_len = stage_len;
    c->result->fota.skipped = skipped; /* the walk below counts them again */

    err = outfile_open(&c->out, PATH_JOURNAL);
    if (err) {
        note_error(c, err, c->fail_path);
        outfile_abort(&c->out);
        return err;
    }
    qpybak_writer_begin(&c->writer, outfile_write, &c->out);
    walk_begin(c, &w, stage, stage_len);
    batch_init(c, &b, w.one, c->path_size);
    while (!err && (r = walk_next(c, &w, &b, stage_len, &dir_len, &type)) != 0) {
        size_t len = str_len(w.path), target_len = 4 + len - stage_len;

        if (r < 0) {
            err = r;
            break;
        }
        /* The target: "/usr" + the path below the folder. */
        mem_copy(target, "/usr", 4);
        mem_copy(target + 4, w.path + stage_len, len - stage_len + 1);
        mem_zero(&ev, sizeof ev);
        ev.name = target;
        ev.from = w.path;
        if (type != QPYBAK_TYPE_FILE ||
            qpybak_name_check(target, target_len, c->name_max) != QPYBAK_REASON_NONE) {
            ev.reason = type != QPYBAK_TYPE_FILE ? QPYBAK_REASON_NOT_FILE : QPYBAK_REASON_BAD_NAME;
            fota_report_update(c, &ev);
            continue;
        }
        err = file_checksum(&c->inst, w.path, &crc, &size);
        if (err == QPYBAK_ERR_FBIG) {
            /* No entry can record it: this file is refused, the rest goes. */
            ev.reason = QPYBAK_REASON_TOO_LARGE;
            fota_report_update(c, &ev);
            err = 0;
            continue;
        }
        if (err)
            note_error(c, err, c->fail_path); /* an unreadable staged file */
        if (!err)
            err = writer_entry_from(&c->writer, target, target_len, crc, true, (uint32_t)size,
                                    w.path, len);
        n++;
    }
    if (!err)
        err = qpybak_writer_end(&c->writer);
    if (err || n == 0) {
        outfile_abort(&c->out);
        return err;
    }
    err = outfile_commit(&c->out); /* the commit point */
    if (err)
        note_error(c, err, c->fail_path);
    return err ? err : n;
}

int qpybak_fota_apply(const struct qpybak_config *cfg, const char *stage,
                      struct qpybak_fota_result *result)
{
    struct qpybak_result local;
    struct qpybak_stat st;
    struct run *c;
    size_t stage_len;
    int err, r;

    c = run_init(cfg, &local, &err, LAYOUT_FOTA);
    if (c == NULL)
        return err;
    if (result)
        mem_zero(result, sizeof *result);
    if (stage == NULL)
        stage = QPYBAK_STAGE_DEFAULT;
    stage_len = str_len(stage);
    local.fota.refused = staging_name_check(stage, stage_len, c->name_max);
    if (local.fota.refused != QPYBAK_REASON_NONE || c->port->list == NULL) {
        err = QPYBAK_ERR_INVAL;
        goto out;
    }
    err = run_lock(c, QPYBAK_LOCK_EXCLUSIVE);
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
    choose_source(c, NULL, NULL);
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
    run_unlock(c);
out:
    local.fota.error = local.error;
    local.fota.error_path = local.error_path;
    if (result)
        *result = local.fota;
    if (!err && local.error)
        err = 0; /* per-file problems are in the counts */
    return err;
}

#else
typedef int qpybak__stage_left_out; /* C99 wants a declaration in every file */
#endif /* QPYBAK_NO_FOTA */
