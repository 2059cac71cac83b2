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
 * - the entry records the factory content (its crc32 is the factory one):
 *   the factory copy's size is the true one (the backup manifest's, else
 *   the copy's own); a file of another size is damaged, and installing the
 *   factory copy loses nothing the entry records;
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
    struct qpybak_entry factory;
    struct qpybak_stat st;
    uint64_t factory_size = 0;
    bool factory_content = false, known = false;
    int found = backup_lookup(c, e->name, e->name_len, &factory);

    note_error(c, found < 0 ? found : 0, PATH_BACKUP_MANIFEST);
    if (found > 0 && factory.crc == e->crc) {
        factory_content = true;
        if (factory.has_size) {
            factory_size = factory.size;
            known = true;
        } else if (io_stat(c, installer_backup_path(&c->inst, e->name, e->name_len), &st) == 0 &&
                   st.type == QPYBAK_TYPE_FILE) {
            factory_size = st.size;
            known = true;
        }
    }
    if (factory_content) {
        /* No factory size at hand (the copy is gone): the entry's is all
         * there is, as before this rule. */
        if (!known || sum->size != factory_size)
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
