/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The FatFs port against real FatFs (built from QPYBAK_FATFS_DIR) on two
 * RAM disks (ramdisk.c): /usr is drive 0, /bak drive 1, both formatted by
 * f_mkfs (FAT12, one FAT: FatFs's defaults).
 *
 *   fatfs_test cases   the damage cases through status, boot, calc and
 *                      FOTA apply, each checked file by file
 *   fatfs_test cuts    for every scenario: count the sector writes of a
 *                      clean run, then for each k cut the power at the
 *                      k-th (it and every later write are lost), remount,
 *                      check what survived (/bak untouched; every tracked
 *                      file old, new or missing - never torn; manifests
 *                      whole or missing), boot once more uninterrupted and
 *                      require the state an uninterrupted run reaches
 *                      (for calc, and FOTA cut before its journal, the
 *                      state as if it never ran), no temporary left.
 *                      With fsck.fat on the PATH, the /usr volume is also
 *                      checked after each recovery: no cross-linked or
 *                      damaged chains (lost clusters are counted: a cut
 *                      FatFs run leaks the clusters it had allocated).
 *                      Each scene is swept 16 times, with 0 to 15 untracked
 *                      files first in every folder, so that its directory
 *                      entries start at every slot of a sector.
 *   fatfs_test cuts SCENARIO PADDING K   one cut, with the trees printed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ff.h"
#include "qpybak_fatfs.h"
#include "qpybak_tools.h"
#include "ram_port.h"
#include "ramdisk.h"

static FATFS volumes[RAMDISK_DRIVES];
static struct qpybak_fatfs fat;
static unsigned char work[16384];
static bool keep_last_good;
static int failures;

static void failf(const char *what, const char *why)
{
    failures++;
    if (failures <= 400)
        fprintf(stderr, "FAIL %s: %s\n", what, why);
}

/* ------------------------------------------------------------- volumes */

static void unmount_all(void)
{
    f_mount(NULL, "0:", 0);
    f_mount(NULL, "1:", 0);
}

/* What a reset does: FatFs's state and the port's are gone, the volumes
 * are mounted again from the disks. */
static int mount_all(void)
{
    FRESULT a, b;

    unmount_all();
    qpybak_fatfs_init(&fat, "0:", "1:");
    a = f_mount(&volumes[0], "0:", 1);
    b = f_mount(&volumes[1], "1:", 1);
    if (a != FR_OK || b != FR_OK) {
        fprintf(stderr, "mount: %d %d\n", (int)a, (int)b);
        return -1;
    }
    return 0;
}

static void format_all(void)
{
    static BYTE mkfs_work[FF_MAX_SS * 4];
    MKFS_PARM opt = {FM_FAT | FM_SFD, 0, 0, 0, 0};

    unmount_all();
    ramdisk_reset();
    if (f_mkfs("0:", &opt, mkfs_work, sizeof mkfs_work) != FR_OK ||
        f_mkfs("1:", &opt, mkfs_work, sizeof mkfs_work) != FR_OK) {
        fprintf(stderr, "f_mkfs failed\n");
        exit(1);
    }
    mount_all();
}

static uint8_t *saved;

static void save_disks(void)
{
    size_t n = ramdisk_size();

    if (!saved)
        saved = malloc(n * RAMDISK_DRIVES);
    unmount_all();
    memcpy(saved, ramdisk_image(0), n);
    memcpy(saved + n, ramdisk_image(1), n);
}

static void load_disks(void)
{
    size_t n = ramdisk_size();

    unmount_all();
    memcpy(ramdisk_image(0), saved, n);
    memcpy(ramdisk_image(1), saved + n, n);
    ramdisk_power_on();
    ramdisk_arm(0);
    mount_all();
}

/* --------------------------------------------------- files, via the port */

static struct qpybak_config config(void)
{
    struct qpybak_config cfg;

    memset(&cfg, 0, sizeof cfg);
    cfg.port = &fat.port;
    cfg.buffer = work;
    cfg.buffer_size = sizeof work;
    cfg.keep_last_good = keep_last_good;
    return cfg;
}

static void mkdirs(const char *path)
{
    char part[256];
    size_t i;

    for (i = 5; path[i]; i++) {
        if (path[i] == '/') {
            memcpy(part, path, i);
            part[i] = '\0';
            fat.port.mkdir(fat.port.ctx, part);
        }
    }
}

/* Writes a file through the port, as pack would (setting a scene). */
static void put(const char *path, const char *text)
{
    const struct qpybak_port *P = &fat.port;
    int h, n;

    fat.bak_writable = true;
    mkdirs(path);
    P->remove(P->ctx, path);
    h = P->open(P->ctx, path, QPYBAK_O_WRITE);
    n = h < 0 ? h : P->write(P->ctx, h, text, strlen(text));
    if (h < 0 || n != (int)strlen(text) || P->sync(P->ctx, h) != 0) {
        fprintf(stderr, "put %s: %d\n", path, n);
        exit(1);
    }
    P->close(P->ctx, h);
    fat.bak_writable = false;
}

/* Removes a file or a folder with everything in it (setting a scene). */
static void delete_path(const char *path)
{
    char fpath[300], child[300];
    FRESULT fr;
    DIR d;
    FILINFO fi;

    snprintf(fpath, sizeof fpath, "%s%s", strncmp(path, "/usr", 4) == 0 ? "0:" : "1:", path + 4);
    fr = f_unlink(fpath);
    if (fr == FR_OK || fr == FR_NO_FILE)
        return;
    if (fr != FR_DENIED || f_opendir(&d, fpath) != FR_OK) {
        fprintf(stderr, "delete %s: FRESULT %d\n", path, (int)fr);
        exit(1);
    }
    /* a folder: its content first, one entry per listing */
    while (f_readdir(&d, &fi) == FR_OK && fi.fname[0]) {
        snprintf(child, sizeof child, "%s/%s", path, fi.fname);
        f_closedir(&d);
        delete_path(child);
        if (f_opendir(&d, fpath) != FR_OK)
            break;
    }
    f_closedir(&d);
    f_unlink(fpath);
}

/* A name no short or long name can hold: bytes a folder's new cluster held
 * before FatFs zeroed it (see fsck_usr). */
static bool stale_entry(const char *name)
{
    const char *c;

    for (c = name; *c; c++)
        if ((unsigned char)*c < 0x20 || strchr("\"*/:<>?\\|", *c))
            return true;
    return false;
}

/* The FatFs tree, read back into a RAM port tree (for comparing). */
static void read_tree(struct ram_port *ram, const char *fpath, const char *dpath)
{
    DIR d;
    FILINFO fi;
    char fchild[300], dchild[300];

    if (f_opendir(&d, fpath) != FR_OK)
        return;
    while (f_readdir(&d, &fi) == FR_OK && fi.fname[0]) {
        snprintf(fchild, sizeof fchild, "%s/%s", fpath, fi.fname);
        snprintf(dchild, sizeof dchild, "%s/%s", dpath, fi.fname);
        if (stale_entry(fi.fname)) {
            /* stale bytes read as an entry: kept as a remnant, not followed
             * (its "folder" is wherever the bytes point) */
            char *c;

            for (c = dchild + strlen(dpath) + 1; *c; c++)
                if (*c == '/')
                    *c = '|';
            ram_port_put(ram, dchild, "", 0);
            continue;
        }
        if (fi.fattrib & AM_DIR) {
            ram_port_mkdirs(ram, dchild);
            read_tree(ram, fchild, dchild);
        } else {
            FIL f;
            UINT n = 0;
            uint8_t *data = malloc((size_t)fi.fsize + 1);

            if (f_open(&f, fchild, FA_READ) == FR_OK) {
                f_read(&f, data, (UINT)fi.fsize, &n);
                f_close(&f);
                ram_port_put(ram, dchild, data, n);
            }
            free(data);
        }
    }
    f_closedir(&d);
}

static void snapshot(struct ram_port *ram)
{
    ram_port_destroy(ram);
    ram_port_init(ram);
    read_tree(ram, "0:", "/usr");
    read_tree(ram, "1:", "/bak");
}

/* --------------------------------------------------------------- scenes */

struct app_file {
    const char *name;
    const char *text;
};

static const struct app_file factory_files[] = {
    {"/usr/main.py", "import lib.net\nlib.net.start()\n"},
    {"/usr/apn_cfg.json", "{\"apn\": \"cmnet\", \"user\": \"\", \"password\": \"\"}\n"},
    {"/usr/system_config.json", "{\"replFlag\": 0, \"watchdog\": 1}\n"},
    {"/usr/lib/net.py", "def start():\n    return 'up'\n"},
    {"/usr/lib/util.py", "def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n"},
};
#define N_FACTORY (sizeof factory_files / sizeof factory_files[0])

static const char *const tracked[] = {
    "/usr/main.py", "/usr/apn_cfg.json", "/usr/system_config.json", "/usr/lib/net.py",
    "/usr/lib/util.py", "/usr/plugins/extra.py",
};
#define N_TRACKED (sizeof tracked / sizeof tracked[0])

struct strbuf {
    char data[4096];
    size_t len;
};

static int strbuf_write(void *ctx, const void *buf, size_t len)
{
    struct strbuf *s = (struct strbuf *)ctx;

    if (s->len + len >= sizeof s->data)
        return QPYBAK_ERR_NOSPC;
    memcpy(s->data + s->len, buf, len);
    s->len += len;
    s->data[s->len] = '\0';
    return 0;
}

/* Untracked files put first in each folder qpybak writes: every scene is
 * swept with 0 to 15 of them, so that its directory entries start at every
 * slot of a sector and cuts fall between entries in every way. */
static int padding;

static void pad_folders(void)
{
    static const char *const folders[] = {"/usr", "/usr/lib", "/usr/.qpybak"};
    char path[64];
    size_t f;
    int i;

    for (f = 0; f < sizeof folders / sizeof folders[0]; f++) {
        for (i = 0; i < padding; i++) {
            snprintf(path, sizeof path, "%s/pad%02d.txt", folders[f], i);
            put(path, "x\n");
        }
    }
}

/* Room made at factory time in the folders qpybak writes (the integrator's
 * part, docs/porting.md "FatFs"): files made and deleted there leave free
 * entries, so that no folder grows by a cluster at run time.  FatFs links
 * a folder's new cluster in the FAT before it zeroes the cluster, and a cut
 * between the two leaves the old bytes of that cluster as entries: the
 * folder can then hold stale names, and no new one, until a fsck.  FatFs
 * never shrinks a folder, so the room stays.  no_room (cuts --no-room)
 * sweeps without it. */
static bool no_room;

static void make_room(void)
{
    static const char *const folders[] = {"/usr", "/usr/lib", "/usr/.qpybak"};
    char path[64];
    size_t f;
    int i;

    for (f = 0; f < sizeof folders / sizeof folders[0] && !no_room; f++) {
        for (i = 0; i < 16; i++) { /* one 512-byte cluster of entries */
            snprintf(path, sizeof path, "%s/room%02d.txt", folders[f], i);
            put(path, "");
        }
        for (i = 0; i < 16; i++) {
            snprintf(path, sizeof path, "%s/room%02d.txt", folders[f], i);
            delete_path(path);
        }
    }
}

static void factory(void)
{
    struct qpybak_writer w;
    struct strbuf m;
    char path[300];
    size_t i;

    format_all();
    pad_folders();
    m.len = 0;
    qpybak_writer_begin(&w, strbuf_write, &m);
    for (i = 0; i < N_FACTORY; i++) {
        const struct app_file *f = &factory_files[i];

        qpybak_writer_entry(&w, f->name, strlen(f->name),
                            qpybak_crc32(QPYBAK_CRC_SEED, f->text, strlen(f->text)), true,
                            (uint32_t)strlen(f->text));
        snprintf(path, sizeof path, "/bak%s", f->name);
        put(path, f->text);
        put(f->name, f->text);
    }
    qpybak_writer_end(&w);
    make_room();
    put("/bak/checksum.json", m.data);
    put("/bak/backup_restore.json", "{\"enable\": 1}\n");
    put("/usr/checksum.json", m.data);
    put("/usr/.qpybak/checksum.json", m.data);
}

enum op_kind { OP_BOOT, OP_CALC, OP_FOTA };

struct scenario {
    const char *name;
    enum op_kind op;
    void (*setup)(void);
    bool keep_last_good;
};

static void setup_restore(void)
{
    factory();
    delete_path("/usr/checksum.json");
    delete_path("/usr/lib");
    delete_path("/usr/main.py");
    put("/usr/main.py", "import os\nos.remove('/usr')\n");
    delete_path("/usr/apn_cfg.json");
}

static void setup_restore_both_gone(void)
{
    setup_restore();
    delete_path("/usr/.qpybak/checksum.json");
}

static void setup_torn_primary(void)
{
    struct qpybak_config cfg;
    char text[4096];
    FIL f;
    UINT n = 0;
    uint32_t crc;

    factory();
    delete_path("/usr/system_config.json");
    put("/usr/system_config.json", "{\"replFlag\": 1, \"watchdog\": 1}\n");
    cfg = config();
    qpybak_calc(&cfg, "/usr/system_config.json", &crc);
    f_open(&f, "0:/checksum.json", FA_READ);
    f_read(&f, text, sizeof text - 1, &n);
    f_close(&f);
    text[n / 2] = '\0'; /* torn in the middle */
    put("/usr/checksum.json", text);
    delete_path("/usr/lib/util.py");
}

static void setup_calc(void)
{
    factory();
    delete_path("/usr/apn_cfg.json");
    put("/usr/apn_cfg.json", "{\"apn\": \"iot.example\", \"user\": \"\"}\n");
}

static void setup_fota(void)
{
    factory();
    put("/usr/.updater/main.py", "import lib.net\nlib.net.start(2)\n");
    put("/usr/.updater/lib/net.py", "def start(v=1):\n    return 'up', v\n");
    put("/usr/.updater/plugins/extra.py", "X = 1\n");
}

static const struct scenario scenarios[] = {
    {"restore", OP_BOOT, setup_restore, false},
    {"restore-both-manifests-gone", OP_BOOT, setup_restore_both_gone, false},
    {"torn-primary", OP_BOOT, setup_torn_primary, false},
    {"calc", OP_CALC, setup_calc, false},
    {"fota", OP_FOTA, setup_fota, false},
    {"fota-last-good", OP_FOTA, setup_fota, true},
};
#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

static int run_op(enum op_kind op, struct qpybak_result *res)
{
    struct qpybak_config cfg = config();
    struct qpybak_fota_result fres;
    uint32_t crc;

    memset(res, 0, sizeof *res);
    switch (op) {
    case OP_BOOT:
        return qpybak_boot(&cfg, res);
    case OP_CALC:
        return qpybak_calc(&cfg, "/usr/apn_cfg.json", &crc);
    case OP_FOTA:
        return qpybak_fota_apply(&cfg, NULL, &fres);
    }
    return -1;
}

/* ---------------------------------------------------------- the cases */

static void expect_counts(const char *what, const struct qpybak_result *r, unsigned ok,
                          unsigned missing, unsigned modified, unsigned restored)
{
    char why[200];

    if (r->counts[QPYBAK_STATE_OK] == ok && r->counts[QPYBAK_STATE_MISSING] == missing &&
        r->counts[QPYBAK_STATE_MODIFIED] == modified &&
        r->counts[QPYBAK_STATE_RESTORED] == restored && r->error == 0)
        return;
    snprintf(why, sizeof why,
             "ok %u missing %u modified %u restored %u error %d (expected %u %u %u %u 0)",
             r->counts[QPYBAK_STATE_OK], r->counts[QPYBAK_STATE_MISSING],
             r->counts[QPYBAK_STATE_MODIFIED], r->counts[QPYBAK_STATE_RESTORED], r->error, ok,
             missing, modified, restored);
    failf(what, why);
}

static bool file_is(const char *path, const char *text)
{
    char fpath[300], buf[512];
    FIL f;
    UINT n = 0;

    snprintf(fpath, sizeof fpath, "0:%s", path + 4);
    if (f_open(&f, fpath, FA_READ) != FR_OK)
        return false;
    f_read(&f, buf, sizeof buf, &n);
    f_close(&f);
    return n == strlen(text) && memcmp(buf, text, n) == 0;
}

static void expect_file(const char *what, const char *path, const char *text)
{
    if (!file_is(path, text))
        failf(what, path);
}

static int cases(void)
{
    struct qpybak_config cfg;
    struct qpybak_result r;
    struct qpybak_fota_result fr;
    uint32_t crc;
    size_t i;

    /* deleted files, a deleted folder, an edited file, the primary gone */
    setup_restore();
    cfg = config();
    qpybak_status(&cfg, &r);
    expect_counts("restore: status before boot", &r, 1, 3, 1, 0);
    qpybak_boot(&cfg, &r);
    expect_counts("restore: boot", &r, 1, 0, 0, 4);
    if (r.source != QPYBAK_SOURCE_SHADOW || !(r.repaired & QPYBAK_REPAIRED_PRIMARY))
        failf("restore: boot", "the primary was not repaired from the shadow");
    for (i = 0; i < N_FACTORY; i++)
        expect_file("restore: after boot", factory_files[i].name, factory_files[i].text);
    qpybak_status(&cfg, &r);
    expect_counts("restore: status after boot", &r, 5, 0, 0, 0);
    printf("restore: status 1 ok / 3 missing / 1 modified; boot restored 4; status 5 ok\n");

    /* both user manifests gone: the factory one */
    setup_restore_both_gone();
    cfg = config();
    qpybak_boot(&cfg, &r);
    expect_counts("restore-both-manifests-gone: boot", &r, 1, 0, 0, 4);
    if (r.source != QPYBAK_SOURCE_BACKUP)
        failf("restore-both-manifests-gone", "the backup manifest was not used");
    qpybak_status(&cfg, &r);
    expect_counts("restore-both-manifests-gone: status after boot", &r, 5, 0, 0, 0);
    printf("restore-both-manifests-gone: boot restored 4 from the backup manifest\n");

    /* the primary torn, the shadow holding a calc'd edit */
    setup_torn_primary();
    cfg = config();
    qpybak_boot(&cfg, &r);
    expect_counts("torn-primary: boot", &r, 4, 0, 0, 1);
    expect_file("torn-primary: the calc'd edit kept", "/usr/system_config.json",
                "{\"replFlag\": 1, \"watchdog\": 1}\n");
    printf("torn-primary: boot kept the calc'd edit, restored 1\n");

    /* calc keeps an edit: boot leaves it */
    setup_calc();
    cfg = config();
    qpybak_status(&cfg, &r);
    expect_counts("calc: status before calc", &r, 4, 0, 1, 0);
    {
        int err = qpybak_calc(&cfg, "/usr/apn_cfg.json", &crc);
        char why[160];

        if (err != 1) { /* 1: recorded */
            snprintf(why, sizeof why, "calc returned %d (%s), FRESULT %d", err, qpybak_strerror(err),
                     (int)fat.last_fresult);
            failf("calc", why);
        }
    }
    qpybak_boot(&cfg, &r);
    expect_counts("calc: boot after calc", &r, 5, 0, 0, 0);
    expect_file("calc: the edit kept", "/usr/apn_cfg.json", "{\"apn\": \"iot.example\", \"user\": \"\"}\n");
    printf("calc: the edit recorded (remove-then-rename of both manifests), boot keeps it\n");

    /* FOTA apply over existing files */
    setup_fota();
    cfg = config();
    memset(&fr, 0, sizeof fr);
    if (qpybak_fota_apply(&cfg, NULL, &fr) != 0 || fr.installed != 3 || fr.failed != 0)
        failf("fota", "apply did not install 3 files");
    expect_file("fota", "/usr/main.py", "import lib.net\nlib.net.start(2)\n");
    expect_file("fota", "/usr/lib/net.py", "def start(v=1):\n    return 'up', v\n");
    expect_file("fota", "/usr/plugins/extra.py", "X = 1\n");
    qpybak_boot(&cfg, &r);
    expect_counts("fota: boot after apply", &r, 5, 0, 0, 0); /* extra.py is not tracked */
    printf("fota: apply installed 3 (2 replaced), boot finds the 5 tracked files ok\n");

    /* the port itself: FAT's names and errors */
    {
        const struct qpybak_port *P = &fat.port;
        struct qpybak_stat st;
        int h;

        if (P->stat(P->ctx, "/usr/MAIN.PY", &st) != 0 || st.type != QPYBAK_TYPE_FILE)
            failf("port", "names are not case-insensitive");
        if (P->open(P->ctx, "/usr/Main.py", QPYBAK_O_WRITE) != QPYBAK_ERR_EXIST)
            failf("port", "an exclusive create of another spelling did not say EXIST");
        if (P->rename(P->ctx, "/usr/apn_cfg.json", "/usr/main.py") != QPYBAK_ERR_EXIST)
            failf("port", "rename over a file did not say EXIST");
        if (P->open(P->ctx, "/usr/lib", QPYBAK_O_READ) != QPYBAK_ERR_ISDIR)
            failf("port", "opening a folder did not say ISDIR");
        if (P->remove(P->ctx, "/usr/lib") != QPYBAK_ERR_NOTEMPTY)
            failf("port", "removing a full folder did not say NOTEMPTY");
        if (P->stat(P->ctx, "/usr/none/x", &st) != QPYBAK_ERR_NOENT)
            failf("port", "a missing folder did not say NOENT");
        if (P->remove(P->ctx, "/bak/checksum.json") != QPYBAK_ERR_ROFS)
            failf("port", "/bak was not read-only");
        if (P->stat(P->ctx, "/usr", &st) != 0 || st.type != QPYBAK_TYPE_DIR)
            failf("port", "the /usr root is not a folder");
        h = P->open(P->ctx, "/usr/main.py", QPYBAK_O_READ);
        if (P->remove(P->ctx, "/usr/main.py") != QPYBAK_ERR_ACCES)
            failf("port", "removing an open file was not refused (FF_FS_LOCK)");
        P->close(P->ctx, h);
        printf("port: case-insensitive names, EXIST on rename, ISDIR, NOTEMPTY, NOENT, ROFS, "
               "FR_LOCKED\n");
    }
    return failures;
}

/* -------------------------------------------------------------- cuts */

struct mem_source {
    const uint8_t *p;
    size_t left;
};

static int read_mem(void *ctx, void *buf, size_t want)
{
    struct mem_source *m = (struct mem_source *)ctx;
    size_t n = want < m->left ? want : m->left;

    memcpy(buf, m->p, n);
    m->p += n;
    m->left -= n;
    return (int)n;
}

/* 0: a whole, valid manifest. */
static int manifest_valid(const struct ram_port *ram, const char *path)
{
    struct qpybak_reader r;
    struct qpybak_entry e;
    struct mem_source src;
    char chunk[64], name[256];
    size_t len = 0;
    int err;

    src.p = ram_port_get(ram, path, &len);
    src.left = len;
    qpybak_reader_init(&r, read_mem, &src, chunk, sizeof chunk, name, sizeof name);
    while ((err = qpybak_reader_next(&r, &e)) == 1)
        ;
    return err;
}

static bool same_file(const struct ram_port *a, const struct ram_port *b, const char *path)
{
    size_t la = 0, lb = 0;
    const uint8_t *da = ram_port_get(a, path, &la), *db = ram_port_get(b, path, &lb);

    if (ram_port_type(a, path) != ram_port_type(b, path))
        return false;
    return da == NULL || (la == lb && memcmp(da, db, la) == 0);
}

struct bak_check {
    const struct ram_port *now;
    bool changed;
};

static void bak_same(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                     size_t len)
{
    struct bak_check *b = (struct bak_check *)ctx;

    (void)type;
    if (strncmp(path, "/bak/", 5) == 0 && !ram_port_file_equals(b->now, path, data, len) &&
        ram_port_type(b->now, path) != QPYBAK_TYPE_DIR)
        b->changed = true;
}

static void temp_left(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                      size_t len)
{
    const char **found = (const char **)ctx;
    size_t n = strlen(path);

    (void)type;
    (void)data;
    (void)len;
    if (n > 11 && strcmp(path + n - 11, ".qpybak-tmp") == 0 && *found == NULL)
        *found = "a temporary file is left";
}

/* The surviving storage right after a cut. */
static const char *survivors_ok(const struct ram_port *before, const struct ram_port *applied,
                                const struct ram_port *skipped, const struct ram_port *now)
{
    static const char *const manifests[] = {"/usr/checksum.json", "/usr/.qpybak/checksum.json"};
    struct bak_check b = {now, false};
    size_t i;

    ram_port_walk(before, bak_same, &b);
    if (b.changed || ram_port_count_files(now, "/bak/") != ram_port_count_files(before, "/bak/"))
        return "/bak changed";
    for (i = 0; i < 2; i++)
        if (ram_port_type(now, manifests[i]) == QPYBAK_TYPE_FILE &&
            !same_file(before, now, manifests[i]) && manifest_valid(now, manifests[i]) != 0)
            return "a user manifest is torn";
    for (i = 0; i < N_TRACKED; i++) {
        if (ram_port_type(now, tracked[i]) == 0)
            continue; /* the remove-then-rename window */
        if (!same_file(before, now, tracked[i]) && !same_file(applied, now, tracked[i]) &&
            !same_file(skipped, now, tracked[i]))
            return "a tracked file is torn";
    }
    return NULL;
}

/* What fsck.fat -n finds on the /usr volume after a recovery, by class.
 * FatFs writes a directory change that spans two sectors in two writes,
 * and a cut between them leaves remnants that qpybak neither made nor can
 * see through the port; they are counted, not failed:
 * - FSCK_LEAK: clusters a cut run had taken and never gave back;
 * - FSCK_LFN_REMNANT: parts of long names without their entry (a cut
 *   f_unlink or f_rename);
 * - FSCK_STALE_BYTES: old bytes read as entries in a folder that grew by a
 *   cluster (FatFs links the cluster before it zeroes it; see make_room);
 * - FSCK_SHARED_REMNANT: a file and a short-name-only entry (NAME~N.EXT)
 *   on one chain: the old entry of a cut f_rename, whose long name is gone.
 * FSCK_DAMAGE is a failure: a file whose chain runs into free clusters, two
 * named files on one chain, anything not known above. */
enum {
    FSCK_LEAK = 1,
    FSCK_LFN_REMNANT = 2,
    FSCK_STALE_BYTES = 4,
    FSCK_SHARED_REMNANT = 8,
    FSCK_DAMAGE = 16,
    FSCK_NONE = 32 /* no fsck.fat */
};

/* A short-name-only entry FatFs generated for a long name (NAME~N.EXT),
 * or stale bytes read as an entry (a name no short name can hold). */
static bool remnant_name(const char *path)
{
    const char *base = strrchr(path, '/'), *c;

    for (c = base ? base + 1 : path; *c; c++)
        if (*c == '~' || (unsigned char)*c < 0x20 || strchr("\"*+,:;<=>?[\\]|{}", *c))
            return true;
    return false;
}

static void add_report(char *report, size_t size, const char *line)
{
    if (report[0] == '\0')
        snprintf(report, size, "fsck.fat:");
    if (strlen(report) < 160 && strlen(report) + strlen(line) + 2 < size)
        snprintf(report + strlen(report), size - strlen(report), " %s", line);
}

static bool has_any(const char *line, const char *const *words, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strstr(line, words[i]))
            return true;
    return false;
}

