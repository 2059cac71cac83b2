/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scenes of the littlefs tests (scenes.h).
 */
#include "scenes.h"

#include <string.h>

#include "qpybak_tools.h"

/* A file of several blocks: littlefs keeps it as a CTZ skip-list of data
 * blocks, not inline in its directory's metadata like the small ones. */
#define WORDS_LINE "the quick brown fox jumps over the lazy dog, 0123456789\n"
#define WORDS_10 WORDS_LINE WORDS_LINE WORDS_LINE WORDS_LINE WORDS_LINE \
    WORDS_LINE WORDS_LINE WORDS_LINE WORDS_LINE WORDS_LINE

const struct app_file factory_files[] = {
    {"/usr/main.py", "import lib.net\nlib.net.start()\n"},
    {"/usr/apn_cfg.json", "{\"apn\": \"cmnet\", \"user\": \"\", \"password\": \"\"}\n"},
    {"/usr/system_config.json", "{\"replFlag\": 0, \"watchdog\": 1}\n"},
    {"/usr/lib/net.py", "def start():\n    return 'up'\n"},
    {"/usr/lib/util.py", "def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n"},
    {WORDS_PATH, WORDS_10 WORDS_10 WORDS_10 WORDS_10}, /* 2240 bytes: 5 blocks */
};
const size_t n_factory_files = sizeof factory_files / sizeof factory_files[0];

uint32_t crc_of(const char *text)
{
    return qpybak_crc32(QPYBAK_CRC_SEED, text, strlen(text));
}

struct text {
    char data[4096];
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

void scene_factory(struct ram_port *ram)
{
    struct qpybak_writer w;
    struct text m;
    char path[RAM_PORT_PATH_MAX];
    size_t i;

    ram_port_destroy(ram);
    ram_port_init(ram);
    m.len = 0;
    qpybak_writer_begin(&w, text_write, &m);
    for (i = 0; i < n_factory_files; i++) {
        const struct app_file *f = &factory_files[i];

        qpybak_writer_entry(&w, f->name, strlen(f->name), crc_of(f->text), true,
                            (uint32_t)strlen(f->text));
        strcpy(path, "/bak");
        strcat(path, f->name);
        ram_port_put_str(ram, path, f->text);
        ram_port_put_str(ram, f->name, f->text);
    }
    qpybak_writer_end(&w);
    ram_port_put_str(ram, BACKUP_MANIFEST, m.data);
    ram_port_put_str(ram, FLAG, "{\"enable\": 1}\n");
    ram_port_put_str(ram, PRIMARY, m.data);
    ram_port_put_str(ram, SHADOW, m.data);
}

void scene_restore(struct ram_port *ram)
{
    scene_factory(ram);
    ram_port_delete(ram, PRIMARY);
    ram_port_delete(ram, "/usr/lib");
    ram_port_put_str(ram, "/usr/main.py", "import os\nos.remove('/usr')\n");
    ram_port_delete(ram, "/usr/apn_cfg.json");
    ram_port_put_str(ram, WORDS_PATH, "the quick brown fox");
}

void scene_calc(struct ram_port *ram)
{
    scene_factory(ram);
    ram_port_put_str(ram, CALC_PATH, CALC_TEXT);
}

/* The staged words.txt: longer than the factory one (3000 bytes). */
#define STAGED_LINE "pack my box with five dozen liquor jugs, 0123456789abcdef\n"
#define STAGED_10 STAGED_LINE STAGED_LINE STAGED_LINE STAGED_LINE STAGED_LINE \
    STAGED_LINE STAGED_LINE STAGED_LINE STAGED_LINE STAGED_LINE
const char FOTA_WORDS[] = STAGED_10 STAGED_10 STAGED_10 STAGED_10 STAGED_10;

void scene_fota(struct ram_port *ram)
{
    scene_factory(ram);
    ram_port_put_str(ram, "/usr/.updater/main.py", FOTA_MAIN);
    ram_port_put_str(ram, "/usr/.updater/lib/net.py", FOTA_NET);
    ram_port_put_str(ram, "/usr/.updater/plugins/extra.py", FOTA_EXTRA);
    ram_port_put_str(ram, "/usr/.updater/res/words.txt", FOTA_WORDS);
}
