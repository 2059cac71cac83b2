/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replacing the user manifest (docs/design.md, "The rewrite" and "Calc").  The new
 * manifest is streamed from the one in use into a temporary file, entry by
 * entry, so memory does not depend on its size; then the primary is renamed
 * into place and copied to the shadow.  A power cut before the rename
 * leaves the old primary; after it, the next boot finds the shadow stale
 * and copies the primary again.
 */
#include "core.h"

/* Walks the manifest in use, dropping invalid and duplicate entries, asking
 * fn for each entry's value, then the factory entries it lacks; writes each
 * to w unless w is NULL.  Returns how many entries fn changed or were
 * added, or an error. */
static int walk(struct run *c, rewrite_fn fn, void *ctx, struct qpybak_writer *w)
{
    struct qpybak_entry e;
    bool duplicate;
    int changed = 0, err, r;

    err = mfile_open(c, &c->pass, c->source_path);
    dedupe_reset(c);
    while (!err && (r = mfile_next(&c->pass, &e)) != 0) {
        struct value value, was;

        if (r < 0) {
            err = r;
            break;
        }
        if (e.invalid != QPYBAK_REASON_NONE)
            continue; /* dropped: it protected nothing (docs/design.md) */
        err = dedupe_seen(c, &e, &duplicate);
        if (err || duplicate)
            continue;
        value = value_of(&e);
        was = value;
        fn(c, &e, &value, ctx);
        if (!value_equal(&value, &was))
            changed++;
        if (w)
            err = qpybak_writer_entry(w, e.name, e.name_len, value.crc, value.has_size,
                                      value.size);
    }
    if (!err && floor_pending(c)) {
        /* Every factory name a writer dropped is listed again, after the
         * others, with its factory value or what fn gives it (floor.c). */
        err = floor_open(c);
        while (!err && (r = floor_next(c, &e)) != 0) {
            struct value value;

            if (r < 0) {
                err = r;
                break;
            }
            floor_recorded(c, &e);
            value = value_of(&e);
            fn(c, &e, &value, ctx);
            changed++;
            if (w)
                err = qpybak_writer_entry(w, e.name, e.name_len, value.crc, value.has_size,
                                          value.size);
        }
    }
    mfile_close(&c->pass);
    mfile_close(&c->lookup);
    return err ? err : changed;
}

int manifest_changes(struct run *c, rewrite_fn fn, void *ctx)
{
    int n = walk(c, fn, ctx, NULL);

    note_error(c, n < 0 ? n : 0, c->source_path);
    return n;
}

int manifest_rewrite(struct run *c, rewrite_fn fn, void *ctx)
{
    int err;

    err = outfile_open(&c->out, PATH_PRIMARY);
    if (err) {
        note_error(c, err, c->fail_path);
        outfile_abort(&c->out);
        return err;
    }
    qpybak_writer_begin(&c->writer, outfile_write, &c->out);
    err = walk(c, fn, ctx, &c->writer);
    if (err >= 0)
        err = qpybak_writer_end(&c->writer);
    if (err) {
        outfile_abort(&c->out);
        note_error(c, err, PATH_PRIMARY);
        return err;
    }
    err = outfile_commit(&c->out);
    /* An index of the old primary (the floor's look-ups) is stale now. */
    index_forget(c);
    if (!err) {
        c->result->manifest_written = true;
        c->source_path = PATH_PRIMARY;
        err = copy_file(&c->inst, PATH_PRIMARY, PATH_SHADOW);
    }
    note_error(c, err, c->fail_path);
    return err;
}
