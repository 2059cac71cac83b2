/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The littlefs port on its target: QEMU's mps2-an386 (Cortex-M4), the core,
 * the port and littlefs built as a firmware builds them (littlefs without
 * a heap or logging), two littlefs partitions on RAM block devices, as
 * QuecPython has /usr and /bak.  Boot restores a damaged
 * device, the next boot finds it intact, calc records an edit, FOTA apply
 * installs a staged update; the stack each procedure takes is measured.
 * Exits 0 when every check passed (QEMU exits with that status).
 */
#include <stdio.h>
#include <string.h>

#include "lfs.h"
#include "qpybak_littlefs.h"
#include "qpybak_tools.h"
#include "target.h"

int main(void);

/* --------------------------------------------- a RAM block device */

#define BLOCK_SIZE 512
#define CACHE_SIZE 64
#define USR_BLOCKS 128 /* 64 KiB */
#define BAK_BLOCKS 64  /* 32 KiB */

struct ram_flash {
    struct lfs_config cfg; /* first: the callbacks find the flash from it */
    uint8_t *blocks;
    uint8_t read_buffer[CACHE_SIZE], prog_buffer[CACHE_SIZE], lookahead[16];
};

static uint8_t usr_blocks[USR_BLOCKS * BLOCK_SIZE], bak_blocks[BAK_BLOCKS * BLOCK_SIZE];
static struct ram_flash usr_flash, bak_flash;
static lfs_t usr_fs, bak_fs;

static uint8_t *at(const struct lfs_config *c, lfs_block_t block, lfs_off_t off)
{
    return ((const struct ram_flash *)(const void *)c)->blocks + block * c->block_size + off;
}

static int flash_read(const struct lfs_config *c, lfs_block_t block, lfs_off_t off, void *buf,
                      lfs_size_t size)
{
    memcpy(buf, at(c, block, off), size);
    return 0;
}

static int flash_prog(const struct lfs_config *c, lfs_block_t block, lfs_off_t off,
                      const void *buf, lfs_size_t size)
{
    memcpy(at(c, block, off), buf, size);
    return 0;
}

static int flash_erase(const struct lfs_config *c, lfs_block_t block)
{
    memset(at(c, block, 0), 0xff, c->block_size);
    return 0;
}

static int flash_sync(const struct lfs_config *c)
{
    (void)c;
    return 0;
}

static void flash_init(struct ram_flash *f, uint8_t *blocks, lfs_size_t count)
{
    memset(f, 0, sizeof *f);
    f->blocks = blocks;
    f->cfg.read = flash_read;
    f->cfg.prog = flash_prog;
    f->cfg.erase = flash_erase;
    f->cfg.sync = flash_sync;
    f->cfg.read_size = 16;
    f->cfg.prog_size = 16;
    f->cfg.block_size = BLOCK_SIZE;
    f->cfg.block_count = count;
    f->cfg.block_cycles = 100;
    f->cfg.cache_size = CACHE_SIZE;
    f->cfg.lookahead_size = sizeof f->lookahead;
    f->cfg.read_buffer = f->read_buffer;
    f->cfg.prog_buffer = f->prog_buffer;
    f->cfg.lookahead_buffer = f->lookahead;
    memset(blocks, 0xff, (size_t)count * BLOCK_SIZE);
}

/* ------------------------------------------------------ the device */

struct app_file {
    const char *name; /* below /usr */
    const char *text;
};

static const struct app_file files[] = {
    {"/main.py", "import lib.net\nlib.net.start()\n"},
    {"/apn_cfg.json", "{\"apn\": \"cmnet\", \"user\": \"\", \"password\": \"\"}\n"},
    {"/system_config.json", "{\"replFlag\": 0, \"watchdog\": 1}\n"},
    {"/lib/net.py", "def start():\n    return 'up'\n"},
    {"/lib/util.py", "def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n"},
};
#define N_FILES (sizeof files / sizeof files[0])

static unsigned failures;

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        printf("FAIL: %s\n", what);
    }
}

static uint8_t file_buffer[CACHE_SIZE];

