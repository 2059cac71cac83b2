/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reference implementations the fuzz targets compare the core against,
 * written from docs/format.md and RFC 8259 rather than from src/: a plain
 * recursive-descent JSON parser (in-memory, depth-capped), the manifest
 * entry rules ("checksum.json"), the enable-flag rules
 * ("backup_restore.json"), and the name rules ("Device paths and names").
 * Slow and simple on purpose.
 */
#ifndef FUZZ_JSON_REF_H
#define FUZZ_JSON_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qpybak_tools.h"

/* Nesting beyond this is not followed: the document counts as "deep". */
#define JREF_DEPTH_CAP 100

struct jref_entry {
    bool valid;            /* docs/format.md, "Invalid entries": valid */
    const uint8_t *name;   /* decoded "name" (valid entries), in jref storage */
    size_t name_len;
    uint32_t crc;
    bool has_size;
    uint32_t size;
};

struct jref_doc {
    bool syntax_ok;  /* RFC 8259 JSON text (plus an optional leading BOM) */
    int max_depth;   /* deepest container nesting, top level = 1 */
    int top;         /* first byte of the top-level value */
    /* manifest view (top == '['): one record per array element */
    size_t n_entries;
    struct jref_entry *entries;
    /* flag view (top == '{'): members named exactly "enable" */
    int enable_count;
    bool enable_type_ok; /* a number or a boolean */
    bool enable_on;      /* non-zero number or true */
    uint8_t *storage;    /* private: the decoded names */
};

/* Parses data[0..len).  name_max bounds a valid name (docs/format.md).
 * allow_bom: a UTF-8 byte order mark may open the document. */
void jref_parse(const uint8_t *data, size_t len, bool allow_bom, size_t name_max,
                struct jref_doc *doc);
void jref_free(struct jref_doc *doc);

/* docs/format.md, "Device paths and names", reserved names included. */
enum qpybak_reason ref_name_check(const uint8_t *name, size_t len, size_t name_max);

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
bool ref_utf8_valid(const uint8_t *s, size_t len);

#endif
