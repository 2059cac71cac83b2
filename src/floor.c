/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The factory list is the floor (docs/design.md, "The factory floor"):
 * every file the backup manifest lists stays protected even when a writer
 * dropped its entry from the user manifest - QuecPython rewrites
 * /usr/checksum.json from the first 16 KiB it read, and an application may
 * rewrite it by hand.  Boot and status check such a file against its
 * factory value; every manifest qpybak writes lists it again.
 *
 * Finding the dropped entries costs nothing on an intact boot when the
 * primary and the backup manifest are the same bytes (as pack writes
 * them): choose_source compares them while it validates the primary.
 * Else it reads the backup manifest whole, and the same sum and count of
 * name keys (struct name_sum) in both prove the floor, in any order.  Only
 * otherwise is each factory name looked up in the user manifest in use,
 * reading on from the last find.
 *
 * What a dropped entry recorded (a calc'd edit, an update) is often still
 * in the shadow: a writer that rewrote the primary since the last boot
 * left the shadow stale, and boot repairs it only after the checks when
 * the floor is not proven.  floor_recorded takes the shadow's value then.
 */
#include "core.h"

/* Is this the first valid entry of its name in the backup manifest?  A
 * name listed twice is checked and listed again once.  1, 0, or an error. */
static int first_of_name(struct run *c, const struct qpybak_entry *f)
{
    struct qpybak_entry e;
    int r = mfile_open(c, &c->rescan, PATH_BACKUP_MANIFEST);
    bool first = true;

    while (r == 0 && first && (r = mfile_next(&c->rescan, &e)) == 1 && e.index < f->index) {
        first = e.invalid != QPYBAK_REASON_NONE || !entry_named(&e, f->name, f->name_len);
        r = 0;
    }
    mfile_close(&c->rescan);
    return r < 0 ? r : first;
}

void name_sum_add(struct name_sum *s, const struct qpybak_entry *e)
{
    uint32_t lo, hi;

    if (e->invalid != QPYBAK_REASON_NONE)
        return; /* it names no file */
    name_key(e->name, e->name_len, &lo, &hi);
    s->sum += (uint64_t)hi << 32 | lo;
    s->count++;
}

void floor_recorded(struct run *c, struct qpybak_entry *f)
{
    struct qpybak_entry s;

    if (c->result->source != QPYBAK_SOURCE_PRIMARY || c->result->shadow != QPYBAK_MANIFEST_STALE)
        return;
    if (mfile_lookup(c, &c->rescan, PATH_SHADOW, f->name, f->name_len, &s) == 1) {
        f->crc = s.crc;
        f->size = s.size;
        f->has_size = s.has_size;
    }
    mfile_close(&c->rescan);
}

bool floor_pending(const struct run *c)
{
    return !c->floor_proven && c->result->backup == QPYBAK_MANIFEST_OK &&
           c->result->source != QPYBAK_SOURCE_BACKUP;
}

int floor_open(struct run *c)
{
    return mfile_open(c, &c->pass, PATH_BACKUP_MANIFEST);
}

int floor_next(struct run *c, struct qpybak_entry *f)
{
    struct qpybak_entry found;
    int r;

    while ((r = mfile_next(&c->pass, f)) == 1) {
        if (f->invalid != QPYBAK_REASON_NONE)
            continue; /* it protects nothing */
        r = mfile_lookup(c, &c->lookup, c->source_path, f->name, f->name_len, &found);
        if (r < 0)
            return r;
        if (r == 1)
            continue; /* listed */
        r = first_of_name(c, f);
        if (r != 0)
            return r; /* 1: dropped, or an error */
    }
    return r;
}