/* fsck.fat prints a path on a line of its own (a stale name may run over
 * several), then messages about it indented by two spaces. */
static int fsck_usr(char *report, size_t size)
{
    static int have = -1;
    static const char *const leak[] = {"unused clusters", "Reclaimed", "ree cluster summary",
                                       "lost"};
    static const char *const lfn_remnant[] = {
        "Orphaned long file name", "Long filename fragment", "Wrong checksum for long file name"};
    static const char *const stale_bytes[] = {"Bad short file name", "bad entries",
                                              "Start cluster beyond limit"};
    static const char *const consequence[] = {"Auto-", "Renamed to", "Truncating", "Not auto",
                                              "Not dropping", "cluster chain length",
                                              "(Maybe", "may have changed", "Assuming EOF",
                                              "Dropping it"};
    char cmd[200], line[200], path1[200] = "", path2[200] = "";
    const char *img = "fatfs_test_usr.img";
    FILE *f, *p;
    int found = 0;

    if (have < 0)
        have = system("fsck.fat --help >/dev/null 2>&1") != 127 * 256;
    if (!have)
        return FSCK_NONE;
    f = fopen(img, "wb");
    if (!f)
        return FSCK_NONE;
    fwrite(ramdisk_image(0), 1, ramdisk_size(), f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "fsck.fat -n %s 2>&1", img);
    p = popen(cmd, "r");
    if (!p)
        return FSCK_NONE;
    report[0] = '\0';
    while (fgets(line, sizeof line, p)) {
        if (getenv("FATFS_TEST_FSCK"))
            fputs(line, stderr);
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || strstr(line, "fsck.fat ") == line || strstr(line, img) ||
            strstr(line, "Leaving") || strstr(line, "Checking") || strstr(line, "Starting"))
            continue;
        if (has_any(line, leak, sizeof leak / sizeof leak[0])) {
            found |= FSCK_LEAK;
        } else if (has_any(line, lfn_remnant, sizeof lfn_remnant / sizeof lfn_remnant[0])) {
            found |= FSCK_LFN_REMNANT;
        } else if (has_any(line, stale_bytes, sizeof stale_bytes / sizeof stale_bytes[0])) {
            found |= FSCK_STALE_BYTES;
        } else if (has_any(line, consequence, sizeof consequence / sizeof consequence[0])) {
            continue;
        } else if (strncmp(line, "  ", 2) != 0) { /* a path, or the rest of a stale one */
            if (line[0] == '/') {
                snprintf(path1, sizeof path1, "%s", path2);
                snprintf(path2, sizeof path2, "%s", line);
            }
        } else if (strstr(line, "share clusters") && (remnant_name(path1) || remnant_name(path2))) {
            found |= FSCK_SHARED_REMNANT;
        } else if (strstr(line, "Contains a free cluster") && remnant_name(path2)) {
            found |= FSCK_SHARED_REMNANT; /* the remnant lost the chain it shared */
        } else {
            found |= FSCK_DAMAGE;
            if (strstr(line, "share clusters"))
                add_report(report, size, path1);
            add_report(report, size, path2);
            add_report(report, size, line);
        }
    }
    pclose(p);
    if (!getenv("FATFS_TEST_KEEP")) /* the image, to look at with mtools */
        remove(img);
    return found;
}

