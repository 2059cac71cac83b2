/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A read-only port over files laid out in memory, for the boot-cost bench:
 * what a memory-mapped NOR flash with a lean file table would cost.  A path
 * is found through a hash table (one pass over the path), a read is a word
 * copy, so nearly every instruction an intact boot executes is the core's.
 * Every change (open for writing, write, sync, rename, remove, mkdir) is
 * refused with QPYBAK_ERR_ROFS and counted: an intact boot makes none.
 */
#ifndef FLASH_PORT_H
#define FLASH_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qpybak.h"

#define FLASH_PORT_MAX_FILES 4096 /* files and directories */
#define FLASH_PORT_HANDLES 8

/* What a file is to the bench, for the attribution below. */
enum flash_kind {
    FLASH_KIND_OTHER,   /* no file yet, the flag, ... */
    FLASH_KIND_TRACKED, /* a tracked file */
    FLASH_KIND_PRIMARY, /* /usr/checksum.json */
    FLASH_KIND_SHADOW,  /* /usr/.qpybak/checksum.json */
    FLASH_KIND_BACKUP,  /* /bak/checksum.json */
    FLASH_KIND_PORT,    /* inside the port's own calls */
    FLASH_KIND_COUNT
};

struct flash_file {
    const char *path;
    const uint8_t *data;
    uint32_t size;
    enum qpybak_type type;
    enum flash_kind kind;
};

struct flash_port {
    struct qpybak_port port; /* pass &flash->port */
    uint64_t bytes_read;     /* bytes the core read */
    unsigned long reads;     /* read calls */
    unsigned long opens;     /* successful opens */
    unsigned long changes;   /* refused changes */
    /* Attribution, compiled in with FLASH_PORT_ATTRIBUTE only (it costs
     * instructions of its own): with attribute set, each port call bills
     * the core's instructions since the previous call to the kind of file
     * the core was working on - the open file it read last - and the
     * call's own to FLASH_KIND_PORT.  Needs -icount (icount.c). */
    bool attribute;
    uint64_t insns[FLASH_KIND_COUNT];
    uint64_t bytes[FLASH_KIND_COUNT]; /* bytes read from each kind of file */
    /* Private. */
    size_t n_files;
    struct flash_file files[FLASH_PORT_MAX_FILES];
    int16_t slots[2 * FLASH_PORT_MAX_FILES]; /* hash table: file index + 1, 0 empty */
    struct {
        int file; /* -1: free */
        uint32_t pos;
#ifdef FLASH_PORT_ATTRIBUTE
        unsigned long last_read; /* sequence number of its last read */
#endif
    } handles[FLASH_PORT_HANDLES];
    unsigned long read_seq;
    enum flash_kind working_on;
    uint64_t mark;
};

void flash_port_init(struct flash_port *flash);

/* Adds a file (data kept by reference) or, with data NULL, a directory.
 * path is kept by reference too.  0, or -1 when the table is full. */
int flash_port_add(struct flash_port *flash, const char *path, const void *data, uint32_t size,
                   enum flash_kind kind);

/* Starts the attribution: clears flash->insns, sets flash->attribute. */
void flash_port_attribute(struct flash_port *flash);

#endif
