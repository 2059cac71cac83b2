/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
#include "scene.h"

#include <stdio.h>
#include <string.h>

const struct scene_file scene_files[] = {
    {"/usr/main.py", "import lib.net\nlib.net.start()\n"},
    {"/usr/apn_cfg.json", "{\"apn\": \"cmnet\", \"user\": \"\", \"password\": \"\"}\n"},
    {"/usr/system_config.json", "{\"replFlag\": 0, \"watchdog\": 1}\n"},
    {"/usr/lib/net.py", "def start():\n    return 'up'\n"},
    {"/usr/lib/util.py", "def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n"},
};
const size_t scene_n_files = sizeof scene_files / sizeof scene_files[0];

struct ram_port scene_ram;

#define GUARD 64
#define GUARD_BYTE 0xE7
static unsigned char work[SCENE_BUFFER_MAX + GUARD];
static size_t work_size;
static unsigned failures;

struct text {
    char data[2048];
    size_t len;
};

static int text_write(void *ctx, const void *buf, size_t len)
{
    struct text *t = (struct text *)ctx;

    if (t->len + len >= sizeof t->data)
        return QPYBAK_ERR_NOSPC;
    memcpy(t->data + t->len, buf, len);
    t->len += len;
    t->data[t->len] = '\0';
    return 0;
}

void scene_factory(void)
{
    static struct text manifest;
    struct qpybak_writer w;
    char path[64];
    size_t i;

    ram_port_destroy(&scene_ram);
    ram_port_init(&scene_ram);
    manifest.len = 0;
    qpybak_writer_begin(&w, text_write, &manifest);
    for (i = 0; i < scene_n_files; i++) {
        const struct scene_file *f = &scene_files[i];
        size_t len = strlen(f->text);

        qpybak_writer_entry(&w, f->name, strlen(f->name),
                            qpybak_crc32(QPYBAK_CRC_SEED, f->text, len), true, (uint32_t)len);
        snprintf(path, sizeof path, "/bak%s", f->name);
        ram_port_put_str(&scene_ram, path, f->text);
        ram_port_put_str(&scene_ram, f->name, f->text);
    }
    scene_check(qpybak_writer_end(&w) == 0, "factory manifest written");
    ram_port_put_str(&scene_ram, QPYBAK_PATH_BACKUP_MANIFEST, manifest.data);
    ram_port_put_str(&scene_ram, QPYBAK_PATH_FLAG, "{\"enable\": 1}\n");
    ram_port_put_str(&scene_ram, QPYBAK_PATH_PRIMARY, manifest.data);
    ram_port_put_str(&scene_ram, QPYBAK_PATH_SHADOW, manifest.data);
    scene_ram.bak_readonly = true;
}

struct qpybak_config scene_config(size_t buffer_size)
{
    struct qpybak_config cfg;

    if (buffer_size > SCENE_BUFFER_MAX)
        buffer_size = SCENE_BUFFER_MAX;
    work_size = buffer_size;
    memset(work + work_size, GUARD_BYTE, sizeof work - work_size);
    memset(&cfg, 0, sizeof cfg);
    cfg.port = split_port(&scene_ram.port);
    cfg.buffer = work;
    cfg.buffer_size = buffer_size;
    return cfg;
}

bool scene_guard_intact(void)
{
    size_t i;

    for (i = work_size; i < sizeof work; i++)
        if (work[i] != GUARD_BYTE)
            return false;
    return true;
}

bool scene_check(bool ok, const char *what)
{
    if (!ok) {
        printf("FAIL: %s\n", what);
        failures++;
    }
    return ok;
}

void scene_stack(const char *procedure, size_t core, size_t port)
{
    printf("stack %-22s core %4u B (limit %u B), RAM port %4u B more\n", procedure,
           (unsigned)core, (unsigned)SCENE_STACK_LIMIT, (unsigned)port);
    if (core > SCENE_STACK_LIMIT) {
        printf("FAIL: %s uses more than %u B of stack\n", procedure, (unsigned)SCENE_STACK_LIMIT);
        failures++;
    }
}

void scene_check_port(const char *when)
{
    const struct ram_stats *s = &scene_ram.stats;
    char what[96];

    snprintf(what, sizeof what, "%s: no handle left open", when);
    scene_check(ram_port_open_handles(&scene_ram) == 0, what);
    snprintf(what, sizeof what, "%s: the lock released", when);
    scene_check(ram_port_locks_held(&scene_ram) == 0, what);
    snprintf(what, sizeof what, "%s: no breach of the port contract", when);
    scene_check(s->ro_violations == 0 && s->bad_paths == 0 && s->outside_roots == 0 &&
                    s->too_many_open == 0 && s->bad_handles == 0 && s->bad_unlocks == 0 &&
                    s->unlocked_ops == 0 && s->shared_mutations == 0,
                what);
}

bool scene_file_is(const char *name, const char *text)
{
    return ram_port_file_is(&scene_ram, name, text);
}

int scene_end(const char *scene)
{
    if (failures) {
        printf("%s: %u check(s) failed\n", scene, failures);
        return 1;
    }
    printf("%s: passed\n", scene);
    return 0;
}
