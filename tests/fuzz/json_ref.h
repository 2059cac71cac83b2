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
    bool name_form;  /* the name was not in its normal form */
    bool crc_spaces; /* crc32 had white space around it */
};

struct jref_doc {
    bool syntax_ok;  /* RFC 8259 JSON text (plus an optional leading BOM) */
    int max_depth;   /* deepest container nesting, top level = 1 */
    int top;         /* first byte of the top-level value */
    /* manifest view (top == '['): one record per array element */
    size_t n_entries;
    struct jref_entry *entries;
    bool trailing_comma; /* manifest view: one before a ']' or an entry's '}' */
    /* flag view (top == '{'): members named exactly "enable" */
    int enable_count;
    bool enable_type_ok; /* the last one: a number or a boolean */
    bool enable_on;      /* the last one: not false, not a zero number */
    bool flag_form;      /* a missing colon, a trailing comma, enable twice
                            or not a number or boolean */
    uint8_t *storage;    /* private: the decoded names */
};

/* Parses data[0..len).  name_max bounds a valid name (docs/format.md).
 * allow_bom: a UTF-8 byte order mark may open the document. */
void jref_parse(const uint8_t *data, size_t len, bool allow_bom, size_t name_max,
                struct jref_doc *doc);
void jref_free(struct jref_doc *doc);

/* docs/format.md, "Device paths and names", reserved names included. */
enum qpybak_reason ref_name_check(const uint8_t *name, size_t len, size_t name_max);

/* A name's normal form (docs/format.md, "Names in a form QuecPython
 * resolves") into out (len + 1 bytes); its length. */
size_t ref_name_normal(const uint8_t *in, size_t len, uint8_t *out);

/* What QuecPython's own code decides for a flag whose first bytes (read(64))
 * are s[0..n): ujson.loads(text)['enable'] != 0, any exception off - a
 * model of MicroPython's ujson written from its documented behaviour (it
 * takes ',' and ':' for white space, pairs no brackets, ends at a NUL byte,
 * does not check that the last container closed).  1 on, 0 off, -1 where
 * the model does not know (odd numbers, odd escapes). */
int ref_ujson_flag(const uint8_t *s, size_t n);

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
bool ref_utf8_valid(const uint8_t *s, size_t len);

#endif
