/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `qpybak pack`, shared between its two halves: pack_scan.c looks at
 * everything and refuses bad input before a byte is written; pack.c writes.
 */
#ifndef QPYBAK_CLI_PACK_H
#define QPYBAK_CLI_PACK_H

#include "cli.h"

/* One directory or regular file of APP_DIR, named by its device path. */
struct item {
    char *path; /* "/usr/lib/a.py": the manifest name, the user-partition path */
    bool dir;
    uint32_t crc;  /* files: of the bytes actually copied (pack.c) */
    uint32_t size; /* files: as scanned, then as copied */
};

/* APP_DIR, opened as the /usr root of a POSIX port so that the scan and the
 * copies walk it with the same link-proof code the core uses, and its
 * items in pack order: byte-wise sorted per directory, depth first. */
struct tree {
    struct qpybak_posix app;
    const char *app_dir;
    struct item *items;
    size_t n, cap;
};

/* Scans APP_DIR into t: EXIT_INTACT, or EXIT_USAGE after the one message. */
int pack_scan(struct tree *t, const char *app_dir);
void pack_free(struct tree *t);

/* The output directories: each missing or empty, none overlapping another
 * or APP_DIR.  EXIT_INTACT, or EXIT_USAGE after the message. */
int pack_check_outputs(const struct opts *o);

/* "APP_DIR/lib/a.py" for an item path: the host name in messages. */
char *app_path(const struct tree *t, const char *path);

#endif
