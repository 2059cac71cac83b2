/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The totals of a progress display (out.c) that the library does not
 * report: how many entries a run will go through, and their bytes.  The
 * library reads its manifest in fixed memory and never holds the count, so
 * the command counts once more - only when the display first appears, that
 * is only for a run of more than a second on a terminal: a short run, a
 * pipe or --quiet pays nothing.
 */
#include "cli.h"

#include <stdlib.h>

/* The manifest reader's chunk; a big one makes the count a few reads. */
#define CHUNK (64u * 1024u)

struct source {
    const struct qpybak_port *port;
    int handle;
};

static int read_source(void *ctx, void *buf, size_t len)
{
    struct source *s = ctx;

    return s->port->read(s->port->ctx, s->handle, buf, len);
}

/* Counts the entries of the checksum.json-shaped file at the device path
 * dev and sums their recorded sizes (*bytes is 0 when an entry records
 * none).  Returns false when the file cannot be read whole or is not a
 * manifest: the run then uses another copy, or none. */
static bool count_entries(struct qpybak_posix *px, const char *dev, uint64_t *files,
                          uint64_t *bytes)
{
    struct qpybak_reader r;
    struct qpybak_entry e;
    struct source s;
    char name[QPYBAK_NAME_MAX_DEFAULT + 1];
    uint8_t *chunk;
    uint64_t n = 0, sum = 0;
    bool sized = true;
    int rc;

    s.port = &px->port;
    s.handle = s.port->open(s.port->ctx, dev, QPYBAK_O_READ);
    if (s.handle < 0)
        return false;
    chunk = xmalloc(CHUNK);
    /* A name longer than the buffer is an invalid entry: still an entry. */
    qpybak_reader_init(&r, read_source, &s, chunk, CHUNK, name, sizeof(name));
    while ((rc = qpybak_reader_next(&r, &e)) == 1) {
        n++;
        if (e.invalid == QPYBAK_REASON_NONE && e.has_size)
            sum += e.size;
        else if (e.invalid == QPYBAK_REASON_NONE)
            sized = false;
    }
    s.port->close(s.port->ctx, s.handle);
    free(chunk);
    if (rc != 0)
        return false;
    *files = n;
    *bytes = sized ? sum : 0;
    return true;
}

void progress_manifest_totals(void *ctx, uint64_t *files, uint64_t *bytes)
{
    /* The order in which boot and status choose the user manifest
     * (docs/design.md, "Choosing the user manifest"). */
    static const char *const order[] = {QPYBAK_PATH_PRIMARY, QPYBAK_PATH_SHADOW,
                                        QPYBAK_PATH_BACKUP_MANIFEST};
    size_t i;

    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (count_entries(ctx, order[i], files, bytes))
            return;
}

void progress_journal_totals(void *ctx, uint64_t *files, uint64_t *bytes)
{
    count_entries(ctx, QPYBAK_PATH_JOURNAL, files, bytes);
}
