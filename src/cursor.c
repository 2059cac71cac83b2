/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifest cursors: a streaming reader on a port handle (struct mfile), and
 * look-ups of a name in a manifest - through the index when the spare
 * buffer holds one (index.c), else by reading on from the last find.
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

