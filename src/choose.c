/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Validating manifests and choosing which user manifest to trust
 * (docs/design.md, "Choosing the user manifest").
 */
#include "core.h"
#include "util.h"

/* Validating a manifest through the pass cursor while comparing it byte
 * for byte with another file (the shadow), read into the rescan cursor's
 * chunk: the comparison is the rescan cursor's job here. */
struct compare {
    struct run *c;
    int handle;      /* the validated file */
    int other;       /* the file compared with, -1: none */
    uint8_t *chunk;  /* the rescan cursor's */
    bool same;
};

static int compare_read(void *ctx, void *buf, size_t len)
{
    struct compare *t = (struct compare *)ctx;
    int n = io_read(t->c, t->handle, buf, len), got = 0;

    if (n < 0 || t->other < 0 || !t->same)
        return n;
    while (got < n) {
        int m = io_read(t->c, t->other, t->chunk + got, (size_t)(n - got));

        if (m <= 0) {
            t->same = false;
            return n;
        }
        got += m;
    }
    if (!mem_eq(buf, t->chunk, (size_t)n))
        t->same = false;
    if (n == 0) {
        /* the end of the validated file: the other must end too */
        uint8_t extra;

        if (io_read(t->c, t->other, &extra, 1) != 0)
            t->same = false;
    }
    return n;
}

static enum qpybak_mstate mstate_of(int err)
{
    switch (err_class(err)) {
    case ERR_NONE: return QPYBAK_MANIFEST_OK;
    case ERR_ABSENT: return QPYBAK_MANIFEST_MISSING; /* NOTDIR: a file where its folder belongs */
    case ERR_NOT_FILE:
        /* A folder, link or FIFO where the manifest belongs holds no edit:
         * it is as good as corrupt, and the next copy in line is used. */
        return QPYBAK_MANIFEST_CORRUPT;
    default: return err == QPYBAK_ERR_CORRUPT ? QPYBAK_MANIFEST_CORRUPT : QPYBAK_MANIFEST_UNREADABLE;
    }
}

enum qpybak_mstate manifest_check(struct run *c, const char *path, const char *compare_with,
                                  bool *same, uint32_t *entries)
{
    struct qpybak_reader *r = &c->pass.reader;
    struct qpybak_entry e;
    struct compare t;
    int err;

    mfile_close(&c->pass);
    mfile_close(&c->rescan);
    *entries = 0;
    if (same)
        *same = false;
    t.c = c;
    t.chunk = c->rescan.reader.chunk;
    t.other = -1;
    t.same = false;
    t.handle = io_open(c, path, QPYBAK_O_READ);
    if (t.handle < 0) {
        if (mstate_of(t.handle) == QPYBAK_MANIFEST_UNREADABLE)
            note_error(c, t.handle, path);
        return mstate_of(t.handle);
    }
    if (compare_with) {
        t.other = io_open(c, compare_with, QPYBAK_O_READ);
        t.same = t.other >= 0;
    }
    /* The chunk is kept no larger than the rescan cursor's, so that every
     * read is compared in one go. */
    qpybak_reader_init(r, compare_read, &t, r->chunk,
                       r->chunk_size < c->rescan.reader.chunk_size ? r->chunk_size
                                                                 : c->rescan.reader.chunk_size,
                       r->name, r->name_size);
    while ((err = qpybak_reader_next(r, &e)) == 1)
        (*entries)++;
    if (err == 0)
        index_note(c, path, *entries); /* sizes its index (index.c) */
    io_close(c, t.handle);
    if (t.other >= 0)
        io_close(c, t.other);
    if (same)
        *same = err == 0 && t.same;
    if (mstate_of(err) == QPYBAK_MANIFEST_UNREADABLE)
        note_error(c, err, path);
    return mstate_of(err);
}

void choose_source(struct run *c)
{
    struct qpybak_result *res = c->result;
    uint32_t n_primary, n_shadow, n_backup;
    bool same;

    res->primary = manifest_check(c, PATH_PRIMARY, PATH_SHADOW, &same, &n_primary);
    if (res->primary == QPYBAK_MANIFEST_OK && same) {
        res->shadow = QPYBAK_MANIFEST_OK;
    } else {
        res->shadow = manifest_check(c, PATH_SHADOW, NULL, NULL, &n_shadow);
        if (res->primary == QPYBAK_MANIFEST_OK && res->shadow == QPYBAK_MANIFEST_OK)
            res->shadow = QPYBAK_MANIFEST_STALE;
    }
    res->backup = manifest_check(c, PATH_BACKUP_MANIFEST, NULL, NULL, &n_backup);

    if (res->primary == QPYBAK_MANIFEST_OK) {
        res->source = QPYBAK_SOURCE_PRIMARY;
        c->source_path = PATH_PRIMARY;
        c->source_entries = n_primary;
    } else if (res->shadow != QPYBAK_MANIFEST_OK &&
               (res->primary == QPYBAK_MANIFEST_UNREADABLE ||
                res->shadow == QPYBAK_MANIFEST_UNREADABLE)) {
        /* A read error is not corruption: the unreadable copy may hold edits
         * recorded by calc.  Falling back to the factory manifest would undo
         * them, so nothing is checked this time; the error is reported and
         * the next boot tries again. */
        res->source = QPYBAK_SOURCE_NONE;
        c->source_path = NULL;
        c->source_entries = 0;
    } else if (res->shadow == QPYBAK_MANIFEST_OK) {
        res->source = QPYBAK_SOURCE_SHADOW;
        c->source_path = PATH_SHADOW;
        c->source_entries = n_shadow;
    } else if (res->backup == QPYBAK_MANIFEST_OK) {
        res->source = QPYBAK_SOURCE_BACKUP;
        c->source_path = PATH_BACKUP_MANIFEST;
        c->source_entries = n_backup;
    } else {
        res->source = QPYBAK_SOURCE_NONE;
        c->source_path = NULL;
        c->source_entries = 0;
    }
}

