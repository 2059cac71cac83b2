/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Duplicate names in the user manifest, in fixed memory: a bit filter in
 * the spare buffer, settled exactly by reading the manifest again
 * (docs/design.md, "Checking and restoring one entry").
 */
#include "core.h"
#include "util.h"

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
    per = per * 7 / 10;
    c->bloom_k = (uint8_t)(per < 1 ? 1 : per > 8 ? 8 : per);
}

/*
 * Adds a valid entry's name to the filter: false when no earlier valid
 * entry can have the same name, true when one may.  The filter in the
 * spare buffer answers "no" for almost every name; with no spare buffer
 * every name is a "maybe".
 */
bool dedupe_note(struct run *c, const struct qpybak_entry *e)
{
    uint32_t h1, h2;
    bool maybe = true;
    unsigned i;

    if (e->name == NULL || e->invalid == QPYBAK_REASON_NAME_TOO_LONG)
        return false;
    name_hashes(e->name, e->name_len, &h1, &h2);
    if (c->bloom_bits) {
        for (i = 0; i < c->bloom_k; i++) {
            size_t bit = (size_t)((h1 + i * h2) % c->bloom_bits);

            if (!(c->bloom[bit / 8] & (1u << (bit % 8)))) {
                maybe = false;
                c->bloom[bit / 8] = (uint8_t)(c->bloom[bit / 8] | (1u << (bit % 8)));
            }
        }
    }
    return maybe && e->index > 0; /* the first entry has no earlier one */
}

/* Settles a "maybe" exactly: reads the manifest in use again up to the
 * entry.  *duplicate: an earlier valid entry has its name. */
int dedupe_confirm(struct run *c, const struct qpybak_entry *e, bool *duplicate)
{
    struct qpybak_entry earlier;
    int err;

    *duplicate = false;
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

int dedupe_seen(struct run *c, const struct qpybak_entry *e, bool *duplicate)
{
    *duplicate = false;
    return dedupe_note(c, e) ? dedupe_confirm(c, e, duplicate) : 0;
}
