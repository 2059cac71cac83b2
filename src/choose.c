/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Validating manifests and choosing which user manifest to trust
 * (docs/design.md, "Choosing the user manifest").
 */
#include "core.h"
#include "util.h"

/* Validating a manifest through the pass cursor while comparing it byte
 * for byte with up to two others - the shadow, read into the rescan
 * cursor's chunk, and the backup manifest, into the lookup cursor's: the
 * comparison is their job here.  A side stops being read at its first
 * difference. */
struct side {
    int handle;     /* -1: none */
    uint8_t *chunk;
    bool same;
};

struct compare {
    struct run *c;
    int handle;     /* the validated file */
    struct side side[2];
};

/* Two chunks alike?  Both start on a word boundary of the work buffer
 * (workspace.c; the reader fills a chunk from its start), and index.c
 * reads the work buffer as words too: a word at a time is a quarter of
 * the loads of mem_eq. */
static bool chunk_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
    const uint32_t *x = (const uint32_t *)(const void *)a, *y = (const uint32_t *)(const void *)b;
    size_t i;

    if (((uintptr_t)a | (uintptr_t)b) & 3u)
        return mem_eq(a, b, n);
    for (i = 0; i < n / 4; i++)
        if (x[i] != y[i])
            return false;
    return mem_eq(a + n / 4 * 4, b + n / 4 * 4, n % 4);
}

static void compare_side(struct run *c, struct side *o, const uint8_t *buf, int n)
{
    int got = 0;
    uint8_t extra;

    if (o->handle < 0 || !o->same)
        return;
    while (got < n) {
        int m = io_read(c, o->handle, o->chunk + got, (size_t)(n - got));

        if (m <= 0) {
            o->same = false;
            return;
        }
        got += m;
    }
    if (n > 0)
        o->same = chunk_eq(buf, o->chunk, (size_t)n);
    else /* the end of the validated file: the other must end too */
        o->same = io_read(c, o->handle, &extra, 1) == 0;
}

static int compare_read(void *ctx, void *buf, size_t len)
{
    struct compare *t = (struct compare *)ctx;
    int n = io_read(t->c, t->handle, buf, len);

    if (n >= 0) {
        compare_side(t->c, &t->side[0], (const uint8_t *)buf, n);
        compare_side(t->c, &t->side[1], (const uint8_t *)buf, n);
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

/*
 * Validates path, reading it entry by entry: names, when not NULL, sums its
 * valid entries' names (the factory floor's proof, floor.c); ahead, when
 * not NULL, sees each entry.  beside[i], when not NULL, is compared with it
 * byte for byte: same[i] says whether it is identical.
 */
static enum qpybak_mstate check_beside(struct run *c, const char *path,
                                       const char *const beside[2], bool same[2],
                                       uint32_t *entries, struct name_sum *names,
                                       entry_fn ahead, void *ctx)
{
    struct qpybak_reader *r = &c->pass.reader;
    struct qpybak_entry e;
    struct compare t;
    size_t size;
    int err, i;

    mfile_close(&c->pass);
    mfile_close(&c->rescan);
    mfile_close(&c->lookup);
    *entries = 0;
    if (same != NULL)
        same[0] = same[1] = false;
    t.c = c;
    t.side[0].chunk = c->rescan.reader.chunk;
    t.side[1].chunk = c->lookup.reader.chunk;
    for (i = 0; i < 2; i++) {
        t.side[i].handle = -1;
        t.side[i].same = false;
    }
    t.handle = io_open(c, path, QPYBAK_O_READ);
    if (t.handle < 0) {
        if (mstate_of(t.handle) == QPYBAK_MANIFEST_UNREADABLE)
            note_error(c, t.handle, path);
        return mstate_of(t.handle);
    }
    for (i = 0; beside != NULL && i < 2; i++) {
        if (beside[i] != NULL)
            t.side[i].handle = io_open(c, beside[i], QPYBAK_O_READ);
        t.side[i].same = t.side[i].handle >= 0;
    }
    /* The chunk no larger than the sides' (workspace.c makes them all
     * alike): each read is compared in one go, within their chunks. */
    size = min_size(r->chunk_size, min_size(c->rescan.reader.chunk_size,
                                            c->lookup.reader.chunk_size));
    qpybak_reader_init(r, compare_read, &t, r->chunk, size, r->name, r->name_size);
    while ((err = qpybak_reader_next(r, &e)) == 1) {
        (*entries)++;
        if (names != NULL)
            name_sum_add(names, &e);
        if (ahead != NULL)
            ahead(c, &e, ctx);
    }
    if (err == 0)
        index_note(c, path, *entries); /* sizes its index (index.c) */
    c->result->warnings |= r->warnings; /* a trailing comma: said once, here */
    io_close(c, t.handle);
    for (i = 0; i < 2; i++) {
        if (t.side[i].handle >= 0)
            io_close(c, t.side[i].handle);
        if (same != NULL)
            same[i] = err == 0 && t.side[i].same;
    }
    if (mstate_of(err) == QPYBAK_MANIFEST_UNREADABLE)
        note_error(c, err, path);
    return mstate_of(err);
}

enum qpybak_mstate manifest_check(struct run *c, const char *path, uint32_t *entries)
{
    return check_beside(c, path, NULL, NULL, entries, NULL, NULL, NULL);
}

void choose_source(struct run *c, entry_fn ahead, void *ctx)
{
    static const char *const beside[2] = {PATH_SHADOW, PATH_BACKUP_MANIFEST};
    struct qpybak_result *res = c->result;
    struct name_sum primary = {0, 0}, factory = {0, 0};
    uint32_t n_primary = 0, n_shadow = 0, n_backup = 0;
    bool same[2];

    /* The primary is validated while the shadow and the backup manifest are
     * compared with it byte for byte, in one read of each.  A backup
     * manifest identical to a valid primary is valid, and every factory
     * name is in the primary: the floor holds (floor.c) with nothing more
     * read.  Else the backup manifest is read whole, and the floor holds
     * when both list the same names in any order (the same sum and count
     * of name keys: 2^-64 for a chance match). */
    res->primary = check_beside(c, PATH_PRIMARY, beside, same, &n_primary, &primary, ahead, ctx);
    if (res->primary == QPYBAK_MANIFEST_OK && same[0]) {
        res->shadow = QPYBAK_MANIFEST_OK;
    } else {
        res->shadow = manifest_check(c, PATH_SHADOW, &n_shadow);
        if (res->primary == QPYBAK_MANIFEST_OK && res->shadow == QPYBAK_MANIFEST_OK)
            res->shadow = QPYBAK_MANIFEST_STALE;
    }
    if (res->primary == QPYBAK_MANIFEST_OK && same[1]) {
        res->backup = QPYBAK_MANIFEST_OK;
        n_backup = n_primary;
        index_note(c, PATH_BACKUP_MANIFEST, n_backup);
        c->floor_proven = true;
    } else {
        res->backup = check_beside(c, PATH_BACKUP_MANIFEST, NULL, NULL, &n_backup, &factory, NULL,
                                   NULL);
        c->floor_proven = res->primary == QPYBAK_MANIFEST_OK &&
                          res->backup == QPYBAK_MANIFEST_OK && factory.count == primary.count &&
                          factory.sum == primary.sum;
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

