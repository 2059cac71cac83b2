/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifests as files: opening a reader on one, validating it whole, choosing
 * which user manifest to trust (docs/design.md, "Choosing the user manifest"), looking names up in
 * the backup manifest, and spotting duplicate names in fixed memory.
 */
#include "core.h"
#include "util.h"

static int mfile_read(void *ctx, void *buf, size_t len)
{
    struct mfile *m = (struct mfile *)ctx;

    return io_read(m->run, m->handle, buf, len);
}

int mfile_open(struct run *c, struct mfile *m, const char *path)
{
    mfile_close(m);
    m->handle = io_open(c, path, QPYBAK_O_READ);
    if (m->handle < 0) {
        int err = m->handle;

        m->handle = -1;
        return err;
    }
    m->path = path;
    m->next = 0;
    qpybak_reader_init(&m->reader, mfile_read, m, m->reader.chunk, m->reader.chunk_size,
                       m->reader.name, m->reader.name_size);
    m->reader.name_max = c->name_max;
    return 0;
}

void mfile_close(struct mfile *m)
{
    if (m->handle >= 0)
        io_close(m->run, m->handle);
    m->handle = -1;
}

int mfile_next(struct mfile *m, struct qpybak_entry *e)
{
    int r = qpybak_reader_next(&m->reader, e);

    if (r == 1)
        m->next = e->index + 1;
    return r;
}


/* Reading a manifest while comparing it byte for byte with another file
 * (the shadow), in the aux reader's chunk buffer. */
struct tee {
    struct run *c;
    int handle;      /* the validated file */
    int other;       /* the file compared with, -1: none */
    bool same;
};

