/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the scenes share (scene.c): a factory image on the RAM port, the
 * work buffer, checks that count failures, the stack limit, and the port
 * contract checked after every run.
 */
#ifndef SCENE_H
#define SCENE_H

#include <stdbool.h>
#include <stddef.h>

#include "qpybak_tools.h"
#include "ram_port.h"
#include "split_port.h"
#include "target.h"

/* The limit: no procedure may use more stack than this (the work
 * buffer is a static array, not on the stack). */
#define SCENE_STACK_LIMIT 1024

/* The tracked files of the factory image. */
struct scene_file {
    const char *name;
    const char *text;
};
extern const struct scene_file scene_files[];
extern const size_t scene_n_files;

/* The one RAM port of a scene. */
extern struct ram_port scene_ram;

/* A fresh factory image: backup partition, flag, the tracked files and
 * both user manifests, as pack writes them. */
void scene_factory(void);

/* A configuration over scene_ram - through split_port, so that stack
 * measurements tell the core's stack from the RAM port's; call it after
 * scene_factory, which sets the port's operations - with a work buffer of buffer_size bytes
 * (at most SCENE_BUFFER_MAX); the bytes after it are guarded (below). */
#define SCENE_BUFFER_MAX 8192
struct qpybak_config scene_config(size_t buffer_size);

/* True when no byte past the configured buffer_size was written. */
bool scene_guard_intact(void);

/* Counts a failure (printing what) when ok is false; returns ok. */
bool scene_check(bool ok, const char *what);

/* Prints a procedure's stack high-water marks - the core's (its frames
 * and its callbacks', on the main stack) and the port's (on its own) - and
 * fails the core's above SCENE_STACK_LIMIT. */
void scene_stack(const char *procedure, size_t core, size_t port);

/* Runs call (a procedure) and measures both stacks into *core, *port. */
#define SCENE_STACK_OF(core, port, call)                                                           \
    do {                                                                                           \
        split_port_paint();                                                                        \
        TARGET_STACK_OF(core, call);                                                               \
        *(port) = split_port_peak();                                                               \
    } while (0)

/* The port contract after a finished run: no handle open, no lock held,
 * nothing changed under /bak, no breach counted by the RAM port. */
void scene_check_port(const char *when);

/* True when the tracked file name holds text. */
bool scene_file_is(const char *name, const char *text);

/* The scene's exit status: 0 when every check passed. */
int scene_end(const char *scene);

#endif
