/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal: emitting JSON text through a qpybak_write_fn, for the manifest
 * writer and the report.  Each call is a no-op once *err is set, so callers
 * write a whole line and check once.
 */
#ifndef QPYBAK_JSON_OUT_H
#define QPYBAK_JSON_OUT_H

#include "prefix.h"
#include "qpybak_tools.h"

struct jout {
    qpybak_write_fn write;
    void *ctx;
    int *err; /* first error, sticky */
};

void jout_raw(const struct jout *o, const char *s, size_t len);
void jout_text(const struct jout *o, const char *s); /* NUL-terminated, as is */
/* A JSON string with quotes: '"', '\' and control bytes escaped; bytes that
 * are not valid UTF-8 become U+FFFD, so the output is always valid JSON. */
void jout_string(const struct jout *o, const char *s, size_t len);
void jout_u64(const struct jout *o, uint64_t v);
void jout_crc(const struct jout *o, uint32_t crc); /* "0x%08x" with quotes */

#endif
