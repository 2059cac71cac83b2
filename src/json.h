/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The streaming JSON lexer under the manifest and flag readers.  It pulls
 * bytes through a qpybak_reader's chunk buffer, never looks back, and keeps
 * no state beyond that buffer: any document is read in fixed memory.
 * Nothing here recurses; nested values are skipped with a bit stack.
 */
#ifndef QPYBAK_JSON_H
#define QPYBAK_JSON_H

#include "prefix.h"
#include "qpybak_tools.h"

#define JSON_END (-1) /* end of input, or a source error (see r->error) */

/* Flags a decoded string may carry. */
#define JSON_STR_TRUNCATED 0x1u  /* longer than the output buffer */
#define JSON_STR_BAD_TEXT 0x2u   /* invalid UTF-8 or a lone surrogate */
#define JSON_STR_NORMALISED 0x4u /* JSON_STR_NAME: the name was not in its
                                    normal form */
#define JSON_STR_TRIMMED 0x8u    /* JSON_STR_TRIM: white space was left out */

/* How json_string reads a string (its mode). */
#define JSON_STR_NAME 0x10u /* a manifest name, read in its normal form
                               (docs/format.md, "Device paths and names"):
                               runs of '/' collapsed, "." components that
                               a '/' follows left out, "usr/..." made
                               "/usr/...".  Nothing else changes: "..", a
                               trailing '/' or '.', any other relative
                               name stay as they are, for the name check
                               to refuse.  The buffer holds only the normal
                               form, so a name whose text is longer than
                               the buffer still fits when its normal form
                               does. */
#define JSON_STR_TRIM 0x20u /* space, tab, CR and LF before and after the
                               text are left out (as they arrive: the
                               buffer holds the text alone); inside it
                               they become one space */

/* A JSON number as far as qpybak needs it. */
struct json_number {
    bool is_uint32; /* an integer without fraction or exponent, < 2^32 */
    bool nonzero;   /* its value is not zero */
    bool exponent;  /* it has one (a float may round it to zero) */
    uint32_t value; /* when is_uint32 */
};

/* Skips white space; returns the next byte without consuming it, or JSON_END. */
int json_peek(struct qpybak_reader *r);

/* Skips a UTF-8 byte order mark, as Windows editors add, at the very start
 * of a document: 0, or QPYBAK_ERR_CORRUPT for a partial one. */
int json_skip_bom(struct qpybak_reader *r);

/* Consumes the byte json_peek returned. */
void json_take(struct qpybak_reader *r);

/* Consumes an expected byte after white space; QPYBAK_ERR_CORRUPT if absent. */
int json_expect(struct qpybak_reader *r, int c);

/*
 * Decodes the string at the cursor (which must be at its '"') into out
 * (cap >= 1; always NUL-terminated), setting *len and *flags.  Escapes
 * become UTF-8.  mode: 0, JSON_STR_NAME or JSON_STR_TRIM.  Returns 0,
 * QPYBAK_ERR_CORRUPT on a JSON syntax error, or the source's error.
 */
int json_string(struct qpybak_reader *r, char *out, size_t cap, size_t *len, unsigned *flags,
                unsigned mode);

/* Reads the number at the cursor.  0, QPYBAK_ERR_CORRUPT or a source error. */
int json_number(struct qpybak_reader *r, struct json_number *num);

/*
 * Steps through an object's members.  Call first with *first true and the
 * cursor at the '{'; then after each member's value.  Returns 1 with the
 * member's key decoded (as json_string does) and the cursor at its value,
 * 0 after the closing '}', or an error.  One comma before the '}' is
 * taken, as QuecPython's ujson takes it, and noted in r->warnings
 * (QPYBAK_WARN_TRAILING_COMMA).
 */
int json_object_member(struct qpybak_reader *r, bool *first, char *key, size_t cap, size_t *len,
                       unsigned *flags);

/* Skips any one value at the cursor, nested up to QPYBAK_JSON_DEPTH_MAX. */
int json_skip_value(struct qpybak_reader *r);

/* The FOTA journal's "from" member (manifest_read.c): a reader given a
 * buffer takes "from" as a known string member of each entry; reader_from
 * gives the last entry's, or NULL when it had none. */
void reader_accept_from(struct qpybak_reader *r, char *buf, size_t size);
const char *reader_from(const struct qpybak_reader *r, size_t *len);

/* The error to return once input ended early: the source's, or CORRUPT. */
int json_end_error(const struct qpybak_reader *r);

#endif