/* The recovered tree holds every file and folder of the reference with the
 * same content (boot's report aside); entries it holds besides are
 * FatFs's remnants (remnant_name; counted in *remnants), else it fails. */
struct converge {
    const struct ram_port *other;
    unsigned long remnants;
    bool differs;
    char first[300]; /* the first path that differs, and how */
};

static void differs(struct converge *c, const char *path, const char *how)
{
    if (!c->differs)
        snprintf(c->first, sizeof c->first, "%.250s %s", path, how);
    c->differs = true;
}

static void in_other(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                     size_t len)
{
    struct converge *c = (struct converge *)ctx;

    if (strcmp(path, "/usr/.qpybak/boot.json") == 0)
        return;
    if (ram_port_type(c->other, path) != (int)type)
        differs(c, path, "is missing");
    else if (type == QPYBAK_TYPE_FILE && !ram_port_file_equals(c->other, path, data, len))
        differs(c, path, "differs");
}

static void extra_in_now(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                         size_t len)
{
    struct converge *c = (struct converge *)ctx;

    (void)data;
    (void)len;
    if (strcmp(path, "/usr/.qpybak/boot.json") == 0 || ram_port_type(c->other, path) == (int)type)
        return;
    if (remnant_name(path))
        c->remnants++;
    else
        differs(c, path, "is extra");
}

