/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * When a recorded size is trusted (docs/format.md, "The size member").
 *
 * `size` exists for one kind of damage: with QuecPython's seed, leading
 * zero bytes do not change the CRC, so a file that gained or lost zeros at
 * its start - or zeros standing for an empty file - still has the CRC its
 * entry records.  But a writer that does not know `size` (QuecPython's
 * checksum.update, an older tool) rewrites crc32 after an edit and keeps
 * the old size: then the size is stale, and trusting it would restore the
 * factory copy over the edit the CRC records.
 *
 * So the size decides only where it is evidence:
 * - the entry records the factory content (the backup copy has its CRC):
 *   the copy's size is the true one; a file of another size is damaged,
 *   and installing the factory copy loses nothing the entry records.  The
 *   copy itself is read, not the backup manifest: a manifest that names a
 *   file twice must not make the answer depend on which entry a look-up
 *   meets first;
 * - the entry records an edit or an update: a file whose CRC matches is
 *   kept.  If it is longer by leading zero bytes - exactly the damage the
 *   size catches - it is reported and kept (never overwritten on this
 *   evidence alone); otherwise the size is stale and the file is intact.
 */
#include "core.h"

/* Reads the whole file (up to what an entry can record) after a read that
 * stopped at the entry's size. */
static void read_whole(struct run *c, const struct qpybak_entry *e, struct file_sum *sum)
{
    sum->err = file_checksum_upto(&c->inst, e->name, 0xFFFFFFFFu, &sum->crc, &sum->size,
                                  &sum->zeros);
}

enum size_verdict size_rule(struct run *c, const struct qpybak_entry *e, struct file_sum *sum)
{
    uint32_t copy_crc;
    uint64_t copy_size;
    const char *copy = installer_backup_path(&c->inst, e->name, e->name_len);

    if (file_checksum(&c->inst, copy, &copy_crc, &copy_size) == 0 && copy_crc == e->crc) {
        if (sum->size != copy_size)
            return SIZE_DAMAGED;
        if (sum->err == CHECKSUM_PAST_LIMIT)
            read_whole(c, e, sum);
        return sum->err == 0 && sum->crc == e->crc ? SIZE_STALE : SIZE_DAMAGED;
    }
    if (sum->err == CHECKSUM_PAST_LIMIT)
        read_whole(c, e, sum);
    if (sum->err != 0 || sum->crc != e->crc)
        return SIZE_DAMAGED; /* the content differs, or cannot be read */
    if (sum->size > e->size && sum->zeros >= sum->size - e->size)
        return SIZE_ZEROS;
    return SIZE_STALE;
}
