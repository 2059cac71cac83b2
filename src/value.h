/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal: a checksum value - what a manifest entry records of a file: its
 * CRC-32 and, optionally, its size (docs/format.md, "checksum.json") - and
 * the one rule by which a file matches it.  Boot, calc, FOTA apply and the
 * manifest rewrite all compare through here.
 */
#ifndef QPYBAK_VALUE_H
#define QPYBAK_VALUE_H

#include "qpybak_tools.h"

struct value {
    uint32_t crc;
    uint32_t size;
    bool has_size; /* false: a QuecPython entry without "size" */
};

static inline struct value value_of(const struct qpybak_entry *e)
{
    struct value v;

    v.crc = e->crc;
    v.size = e->size;
    v.has_size = e->has_size;
    return v;
}

/* A file with this CRC and size matches the value: the CRC is equal and,
 * when the value records a size, so is the size. */
static inline bool value_matches(const struct value *v, uint32_t crc, uint64_t size)
{
    return v->crc == crc && (!v->has_size || v->size == size);
}

/* Two values record the same thing (a size on one side only is not the
 * same: the manifest rewrite must write it). */
static inline bool value_equal(const struct value *a, const struct value *b)
{
    return a->crc == b->crc && a->has_size == b->has_size && (!a->has_size || a->size == b->size);
}

/* Can content matching b also match a (a restore that installs b's content
 * loses nothing a records)? */
static inline bool value_compatible(const struct value *a, const struct value *b)
{
    return a->crc == b->crc && (!a->has_size || !b->has_size || a->size == b->size);
}

#endif