static bool converged(const struct ram_port *now, const struct ram_port *ref,
                      unsigned long *remnants, char *why, size_t why_size)
{
    struct converge c;

    memset(&c, 0, sizeof c);
    c.other = now;
    ram_port_walk(ref, in_other, &c);
    c.other = ref;
    ram_port_walk(now, extra_in_now, &c);
    if (!c.differs)
        *remnants += c.remnants;
    else if (why[0] == '\0')
        snprintf(why, why_size, ": %s", c.first);
    return !c.differs;
}

struct sweep_totals {
    unsigned long cuts, fsck_runs, leaks, lfn_remnants, stale_bytes, shared_remnants,
        file_remnants;
};

static void sweep(const struct scenario *sc, unsigned long only, struct sweep_totals *t)
{
    struct ram_port *before = ram_port_new(), *applied = ram_port_new(),
                    *skipped = ram_port_new(), *now = ram_port_new();
    struct qpybak_result res;
    unsigned long writes, k, fails_before = (unsigned long)failures, remnants = 0;
    char what[160], report[800], diff[320];

    keep_last_good = sc->keep_last_good;
    sc->setup();
    save_disks();
    load_disks();
    snapshot(before);
    /* the uninterrupted run, its sector writes counted */
    ramdisk_arm(0);
    run_op(sc->op, &res);
    writes = ramdisk_writes();
    mount_all();
    run_op(OP_BOOT, &res);
    snapshot(applied);
    load_disks();
    run_op(OP_BOOT, &res);
    snapshot(skipped);
    for (k = 1; k <= writes; k++) {
        const char *why;
        bool committed, ok;
        int v;

        if (only && k != only)
            continue;
        load_disks();
        ramdisk_arm(k);
        run_op(sc->op, &res);
        ramdisk_power_on();
        snprintf(what, sizeof what, "%s padding %d cut at sector write %lu/%lu", sc->name, padding,
                 k, writes);
        if (mount_all() != 0) {
            failf(what, "the volume does not mount");
            continue;
        }
        snapshot(now);
        if (only) {
            printf("after the cut:\n");
            ram_port_dump(now, stdout);
        }
        why = survivors_ok(before, applied, skipped, now);
        if (why) {
            failf(what, why);
            continue;
        }
        committed = ram_port_type(now, "/usr/.qpybak/fota.json") == QPYBAK_TYPE_FILE;
        ramdisk_arm(0);
        run_op(OP_BOOT, &res);
        mount_all(); /* the state as the next reset finds it */
        snapshot(now);
        if (only) {
            printf("after the recovery boot:\n");
            ram_port_dump(now, stdout);
        }
        why = NULL;
        ram_port_walk(now, temp_left, &why);
        if (why) {
            failf(what, why);
            continue;
        }
        unmount_all();
        v = fsck_usr(report, sizeof report);
        mount_all();
        if (!(v & FSCK_NONE))
            t->fsck_runs++;
        t->leaks += (v & FSCK_LEAK) ? 1 : 0;
        t->lfn_remnants += (v & FSCK_LFN_REMNANT) ? 1 : 0;
        t->stale_bytes += (v & FSCK_STALE_BYTES) ? 1 : 0;
        t->shared_remnants += (v & FSCK_SHARED_REMNANT) ? 1 : 0;
        diff[0] = '\0';
        ok = converged(now, applied, &remnants, diff, sizeof diff) ||
             ((sc->op == OP_CALC || (sc->op == OP_FOTA && !committed)) &&
              converged(now, skipped, &remnants, diff, sizeof diff));
        if (!ok || (v & FSCK_DAMAGE)) {
            snprintf(report + strlen(report), sizeof report - strlen(report), "%s%s%s",
                     report[0] && !ok ? "; " : "",
                     ok ? "" : "the recovery boot did not reach the reference state", ok ? "" : diff);
            failf(what, report);
            if (failures <= 3)
                ram_port_dump(now, stderr);
        }
    }
    t->cuts += only ? 1 : writes;
    t->file_remnants += remnants;
    if (only || (unsigned long)failures != fails_before || padding == 0)
        printf("%-28s %-10s padding %2d: cut at sector writes 1..%lu: %lu failures\n", sc->name,
               sc->op == OP_BOOT ? "boot" : sc->op == OP_CALC ? "calc" : "fota apply", padding,
               writes, (unsigned long)failures - fails_before);
    ram_port_free(before);
    ram_port_free(applied);
    ram_port_free(skipped);
    ram_port_free(now);
}

