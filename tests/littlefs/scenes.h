/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device trees the littlefs tests start from, built as RAM trees
 * (dev_load writes them onto littlefs): the factory image as `qpybak pack`
 * lays it out, and the scenes of the power-cut sweeps, the same as those
 * of tests/crash/crash_test.c.
 */
#ifndef SCENES_H
#define SCENES_H

#include <stddef.h>
#include <stdint.h>

#include "ram_port.h"

#define PRIMARY "/usr/checksum.json"
#define SHADOW "/usr/.qpybak/checksum.json"
#define REPORT "/usr/.qpybak/boot.json"
#define JOURNAL "/usr/.qpybak/fota.json"
#define BACKUP_MANIFEST "/bak/checksum.json"
#define FLAG "/bak/backup_restore.json"

struct app_file {
    const char *name;
    const char *text;
};

/* The tracked files and their factory contents; the last, WORDS_PATH, is
 * several blocks long. */
#define WORDS_PATH "/usr/res/words.txt"
extern const struct app_file factory_files[];
extern const size_t n_factory_files;

uint32_t crc_of(const char *text);

/* The factory image: /bak (flag, manifest, copies) and /usr as pack writes
 * it, the user manifest and its shadow included. */
void scene_factory(struct ram_port *ram);

/* Boot: several files damaged (one edited, one deleted, a folder deleted,
 * the long one truncated) and the user manifest deleted. */
void scene_restore(struct ram_port *ram);

/* Calc: /usr/apn_cfg.json edited; calc records it. */
#define CALC_PATH "/usr/apn_cfg.json"
#define CALC_TEXT "{\"apn\": \"iot.example\", \"user\": \"\"}\n"
void scene_calc(struct ram_port *ram);

/* FOTA apply: four files staged under /usr/.updater, three tracked (one in
 * lib/, the long one), one new in a new folder. */
#define FOTA_MAIN "import lib.net\nlib.net.start(2)\n"
#define FOTA_NET "def start(v=1):\n    return 'up', v\n"
#define FOTA_EXTRA "X = 1\n"
extern const char FOTA_WORDS[];
void scene_fota(struct ram_port *ram);

#endif