static int put(lfs_t *fs, const char *path, const char *text)
{
    struct lfs_file_config fcfg;
    lfs_file_t f;
    int err;

    memset(&fcfg, 0, sizeof fcfg);
    fcfg.buffer = file_buffer;
    err = lfs_file_opencfg(fs, &f, path, LFS_O_WRONLY | LFS_O_CREAT | LFS_O_TRUNC, &fcfg);
    if (err)
        return err;
    if (lfs_file_write(fs, &f, text, (lfs_size_t)strlen(text)) != (lfs_ssize_t)strlen(text))
        err = LFS_ERR_IO;
    return lfs_file_close(fs, &f) ? LFS_ERR_IO : err;
}

static int is(lfs_t *fs, const char *path, const char *text)
{
    static char buf[256];
    struct lfs_file_config fcfg;
    lfs_file_t f;
    lfs_ssize_t n;

    memset(&fcfg, 0, sizeof fcfg);
    fcfg.buffer = file_buffer;
    if (lfs_file_opencfg(fs, &f, path, LFS_O_RDONLY, &fcfg))
        return 0;
    n = lfs_file_read(fs, &f, buf, sizeof buf);
    lfs_file_close(fs, &f);
    return n == (lfs_ssize_t)strlen(text) && memcmp(buf, text, (size_t)n) == 0;
}

