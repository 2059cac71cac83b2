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

/* The backup manifest read beside the primary, through the lookup cursor
 * (floor.c): next is its next valid entry, which the primary must name
 * before the one after it is read. */
struct floor_proof {
    struct qpybak_entry next;
    int more;     /* 1: next holds an entry; 0: the end; < 0: no lock-step */
    uint64_t sum; /* of the valid entries' name keys, and their count: */
    uint32_t count; /* the same names in any order give the same two */
};

static void floor_step(struct run *c, struct floor_proof *p)
{
    while ((p->more = mfile_next(&c->lookup, &p->next)) == 1 &&
           p->next.invalid != QPYBAK_REASON_NONE) {
    }
}

static enum qpybak_mstate check_beside(struct run *c, const char *path, const char *compare_with,
                                       bool *same, uint32_t *entries, struct floor_proof *floor)
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
    while ((err = qpybak_reader_next(r, &e)) == 1) {
        (*entries)++;
        if (floor != NULL && e.invalid == QPYBAK_REASON_NONE) {
            uint32_t lo, hi;

            name_key(e.name, e.name_len, &lo, &hi);
            floor->sum += (uint64_t)hi << 32 | lo;
            floor->count++;
            if (floor->more == 1 && entry_named(&floor->next, e.name, e.name_len))
                floor_step(c, floor);
        }
    }
    if (err == 0)
        index_note(c, path, *entries); /* sizes its index (index.c) */
    c->result->warnings |= r->warnings; /* a trailing comma: said once, here */
    io_close(c, t.handle);
    if (t.other >= 0)
        io_close(c, t.other);
    if (same)
        *same = err == 0 && t.same;
    if (mstate_of(err) == QPYBAK_MANIFEST_UNREADABLE)
        note_error(c, err, path);
    return mstate_of(err);
}

enum qpybak_mstate manifest_check(struct run *c, const char *path, const char *compare_with,
                                  bool *same, uint32_t *entries)
{
    return check_beside(c, path, compare_with, same, entries, NULL);
}

void choose_source(struct run *c)
{
    struct qpybak_result *res = c->result;
    struct floor_proof floor, factory;
    uint32_t n_primary, n_shadow, n_backup = 0;
    bool same;

    /* The primary is validated while the shadow is compared with it and
     * the backup manifest is read beside it: when every factory name comes
     * in the same order, the floor holds (floor.c) and the backup manifest
     * has been validated on the way, in one read of each.  Else, when both
     * list the same names in another order (the same sum and count of name
     * keys: 2^-64 for a chance match), it holds too. */
    mem_zero(&floor, sizeof floor);
    mem_zero(&factory, sizeof factory);
    factory.more = -1;
    floor.more = mfile_open(c, &c->lookup, PATH_BACKUP_MANIFEST);
    if (floor.more == 0)
        floor_step(c, &floor);
    res->primary = check_beside(c, PATH_PRIMARY, PATH_SHADOW, &same, &n_primary, &floor);
    c->floor_proven = res->primary == QPYBAK_MANIFEST_OK && floor.more == 0;
    if (c->floor_proven) {
        n_backup = c->lookup.next;
        index_note(c, PATH_BACKUP_MANIFEST, n_backup);
        c->result->warnings |= c->lookup.reader.warnings;
    }
    mfile_close(&c->lookup);
    if (res->primary == QPYBAK_MANIFEST_OK && same) {
        res->shadow = QPYBAK_MANIFEST_OK;
    } else {
        res->shadow = manifest_check(c, PATH_SHADOW, NULL, NULL, &n_shadow);
        if (res->primary == QPYBAK_MANIFEST_OK && res->shadow == QPYBAK_MANIFEST_OK)
            res->shadow = QPYBAK_MANIFEST_STALE;
    }
    if (!c->floor_proven) {
        res->backup = check_beside(c, PATH_BACKUP_MANIFEST, NULL, NULL, &n_backup, &factory);
        c->floor_proven = res->primary == QPYBAK_MANIFEST_OK &&
                          res->backup == QPYBAK_MANIFEST_OK && factory.count == floor.count &&
                          factory.sum == floor.sum;
    } else {
        res->backup = QPYBAK_MANIFEST_OK;
    }

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