static int tee_read(void *ctx, void *buf, size_t len)
{
    struct tee *t = (struct tee *)ctx;
    int n = io_read(t->c, t->handle, buf, len), got = 0;

    if (n < 0 || t->other < 0 || !t->same)
        return n;
    while (got < n) {
        int m = io_read(t->c, t->other, t->c->rescan.reader.chunk + got, (size_t)(n - got));

        if (m <= 0) {
            t->same = false;
            return n;
        }
        got += m;
    }
    if (!mem_eq(buf, t->c->rescan.reader.chunk, (size_t)n))
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
    struct tee t;
    int err;

    mfile_close(&c->pass);
    *entries = 0;
    if (same)
        *same = false;
    t.c = c;
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
    /* The chunk is kept smaller than the aux buffer so the tee can compare
     * every read in one go. */
    qpybak_reader_init(r, tee_read, &t, r->chunk,
                       r->chunk_size < c->rescan.reader.chunk_size ? r->chunk_size
                                                                 : c->rescan.reader.chunk_size,
                       r->name, r->name_size);
    r->name_max = c->name_max;
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

bool entry_named(const struct qpybak_entry *a, const char *name, size_t len)
{
    return a->name != NULL && a->invalid != QPYBAK_REASON_NAME_TOO_LONG && a->name_len == len &&
           mem_eq(a->name, name, len);
}

/*
 * With an index of the manifest in the spare work buffer (index.c), a
 * look-up reads nothing: the first look-up builds it in one pass.  Without
 * one (too small a buffer), the manifest is searched from where the last
 * search stopped and wraps around once: the user and backup manifests (and
 * a FOTA journal) usually list files in the same order, so a whole boot
 * costs one pass over the file searched, not one per look-up.
 */
int mfile_lookup(struct run *c, struct mfile *m, const char *path, const char *name, size_t len,
                 struct qpybak_entry *found)
{
    uint32_t start;
    bool wrapped = false;
    int err;

    err = index_find(c, path, name, len, found);
    if (err == INDEX_BUILD) {
        bool ok = mfile_open(c, m, path) == 0;

        while (ok && (err = mfile_next(m, found)) == 1)
            ok = index_add(c, found);
        index_done(c, ok && err == 0);
        mfile_close(m);
        err = index_find(c, path, name, len, found);
    }
    if (err != INDEX_NONE)
        return err;
    if (m->handle < 0 || m->path != path) {
        err = mfile_open(c, m, path);
        if (err)
            return err;
    }
    start = m->next; /* the reader's position: the next entry's index */
    for (;;) {
        err = mfile_next(m, found);
        if (err < 0)
            return err;
        if (err == 0) {
            if (wrapped || start == 0)
                return 0; /* every entry seen */
            err = mfile_open(c, m, path);
            if (err)
                return err;
            wrapped = true;
            continue;
        }
        if (wrapped && found->index >= start)
            return 0;
        if (found->invalid == QPYBAK_REASON_NONE && entry_named(found, name, len))
            return 1;
    }
}

int backup_lookup(struct run *c, const char *name, size_t len, struct qpybak_entry *found)
{
    if (c->result->backup != QPYBAK_MANIFEST_OK)
        return 0;
    return mfile_lookup(c, &c->lookup, PATH_BACKUP_MANIFEST, name, len, found);
}

/* Two independent 32-bit hashes of a name (FNV-1a and a multiplicative
 * mix), combined as h1 + i*h2 for the filter's probes. */
static void name_hashes(const char *name, size_t len, uint32_t *h1, uint32_t *h2)
{
    uint32_t a = 2166136261u, b = 0x9E3779B9u;
    size_t i;

    for (i = 0; i < len; i++) {
        a = (a ^ (uint8_t)name[i]) * 16777619u;
        b = (b ^ (uint8_t)name[i]) * 0x85EBCA6Bu;
        b ^= b >> 13;
    }
    *h1 = a;
    *h2 = b | 1u;
}

void dedupe_reset(struct run *c)
{
    uint32_t n = c->source_entries ? c->source_entries : 1;
    size_t per;

    spare_split(c); /* the filter: sized to n, in front of the index */
    per = c->bloom_bits / n;
    if (c->bloom)
        mem_zero(c->bloom, c->bloom_bits / 8);
    /* k = bits per entry * ln 2, the false-positive optimum, within 1..8 */
    c->bloom_k = (unsigned)(per * 7 / 10);
    if (c->bloom_k < 1)
        c->bloom_k = 1;
    if (c->bloom_k > 8)
        c->bloom_k = 8;
}

/*
 * Has an earlier valid entry of the user manifest the same name?  (An
 * invalid entry claims no name: the first valid one is the entry.)  A bit filter in
 * the spare work buffer answers "no" for almost every name; a "maybe" is
 * settled exactly by reading the manifest again up to this entry.  With no
 * spare buffer every name takes the exact path: slower, never wrong.
 */
int dedupe_seen(struct run *c, const struct qpybak_entry *e, bool *duplicate)
{
    struct qpybak_entry earlier;
    uint32_t h1, h2;
    bool maybe = true;
    unsigned i;
    int err;

    *duplicate = false;
    if (e->name == NULL || e->invalid == QPYBAK_REASON_NAME_TOO_LONG)
        return 0;
    name_hashes(e->name, e->name_len, &h1, &h2);
    if (c->bloom_bits) {
        maybe = true;
        for (i = 0; i < c->bloom_k; i++) {
            size_t bit = (size_t)((h1 + i * h2) % c->bloom_bits);

            if (!(c->bloom[bit / 8] & (1u << (bit % 8)))) {
                maybe = false;
                c->bloom[bit / 8] = (uint8_t)(c->bloom[bit / 8] | (1u << (bit % 8)));
            }
        }
    }
    if (!maybe || e->index == 0)
        return 0;
    err = mfile_open(c, &c->rescan, c->source_path);
    if (err)
        return err;
    while ((err = mfile_next(&c->rescan, &earlier)) == 1 && earlier.index < e->index) {
        if (earlier.invalid == QPYBAK_REASON_NONE &&
            entry_named(&earlier, e->name, e->name_len)) {
            *duplicate = true;
            break;
        }
    }
    mfile_close(&c->rescan);
    return err < 0 ? err : 0;
}