struct text {
    char data[1024];
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

/* The factory image, as `qpybak pack` lays it out, on both partitions. */
static int factory(void)
{
    static struct text manifest;
    struct qpybak_writer w;
    char path[64];
    size_t i;
    int err = 0;

    flash_init(&usr_flash, usr_blocks, USR_BLOCKS);
    flash_init(&bak_flash, bak_blocks, BAK_BLOCKS);
    if (lfs_format(&usr_fs, &usr_flash.cfg) || lfs_format(&bak_fs, &bak_flash.cfg) ||
        lfs_mount(&usr_fs, &usr_flash.cfg) || lfs_mount(&bak_fs, &bak_flash.cfg))
        return LFS_ERR_IO;
    manifest.len = 0;
    qpybak_writer_begin(&w, text_write, &manifest);
    lfs_mkdir(&usr_fs, "/lib");
    lfs_mkdir(&usr_fs, "/.qpybak");
    lfs_mkdir(&bak_fs, "/usr");
    lfs_mkdir(&bak_fs, "/usr/lib");
    for (i = 0; i < N_FILES && err == 0; i++) {
        snprintf(path, sizeof path, "/usr%s", files[i].name);
        qpybak_writer_entry(&w, path, strlen(path),
                            qpybak_crc32(QPYBAK_CRC_SEED, files[i].text, strlen(files[i].text)),
                            true, (uint32_t)strlen(files[i].text));
        err = put(&bak_fs, path, files[i].text);
        if (err == 0)
            err = put(&usr_fs, files[i].name, files[i].text);
    }
    qpybak_writer_end(&w);
    if (err == 0)
        err = put(&bak_fs, "/checksum.json", manifest.data);
    if (err == 0)
        err = put(&bak_fs, "/backup_restore.json", "{\"enable\": 1}\n");
    if (err == 0)
        err = put(&usr_fs, "/checksum.json", manifest.data);
    if (err == 0)
        err = put(&usr_fs, "/.qpybak/checksum.json", manifest.data);
    return err;
}

/* A reboot: RAM forgotten, both partitions mounted again, the port set up. */
static struct qpybak_littlefs lp;

static int reboot(void)
{
    memset(&usr_fs, 0, sizeof usr_fs);
    memset(&bak_fs, 0, sizeof bak_fs);
    if (lfs_mount(&usr_fs, &usr_flash.cfg) || lfs_mount(&bak_fs, &bak_flash.cfg))
        return LFS_ERR_IO;
    return qpybak_littlefs_init(&lp, &usr_fs, &bak_fs);
}

static int bak_is_factory(void)
{
    size_t i;
    char path[64];

    for (i = 0; i < N_FILES; i++) {
        snprintf(path, sizeof path, "/usr%s", files[i].name);
        if (!is(&bak_fs, path, files[i].text))
            return 0;
    }
    return 1;
}

static unsigned char work[QPYBAK_BUFFER_MIN];

static void report_stack(const char *procedure, size_t used)
{
    printf("stack %-12s %5u B (core, port and littlefs)\n", procedure, (unsigned)used);
}

int main(void)
{
    struct qpybak_config cfg;
    struct qpybak_result res;
    struct qpybak_fota_result fres;
    const char *edit = "{\"apn\": \"iot.example\", \"user\": \"\"}\n";
    uint32_t crc;
    size_t used, i;
    int rc;

    printf("littlefs %d.%d on Cortex-M4: struct qpybak_littlefs %u B, work buffer %u B\n",
           LFS_VERSION_MAJOR, LFS_VERSION_MINOR, (unsigned)sizeof lp, (unsigned)sizeof work);
    check(factory() == 0, "the factory image written");
    /* damage: a file deleted, one edited, the user manifest deleted */
    check(lfs_remove(&usr_fs, "/lib/net.py") == 0, "damage: net.py deleted");
    check(put(&usr_fs, "/main.py", "import os\nos.remove('/usr')\n") == 0, "damage: main.py edited");
    check(lfs_remove(&usr_fs, "/checksum.json") == 0, "damage: the user manifest deleted");
    check(reboot() == 0, "mount and port init");

    memset(&cfg, 0, sizeof cfg);
    cfg.port = &lp.port;
    cfg.buffer = work;
    cfg.buffer_size = sizeof work;
    TARGET_STACK_OF(&used, rc = qpybak_boot(&cfg, &res));
    report_stack("boot", used);
    check(rc == 0, "boot returns 0");
    check(res.source == QPYBAK_SOURCE_SHADOW, "boot used the shadow");
    check(res.counts[QPYBAK_STATE_RESTORED] == 2, "two files restored");
    check(res.counts[QPYBAK_STATE_OK] == N_FILES - 2, "the others ok");
    for (i = 0; i < N_FILES; i++)
        check(is(&usr_fs, files[i].name, files[i].text), "every file holds its factory content");
    check(bak_is_factory(), "/bak unchanged");

    check(reboot() == 0, "reboot");
    rc = qpybak_boot(&cfg, &res);
    check(rc == 0 && res.counts[QPYBAK_STATE_OK] == N_FILES, "the next boot: all ok");
    check(res.source == QPYBAK_SOURCE_PRIMARY && res.repaired == 0, "the next boot: nothing to repair");

    /* calc after a legitimate edit */
    check(put(&usr_fs, "/apn_cfg.json", edit) == 0, "apn_cfg.json edited");
    TARGET_STACK_OF(&used, rc = qpybak_calc(&cfg, "/usr/apn_cfg.json", &crc));
    report_stack("calc", used);
    check(rc == 1, "calc records the edit");
    check(crc == qpybak_crc32(QPYBAK_CRC_SEED, edit, strlen(edit)), "calc's checksum");
    check(reboot() == 0, "reboot");
    rc = qpybak_boot(&cfg, &res);
    check(rc == 0 && res.counts[QPYBAK_STATE_OK] == N_FILES, "boot keeps the edit");
    check(is(&usr_fs, "/apn_cfg.json", edit), "the edit is there");

    /* FOTA apply of two staged files */
    lfs_mkdir(&usr_fs, "/.updater");
    lfs_mkdir(&usr_fs, "/.updater/lib");
    check(put(&usr_fs, "/.updater/main.py", "import lib.net\nlib.net.start(2)\n") == 0, "staged");
    check(put(&usr_fs, "/.updater/lib/net.py", "def start(v=1):\n    return 'up', v\n") == 0,
          "staged");
    TARGET_STACK_OF(&used, rc = qpybak_fota_apply(&cfg, NULL, &fres));
    report_stack("fota apply", used);
    check(rc == 0 && fres.installed == 2 && fres.failed == 0, "FOTA apply installs both");
    check(is(&usr_fs, "/main.py", "import lib.net\nlib.net.start(2)\n"), "main.py updated");
    check(reboot() == 0, "reboot");
    rc = qpybak_boot(&cfg, &res);
    check(rc == 0 && res.counts[QPYBAK_STATE_OK] == N_FILES, "boot after the update: all ok");
    check(bak_is_factory(), "/bak unchanged");
    for (i = 0; i < QPYBAK_LITTLEFS_MAX_OPEN; i++)
        check(lp.owners[i] == NULL, "no file left open");

    if (failures) {
        printf("littlefs_target: %u check(s) failed\n", failures);
        return 1;
    }
    printf("littlefs_target: passed\n");
    return 0;
}