static int cuts(const char *only_name, int only_pad, unsigned long only_k)
{
    struct sweep_totals t = {0, 0, 0, 0, 0, 0, 0};
    size_t i;

    for (padding = 0; padding < 16; padding++) {
        if (only_pad >= 0 && padding != only_pad)
            continue;
        for (i = 0; i < N_SCENARIOS; i++)
            if (only_name == NULL || strcmp(only_name, scenarios[i].name) == 0)
                sweep(&scenarios[i], only_k, &t);
    }
    printf("%lu cuts, %d failures (paddings 0-15 of every scene; %s)\n", t.cuts, failures,
           no_room ? "no room made in the folders" : "room made in the folders at factory time");
    if (t.fsck_runs == 0)
        printf("fsck.fat not found: the volume was not checked\n");
    else
        printf("fsck.fat -n after %lu recoveries: FatFs's own remnants of a cut (no failure): "
               "%lu with lost clusters, %lu with parts of long names, %lu with a short-name entry "
               "on a file's chain, %lu with stale bytes in a grown folder; %lu remnant entries "
               "left in all\n",
               t.fsck_runs, t.leaks, t.lfn_remnants, t.shared_remnants, t.stale_bytes,
               t.file_remnants);
    return failures;
}

int main(int argc, char **argv)
{
    printf("FatFs %s (FF_DEFINED %d)\n", QPYBAK_FATFS_VERSION, FF_DEFINED);
    if (argc >= 2 && strcmp(argv[1], "cases") == 0)
        return cases() ? 1 : 0;
    if (argc >= 2 && strcmp(argv[1], "cuts") == 0) {
        int a = 2;

        if (argc > a && strcmp(argv[a], "--no-room") == 0) {
            no_room = true;
            a++;
        }
        return cuts(argc > a ? argv[a] : NULL, argc > a + 1 ? atoi(argv[a + 1]) : -1,
                    argc > a + 2 ? strtoul(argv[a + 2], NULL, 10) : 0)
                   ? 1
                   : 0;
    }
    fprintf(stderr, "usage: fatfs_test cases | cuts [--no-room] [SCENARIO [PADDING [K]]]\n");
    return 2;
}
