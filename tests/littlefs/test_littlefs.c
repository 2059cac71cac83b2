/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The littlefs port against real littlefs on lfs_emubd (lfs_device.h), in
 * one layout (argument: "two" partitions or "one" littlefs):
 *
 * - the port contract of qpybak.h, call by call: exclusive create, rename
 *   replacing its target, remove, mkdir, stat, list, the error codes, five
 *   files open at once, /bak read-only, paths outside the roots, the lock,
 *   and what littlefs keeps of a file written but not synced when the
 *   power goes (nothing: the install relies on it);
 * - a rename cut between its two commits: littlefs's own view misses a
 *   file until lfs_fs_mkconsistent, the port's view after init does not;
 * - the seed's damage cases: status reports each, boot restores each;
 * - calc records an edit, FOTA apply installs a staged update; calc and
 *   status inside boot's callback find the lock taken;
 * - blocks that fail to read with LFS_ERR_CORRUPT: under both user
 *   manifests they are unreadable, never corrupt (no factory checksums
 *   over a recorded edit); under a tracked file, boot reports it
 *   unrecoverable (littlefs cannot allocate) and damages nothing, and
 *   restores it once the file is removed.
 *
 * After every procedure: no file left open, the lock released, /bak
 * unchanged (DEV_TWO: not one block of its device programmed or erased).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lfs_device.h"
#include "qpybak_tools.h"
#include "scenes.h"

static int failures;
static const char *current = "-";

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            failures++;                                                                    \
            fprintf(stderr, "FAIL [%s] %s:%d: %s\n", current, __FILE__, __LINE__, #cond); \
        }                                                                                  \
    } while (0)

#define CHECK_EQ(got, want)                                                                 \
    do {                                                                                    \
        long g_ = (long)(got), w_ = (long)(want);                                            \
        if (g_ != w_) {                                                                     \
            failures++;                                                                     \
            fprintf(stderr, "FAIL [%s] %s:%d: %s is %ld, expected %ld\n", current, __FILE__, \
                    __LINE__, #got, g_, w_);                                                \
        }                                                                                   \
    } while (0)

static struct lfs_device dev;
static struct ram_port *scene, *tree, *scratch;
static unsigned char work[8192];

static const struct qpybak_port *port(void)
{
    return &dev.port.port;
}

static struct qpybak_config config(void)
{
    struct qpybak_config cfg;

    memset(&cfg, 0, sizeof cfg);
    cfg.port = port();
    cfg.buffer = work;
    cfg.buffer_size = sizeof work;
    return cfg;
}

/* The scene onto a freshly formatted device, mounted. */
static void load(void (*setup)(struct ram_port *))
{
    setup(scene);
    if (dev_load(&dev, scene) != 0) {
        fprintf(stderr, "FAIL [%s]: cannot load the scene onto littlefs\n", current);
        exit(1);
    }
}

static void dump(void)
{
    int err = dev_dump(&dev, tree);

    if (err)
        fprintf(stderr, "FAIL [%s]: dump: %d\n", current, err);
    CHECK_EQ(err, 0);
}

static size_t open_files(void)
{
    size_t i, n = 0;

    for (i = 0; i < QPYBAK_LITTLEFS_MAX_OPEN; i++)
        n += dev.port.owners[i] != NULL;
    return n;
}

/* The /bak tree of a and b is the same. */
static bool same_bak(const struct ram_port *a, const struct ram_port *b)
{
    static struct ram_port *copy;
    bool same;

    if (!copy)
        copy = ram_port_new();
    ram_port_copy_tree(scratch, a);
    ram_port_copy_tree(copy, b);
    ram_port_delete(scratch, "/usr");
    ram_port_delete(copy, "/usr");
    same = ram_port_equal(scratch, copy);
    return same;
}

/* Hygiene after a procedure: no file open, the lock free, /bak as loaded,
 * no temporary left. */
static void temp_found(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                       size_t len)
{
    size_t n = strlen(path);

    (void)type;
    (void)data;
    (void)len;
    if (n >= 11 && strcmp(path + n - 11, ".qpybak-tmp") == 0)
        ++*(int *)ctx;
}

static void hygiene(uint64_t bak_writes_before)
{
    int temps = 0;

    CHECK_EQ(open_files(), 0);
    CHECK(!dev.port.lock_exclusive && dev.port.lock_shared == 0);
    CHECK(dev_bak_writes(&dev) == bak_writes_before);
    dump();
    CHECK(same_bak(tree, scene));
    ram_port_walk(tree, temp_found, &temps);
    CHECK_EQ(temps, 0);
}

/* ------------------------------------------------------- the contract */

static int read_all(const char *path, char *buf, size_t size)
{
    const struct qpybak_port *p = port();
    int h = p->open(p->ctx, path, QPYBAK_O_READ), n, total = 0;

    if (h < 0)
        return h;
    while ((size_t)total < size - 1 && (n = p->read(p->ctx, h, buf + total, size - 1 - total)) > 0)
        total += n;
    buf[total] = '\0';
    p->close(p->ctx, h);
    return total;
}

static int write_new(const char *path, const char *text, bool sync)
{
    const struct qpybak_port *p = port();
    int h = p->open(p->ctx, path, QPYBAK_O_WRITE), err = 0;

    if (h < 0)
        return h;
    if (p->write(p->ctx, h, text, strlen(text)) != (int)strlen(text))
        err = QPYBAK_ERR_IO;
    if (err == 0 && sync)
        err = p->sync(p->ctx, h);
    if (sync)
        p->close(p->ctx, h);
    return err;
}

struct listing {
    char names[16][64];
    enum qpybak_type types[16];
    int n, stop_at;
};

static int collect(void *ctx, const char *name, enum qpybak_type type)
{
    struct listing *l = (struct listing *)ctx;

    if (l->n < 16) {
        snprintf(l->names[l->n], sizeof l->names[0], "%s", name);
        l->types[l->n] = type;
    }
    l->n++;
    return l->stop_at && l->n == l->stop_at ? 7 : 0;
}

static int listed_type(const struct listing *l, const char *name)
{
    int i;

    for (i = 0; i < l->n && i < 16; i++)
        if (strcmp(l->names[i], name) == 0)
            return (int)l->types[i];
    return 0;
}

static void test_contract(void)
{
    const struct qpybak_port *p = port();
    struct qpybak_stat st;
    struct listing l;
    char buf[512];
    int h[QPYBAK_LITTLEFS_MAX_OPEN + 1], i;
    void *c;

    current = "contract";
    load(scene_factory);
    c = p->ctx;

    /* read */
    CHECK_EQ(read_all("/usr/main.py", buf, sizeof buf), strlen(factory_files[0].text));
    CHECK(strcmp(buf, factory_files[0].text) == 0);
    CHECK(read_all("/bak/usr/lib/net.py", buf, sizeof buf) > 0);
    CHECK_EQ(p->open(c, "/usr/lib", QPYBAK_O_READ), QPYBAK_ERR_ISDIR);
    CHECK_EQ(p->open(c, "/usr/none.py", QPYBAK_O_READ), QPYBAK_ERR_NOENT);
    CHECK_EQ(p->open(c, "/usr/none/a.py", QPYBAK_O_READ), QPYBAK_ERR_NOENT);
    CHECK_EQ(p->open(c, "/usr/main.py/a.py", QPYBAK_O_READ), QPYBAK_ERR_NOTDIR);

    /* exclusive create: anything at the name is EXIST, nothing truncated */
    CHECK_EQ(p->open(c, "/usr/main.py", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    CHECK_EQ(p->open(c, "/usr/lib", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    read_all("/usr/main.py", buf, sizeof buf);
    CHECK(strcmp(buf, factory_files[0].text) == 0);
    CHECK_EQ(write_new("/usr/new.py", "x = 1\n", true), 0);
    CHECK_EQ(read_all("/usr/new.py", buf, sizeof buf), 6);
    CHECK_EQ(p->open(c, "/usr/none/new.py", QPYBAK_O_WRITE), QPYBAK_ERR_NOENT);

    /* stat */
    CHECK_EQ(p->stat(c, "/usr/new.py", &st), 0);
    CHECK(st.type == QPYBAK_TYPE_FILE && st.size == 6);
    CHECK_EQ(p->stat(c, "/usr/lib", &st), 0);
    CHECK(st.type == QPYBAK_TYPE_DIR);
    CHECK_EQ(p->stat(c, "/usr/none.py", &st), QPYBAK_ERR_NOENT);
    CHECK_EQ(p->stat(c, "/bak/checksum.json", &st), 0);
    CHECK(st.type == QPYBAK_TYPE_FILE && st.size > 0);

    /* rename replaces its target; the source is gone */
    CHECK_EQ(write_new("/usr/.qpybak-tmp", "print('v2')\n", true), 0);
    CHECK_EQ(p->rename(c, "/usr/.qpybak-tmp", "/usr/main.py"), 0);
    read_all("/usr/main.py", buf, sizeof buf);
    CHECK(strcmp(buf, "print('v2')\n") == 0);
    CHECK_EQ(p->stat(c, "/usr/.qpybak-tmp", &st), QPYBAK_ERR_NOENT);
    CHECK_EQ(p->rename(c, "/usr/none.py", "/usr/main.py"), QPYBAK_ERR_NOENT);
    CHECK_EQ(p->rename(c, "/usr/new.py", "/usr/lib"), QPYBAK_ERR_ISDIR);

    /* remove, mkdir */
    CHECK_EQ(p->remove(c, "/usr/lib"), QPYBAK_ERR_NOTEMPTY);
    CHECK_EQ(p->remove(c, "/usr/new.py"), 0);
    CHECK_EQ(p->remove(c, "/usr/new.py"), QPYBAK_ERR_NOENT);
    CHECK_EQ(p->mkdir(c, "/usr/lib"), QPYBAK_ERR_EXIST);
    CHECK_EQ(p->mkdir(c, "/usr/d"), 0);
    CHECK_EQ(p->mkdir(c, "/usr/x/y"), QPYBAK_ERR_NOENT);
    CHECK_EQ(p->remove(c, "/usr/d"), 0);

    /* list: names and types, no "." or "..", fn's non-zero stops it */
    memset(&l, 0, sizeof l);
    CHECK_EQ(p->list(c, "/usr", collect, &l), 0);
    CHECK_EQ(l.n, 7); /* main.py apn_cfg.json system_config.json lib res checksum.json .qpybak */
    CHECK_EQ(listed_type(&l, "main.py"), QPYBAK_TYPE_FILE);
    CHECK_EQ(listed_type(&l, "lib"), QPYBAK_TYPE_DIR);
    CHECK_EQ(listed_type(&l, ".qpybak"), QPYBAK_TYPE_DIR);
    CHECK_EQ(listed_type(&l, "."), 0);
    memset(&l, 0, sizeof l);
    l.stop_at = 2;
    CHECK_EQ(p->list(c, "/usr", collect, &l), 7);
    CHECK_EQ(l.n, 2);
    CHECK_EQ(p->list(c, "/usr/none", collect, &l), QPYBAK_ERR_NOENT);
    CHECK_EQ(p->list(c, "/usr/main.py", collect, &l), QPYBAK_ERR_NOTDIR);

    /* /bak is read-only; nothing outside the roots */
    CHECK_EQ(p->open(c, "/bak/new.py", QPYBAK_O_WRITE), QPYBAK_ERR_ROFS);
    CHECK_EQ(p->rename(c, "/bak/checksum.json", "/bak/x"), QPYBAK_ERR_ROFS);
    CHECK_EQ(p->rename(c, "/usr/main.py", "/bak/main.py"), QPYBAK_ERR_ROFS);
    CHECK_EQ(p->remove(c, "/bak/checksum.json"), QPYBAK_ERR_ROFS);
    CHECK_EQ(p->mkdir(c, "/bak/d"), QPYBAK_ERR_ROFS);
    CHECK_EQ(p->open(c, "/etc/passwd", QPYBAK_O_READ), QPYBAK_ERR_INVAL);
    CHECK_EQ(p->open(c, "/usrx/a", QPYBAK_O_READ), QPYBAK_ERR_INVAL);
    CHECK_EQ(p->stat(c, "/x", &st), QPYBAK_ERR_INVAL);
    dev.port.bak_writable = true;
    CHECK_EQ(p->rename(c, "/usr/main.py", "/bak/main.py"), QPYBAK_ERR_INVAL); /* two roots */
    dev.port.bak_writable = false;

    /* five files open at once (the contract), a sixth is refused */
    for (i = 0; i < QPYBAK_LITTLEFS_MAX_OPEN; i++) {
        h[i] = p->open(c, factory_files[i].name, QPYBAK_O_READ);
        CHECK(h[i] >= 0);
    }
    CHECK_EQ(p->open(c, "/bak/checksum.json", QPYBAK_O_READ), QPYBAK_LITTLEFS_ERR_MFILE);
    for (i = 0; i < QPYBAK_LITTLEFS_MAX_OPEN; i++) {
        int n = p->read(c, h[i], buf, sizeof buf);

        CHECK_EQ(n, i == 0 ? 12 : (int)strlen(factory_files[i].text));
        CHECK_EQ(p->close(c, h[i]), 0);
    }
    CHECK_EQ(open_files(), 0);
    CHECK_EQ(p->read(c, 0, buf, 1), QPYBAK_ERR_INVAL); /* closed */

    /* the lock: a RAM flag */
    CHECK_EQ(p->lock(c, QPYBAK_LOCK_EXCLUSIVE), 0);
    CHECK_EQ(p->lock(c, QPYBAK_LOCK_EXCLUSIVE), QPYBAK_ERR_BUSY);
    CHECK_EQ(p->lock(c, QPYBAK_LOCK_SHARED), QPYBAK_ERR_BUSY);
    CHECK_EQ(p->unlock(c), 0);
    CHECK_EQ(p->lock(c, QPYBAK_LOCK_SHARED), 0);
    CHECK_EQ(p->lock(c, QPYBAK_LOCK_SHARED), 0);
    CHECK_EQ(p->lock(c, QPYBAK_LOCK_EXCLUSIVE), QPYBAK_ERR_BUSY);
    CHECK_EQ(p->unlock(c), 0);
    CHECK_EQ(p->unlock(c), 0);
    CHECK(p->unlock(c) < 0);

    /* errors: -84 from littlefs is a damaged block, never "corrupt JSON" */
    CHECK_EQ(qpybak_littlefs_error(LFS_ERR_CORRUPT), QPYBAK_ERR_IO);
    CHECK_EQ(qpybak_littlefs_error(LFS_ERR_NOENT), QPYBAK_ERR_NOENT);
    CHECK_EQ(qpybak_littlefs_error(LFS_ERR_NOSPC), QPYBAK_ERR_NOSPC);
    CHECK_EQ(qpybak_littlefs_error(LFS_ERR_BADF), QPYBAK_ERR_IO);
    CHECK_EQ(qpybak_littlefs_error(12), 12);
}

/* What a power cut keeps of a file written but not synced: its name (the
 * create is committed at open) and nothing of the data.  A file synced,
 * then written more, keeps what the sync made durable.  The install's
 * order - write, sync, rename - rests on this. */
static void test_unsynced(void)
{
    const struct qpybak_port *p = port();
    struct qpybak_stat st;
    char big[300];
    int h;

    current = "unsynced data at a power cut";
    load(scene_factory);
    memset(big, 'a', sizeof big);
    h = p->open(p->ctx, "/usr/checksum.json.qpybak-tmp", QPYBAK_O_WRITE);
    CHECK(h >= 0);
    CHECK_EQ(p->write(p->ctx, h, big, sizeof big), (int)sizeof big);
    h = p->open(p->ctx, "/usr/lib/.qpybak-tmp", QPYBAK_O_WRITE);
    CHECK(h >= 0);
    CHECK_EQ(p->write(p->ctx, h, big, 100), 100);
    CHECK_EQ(p->sync(p->ctx, h), 0);
    CHECK_EQ(p->write(p->ctx, h, big, sizeof big), (int)sizeof big);
    CHECK_EQ(dev_reboot(&dev), 0); /* the power goes: nothing closed */
    CHECK_EQ(p->stat(p->ctx, "/usr/checksum.json.qpybak-tmp", &st), 0);
    CHECK_EQ(st.size, 0);
    CHECK_EQ(p->stat(p->ctx, "/usr/lib/.qpybak-tmp", &st), 0);
    CHECK_EQ(st.size, 100);
    /* and the next boot clears them away */
    {
        struct qpybak_config cfg = config();
        struct qpybak_result res;

        CHECK_EQ(qpybak_boot(&cfg, &res), 0);
        CHECK_EQ(res.stale_temps, 2);
        CHECK_EQ(res.counts[QPYBAK_STATE_OK], n_factory_files);
        hygiene(dev_bak_writes(&dev));
    }
}

/* Many files in /usr: littlefs splits its directory over several
 * metadata pairs, ".qpybak" and ".qpybak-tmp" in the first, "main.py" in a
 * later one. */
static void scene_split_usr(struct ram_port *r)
{
    char path[32];
    int i;

    scene_factory(r);
    for (i = 0; i < 16; i++) {
        snprintf(path, sizeof path, "/usr/f%02d.py", i);
        ram_port_put_str(r, path, "print('some inline content, forty bytes')\n");
    }
    ram_port_put_str(r, "/usr/.qpybak-tmp", FOTA_MAIN);
}

/*
 * A rename cut between its two commits (source and target in two metadata
 * pairs): littlefs 2.9.3 then reports /usr/.qpybak missing - a name that is
 * a prefix of the source's, ".qpybak-tmp" - until its first write.
 * qpybak_littlefs_init (lfs_fs_mkconsistent) must leave the whole view:
 * the target new, the source gone, /usr/.qpybak and its files there.
 */
static void test_pending_move(void)
{
    const struct qpybak_port *p;
    struct qpybak_stat st;
    struct dev_image img;
    uint32_t k;
    int seen = 0;

    current = "a rename cut between its two commits";
    dev.view_before_fix = ram_port_new();
    load(scene_split_usr);
    dev_unmount(&dev);
    dev_save(&dev, &img);
    for (k = 1; k <= 8; k++) {
        dev_restore(&dev, &img);
        dev_mount(&dev);
        p = port();
        dev_arm_cut(&dev, k, LFS_EMUBD_POWERLOSS_NOOP);
        p->rename(p->ctx, "/usr/.qpybak-tmp", "/usr/main.py");
        if (!dev.cut) {
            dev_arm_cut(&dev, 0, LFS_EMUBD_POWERLOSS_NOOP); /* the rename took fewer */
            break;
        }
        CHECK_EQ(dev_reboot(&dev), 0);
        if (!dev.pending_move)
            continue;
        seen++;
        dump();
        CHECK_EQ(ram_port_type(tree, "/usr/.qpybak-tmp"), 0);
        CHECK(ram_port_file_is(tree, "/usr/main.py", FOTA_MAIN));
        {
            size_t len = 0;
            const uint8_t *shadow = ram_port_get(scene, SHADOW, &len);

            CHECK(ram_port_file_equals(tree, SHADOW, shadow, len));
        }
        CHECK_EQ(ram_port_type(tree, "/usr/.qpybak"), QPYBAK_TYPE_DIR);
        CHECK_EQ(p->stat(p->ctx, "/usr/.qpybak", &st), 0);
        printf("rename cut at %u: a pending move; littlefs's view before lfs_fs_mkconsistent %s "
               "/usr/.qpybak\n",
               (unsigned)k,
               ram_port_type(dev.view_before_fix, "/usr/.qpybak") ? "had" : "missed");
    }
    if (seen == 0)
        printf("note: no cut of this rename left a pending move with this littlefs and geometry\n");
    dev_image_free(&img);
    ram_port_free(dev.view_before_fix);
    dev.view_before_fix = NULL;
}

static void test_init(void)
{
    struct qpybak_littlefs p;
    struct lfs_config big;
    lfs_t fs;

    current = "init";
    CHECK_EQ(qpybak_littlefs_init(&p, NULL, NULL), QPYBAK_ERR_INVAL);
    big = dev.parts[0].cfg;
    big.cache_size = QPYBAK_LITTLEFS_CACHE_SIZE * 2;
    memset(&fs, 0, sizeof fs);
    fs.cfg = &big;
    CHECK_EQ(qpybak_littlefs_init(&p, &fs, &fs), QPYBAK_ERR_INVAL);
    CHECK_EQ(qpybak_littlefs_init(&p, &dev.parts[0].lfs, &dev.parts[0].lfs), 0);
}

/* ------------------------------------------------ the seed's damage cases */

static void damage_primary_deleted(struct ram_port *r)
{
    scene_factory(r);
    ram_port_delete(r, PRIMARY);
}

static void damage_both_deleted(struct ram_port *r)
{
    damage_primary_deleted(r);
    ram_port_delete(r, SHADOW);
}

static void damage_primary_torn(struct ram_port *r)
{
    size_t len = 0;
    const uint8_t *data;
    char copy[4096];

    scene_factory(r);
    data = ram_port_get(r, PRIMARY, &len);
    memcpy(copy, data, len);
    ram_port_put(r, PRIMARY, copy, len / 2);
}

static void damage_file_deleted(struct ram_port *r)
{
    scene_factory(r);
    ram_port_delete(r, "/usr/apn_cfg.json");
}

static void damage_edited(struct ram_port *r)
{
    scene_factory(r);
    ram_port_put_str(r, "/usr/system_config.json", "{\"replFlag\": 1, \"watchdog\": 0}\n");
}

static void damage_truncated(struct ram_port *r)
{
    const char *text = factory_files[0].text;

    scene_factory(r);
    ram_port_put(r, "/usr/main.py", text, strlen(text) / 2);
    ram_port_put(r, "/usr/lib/util.py", "", 0);
}

static void damage_folder_deleted(struct ram_port *r)
{
    scene_factory(r);
    ram_port_delete(r, "/usr/lib");
}

static void damage_several(struct ram_port *r)
{
    scene_restore(r); /* main.py edited, apn_cfg.json and lib/ deleted, primary deleted */
    ram_port_put_str(r, "/usr/system_config.json", "{}");
}

static const struct damage {
    const char *name;
    void (*setup)(struct ram_port *);
    unsigned missing, modified; /* what status reports; boot restores both */
    enum qpybak_source source;  /* the user manifest boot takes */
} damages[] = {
    {"user manifest deleted", damage_primary_deleted, 0, 0, QPYBAK_SOURCE_SHADOW},
    {"both user manifests deleted", damage_both_deleted, 0, 0, QPYBAK_SOURCE_BACKUP},
    {"user manifest torn", damage_primary_torn, 0, 0, QPYBAK_SOURCE_SHADOW},
    {"file deleted", damage_file_deleted, 1, 0, QPYBAK_SOURCE_PRIMARY},
    {"file edited without calc", damage_edited, 0, 1, QPYBAK_SOURCE_PRIMARY},
    {"files truncated by a power cut", damage_truncated, 0, 2, QPYBAK_SOURCE_PRIMARY},
    {"folder deleted", damage_folder_deleted, 2, 0, QPYBAK_SOURCE_PRIMARY},
    {"several at once", damage_several, 3, 3, QPYBAK_SOURCE_SHADOW},
};

static void usr_is_factory(void)
{
    size_t i;

    for (i = 0; i < n_factory_files; i++)
        CHECK(ram_port_file_is(tree, factory_files[i].name, factory_files[i].text));
    CHECK_EQ(ram_port_type(tree, PRIMARY), QPYBAK_TYPE_FILE);
    CHECK_EQ(ram_port_type(tree, SHADOW), QPYBAK_TYPE_FILE);
}

static void test_damage(const struct damage *d)
{
    struct qpybak_config cfg = config();
    struct qpybak_result res;
    uint64_t bak = 0;

    current = d->name;
    load(d->setup);
    bak = dev_bak_writes(&dev);
    /* status reports, changes nothing */
    CHECK_EQ(qpybak_status(&cfg, &res), 0);
    CHECK_EQ(res.counts[QPYBAK_STATE_MISSING], d->missing);
    CHECK_EQ(res.counts[QPYBAK_STATE_MODIFIED], d->modified);
    CHECK_EQ(res.counts[QPYBAK_STATE_OK], (long)n_factory_files - d->missing - d->modified);
    hygiene(bak);
    ram_port_delete(tree, "/usr/.qpybak/boot.json");
    CHECK(ram_port_equal(tree, scene));
    /* boot restores */
    CHECK_EQ(qpybak_boot(&cfg, &res), 0);
    CHECK(res.enabled);
    CHECK_EQ(res.source, d->source);
    CHECK_EQ(res.counts[QPYBAK_STATE_RESTORED], d->missing + d->modified);
    CHECK_EQ(res.counts[QPYBAK_STATE_OK], (long)n_factory_files - d->missing - d->modified);
    CHECK_EQ(res.error, 0);
    hygiene(bak);
    usr_is_factory();
    /* after a reboot the next boot finds everything in order */
    CHECK_EQ(dev_reboot(&dev), 0);
    CHECK_EQ(qpybak_boot(&cfg, &res), 0);
    CHECK_EQ(res.counts[QPYBAK_STATE_OK], n_factory_files);
    CHECK_EQ(res.primary, QPYBAK_MANIFEST_OK);
    CHECK_EQ(res.shadow, QPYBAK_MANIFEST_OK);
    hygiene(bak);
}

/* ---------------------------------------------------------- bad blocks */

/*
 * A block whose reads fail with LFS_ERR_CORRUPT (-84, what littlefs says of
 * a damaged block).  Under both user manifests, after calc recorded an
 * edit: the port must say QPYBAK_ERR_IO, so that boot takes them for
 * unreadable - checks nothing, installs nothing - and not for corrupt,
 * which would make it install the factory checksums over the recorded
 * edit.  Under a tracked file: littlefs cannot allocate a block any more
 * (its allocator reads every file's block list, and fails there), so boot
 * cannot restore it; it must say so - unrecoverable, a storage error -
 * and damage nothing.  Once the application removes that file, the next
 * boot restores it.
 */
/* The outcome boot reported for one file. */
struct outcome {
    const char *name;
    enum qpybak_state state;
    enum qpybak_reason reason;
    int error;
};

static void record_outcome(void *ctx, const struct qpybak_file_event *ev)
{
    struct outcome *o = (struct outcome *)ctx;

    if (ev->name && strcmp(ev->name, o->name) == 0) {
        o->state = ev->state;
        o->reason = ev->reason;
        o->error = ev->error;
    }
}

static void test_bad_blocks(void)
{
    struct qpybak_config cfg = config();
    struct qpybak_result res;
    struct outcome words = {WORDS_PATH, QPYBAK_STATE_OK, QPYBAK_REASON_NONE, 0};
    lfs_block_t b1, b2;
    uint32_t crc;
    uint64_t bak;

    current = "bad blocks under both user manifests";
    load(scene_calc);
    bak = dev_bak_writes(&dev);
    CHECK_EQ(qpybak_calc(&cfg, CALC_PATH, &crc), 1);
    CHECK_EQ(dev_file_block(&dev, PRIMARY, &b1), 0);
    CHECK_EQ(dev_file_block(&dev, SHADOW, &b2), 0);
    dev.bad_blocks[0] = b1;
    dev.bad_blocks[1] = b2;
    dev.n_bad_blocks = 2;
    CHECK_EQ(dev_reboot(&dev), 0);
    CHECK_EQ(qpybak_boot(&cfg, &res), 0);
    CHECK_EQ(res.primary, QPYBAK_MANIFEST_UNREADABLE);
    CHECK_EQ(res.shadow, QPYBAK_MANIFEST_UNREADABLE);
    CHECK_EQ(res.source, QPYBAK_SOURCE_NONE);
    CHECK_EQ(res.error, QPYBAK_ERR_IO);
    CHECK_EQ(res.counts[QPYBAK_STATE_RESTORED], 0);
    CHECK_EQ(open_files(), 0);
    dev.n_bad_blocks = 0; /* the blocks read again: the edit is still recorded */
    CHECK_EQ(dev_reboot(&dev), 0);
    CHECK_EQ(qpybak_status(&cfg, &res), 0);
    CHECK_EQ(res.source, QPYBAK_SOURCE_PRIMARY);
    CHECK_EQ(res.counts[QPYBAK_STATE_OK], n_factory_files);
    hygiene(bak);
    CHECK(ram_port_file_is(tree, CALC_PATH, CALC_TEXT));

    current = "a bad block under a tracked file";
    load(scene_factory);
    bak = dev_bak_writes(&dev);
    CHECK_EQ(dev_file_block(&dev, WORDS_PATH, &b1), 0);
    dev.bad_blocks[0] = b1;
    dev.n_bad_blocks = 1;
    CHECK_EQ(dev_reboot(&dev), 0);
    cfg.on_file = record_outcome;
    cfg.ctx = &words;
    CHECK_EQ(qpybak_boot(&cfg, &res), 0);
    cfg.on_file = NULL;
    CHECK_EQ(words.state, QPYBAK_STATE_UNRECOVERABLE);
    CHECK_EQ(words.reason, QPYBAK_REASON_IO);
    CHECK_EQ(words.error, QPYBAK_ERR_IO);
    CHECK_EQ(res.counts[QPYBAK_STATE_OK], (long)n_factory_files - 1);
    CHECK_EQ(res.error, QPYBAK_ERR_IO);
    dev.n_bad_blocks = 0; /* to read it all back: nothing damaged */
    hygiene(bak);
    usr_is_factory();
    /* the remedy: the application removes the file, the next boot can
     * allocate again and restores it */
    dev.n_bad_blocks = 1;
    CHECK_EQ(dev_reboot(&dev), 0); /* no block cached */
    CHECK_EQ(port()->remove(port()->ctx, WORDS_PATH), 0);
    CHECK_EQ(qpybak_boot(&cfg, &res), 0);
    CHECK_EQ(res.counts[QPYBAK_STATE_RESTORED], 1);
    CHECK_EQ(res.counts[QPYBAK_STATE_OK], (long)n_factory_files - 1);
    CHECK_EQ(res.error, 0);
    dev.n_bad_blocks = 0;
    hygiene(bak);
    usr_is_factory();
    CHECK_EQ(dev_reboot(&dev), 0);
    CHECK_EQ(qpybak_boot(&cfg, &res), 0);
    CHECK_EQ(res.counts[QPYBAK_STATE_OK], n_factory_files);
}

/* ---------------------------------------------------- calc, FOTA apply */

static void test_calc(void)
{
    struct qpybak_config cfg = config();
    struct qpybak_result res;
    const char *edited = CALC_TEXT;
    uint32_t crc = 0;
    uint64_t bak;

    current = "calc";
    load(scene_calc);
    bak = dev_bak_writes(&dev);
    CHECK_EQ(qpybak_calc(&cfg, CALC_PATH, &crc), 1);
    CHECK(crc == crc_of(edited));
    hygiene(bak);
    CHECK_EQ(qpybak_calc(&cfg, "/usr/untracked.py", &crc), QPYBAK_ERR_NOENT);
    CHECK_EQ(qpybak_calc(&cfg, "/usr/main.py", &crc), 1); /* matches already */
    CHECK(crc == crc_of(factory_files[0].text));
    CHECK_EQ(qpybak_calc(&cfg, "/usr/.qpybak/checksum.json", &crc), QPYBAK_ERR_INVAL); /* reserved */
    CHECK_EQ(dev_reboot(&dev), 0);
    CHECK_EQ(qpybak_status(&cfg, &res), 0);
    CHECK_EQ(res.counts[QPYBAK_STATE_OK], n_factory_files);
    CHECK_EQ(qpybak_boot(&cfg, &res), 0);
    CHECK_EQ(res.counts[QPYBAK_STATE_OK], n_factory_files);
    hygiene(bak);
    CHECK(ram_port_file_is(tree, CALC_PATH, edited)); /* the edit is kept */
}

static void test_fota(void)
{
    struct qpybak_config cfg = config();
    struct qpybak_fota_result fres;
    struct qpybak_result res;
    uint64_t bak;

    current = "fota apply";
    load(scene_fota);
    bak = dev_bak_writes(&dev);
    CHECK_EQ(qpybak_fota_apply(&cfg, NULL, &fres), 0);
    CHECK_EQ(fres.installed, 4);
    CHECK_EQ(fres.failed, 0);
    CHECK(!fres.pending);
    hygiene(bak);
    CHECK(ram_port_file_is(tree, "/usr/main.py", FOTA_MAIN));
    CHECK(ram_port_file_is(tree, "/usr/lib/net.py", FOTA_NET));
    CHECK(ram_port_file_is(tree, "/usr/plugins/extra.py", FOTA_EXTRA));
    CHECK(ram_port_file_is(tree, WORDS_PATH, FOTA_WORDS));
    CHECK_EQ(ram_port_type(tree, "/usr/.updater"), 0);
    CHECK_EQ(ram_port_type(tree, JOURNAL), 0);
    CHECK_EQ(qpybak_fota_apply(&cfg, NULL, &fres), QPYBAK_ERR_NOENT); /* nothing staged */
    CHECK_EQ(dev_reboot(&dev), 0);
    CHECK_EQ(qpybak_boot(&cfg, &res), 0);
    CHECK_EQ(res.counts[QPYBAK_STATE_OK], n_factory_files); /* the update is recorded, kept */
    CHECK_EQ(res.counts[QPYBAK_STATE_RESTORED], 0);
    hygiene(bak);
}

/* A procedure started from boot's own callback finds the lock taken. */
struct nested {
    int calls, calc_ret, status_ret;
};

static unsigned char nested_work[8192];

static void nested_on_file(void *ctx, const struct qpybak_file_event *ev)
{
    struct nested *n = (struct nested *)ctx;
    struct qpybak_config cfg = config();
    struct qpybak_result res;
    uint32_t crc;

    (void)ev;
    if (n->calls++ > 0)
        return;
    cfg.buffer = nested_work;
    n->calc_ret = qpybak_calc(&cfg, "/usr/main.py", &crc);
    n->status_ret = qpybak_status(&cfg, &res);
}

static void test_nested(void)
{
    struct qpybak_config cfg = config();
    struct qpybak_result res;
    struct nested n;

    current = "lock: calc and status inside boot";
    load(scene_restore);
    memset(&n, 0, sizeof n);
    cfg.on_file = nested_on_file;
    cfg.ctx = &n;
    CHECK_EQ(qpybak_boot(&cfg, &res), 0);
    CHECK(n.calls > 0);
    CHECK_EQ(n.calc_ret, QPYBAK_ERR_BUSY);
    CHECK_EQ(n.status_ret, QPYBAK_ERR_BUSY);
    hygiene(dev_bak_writes(&dev));
}

int main(int argc, char **argv)
{
    enum dev_layout layout;
    size_t i;

    if (argc != 2 || (strcmp(argv[1], "two") != 0 && strcmp(argv[1], "one") != 0)) {
        fprintf(stderr, "usage: test_littlefs two|one\n");
        return 2;
    }
    layout = strcmp(argv[1], "two") == 0 ? DEV_TWO : DEV_ONE;
    scene = ram_port_new();
    tree = ram_port_new();
    scratch = ram_port_new();
    if (dev_create(&dev, layout, &dev_geometries[DEV_SMALL]) != 0) {
        fprintf(stderr, "cannot create the emulated block device\n");
        return 1;
    }
    printf("littlefs %d.%d (disk %d.%d), %s, lfs_emubd with %s\n", LFS_VERSION_MAJOR,
           LFS_VERSION_MINOR, LFS_DISK_VERSION_MAJOR, LFS_DISK_VERSION_MINOR,
           dev_layout_name(layout), dev_geometries[DEV_SMALL].name);
    test_contract();
    test_init();
    test_unsynced();
    test_pending_move();
    for (i = 0; i < sizeof damages / sizeof damages[0]; i++)
        test_damage(&damages[i]);
    test_calc();
    test_fota();
    test_bad_blocks();
    test_nested();
    dev_destroy(&dev);
    ram_port_free(scene);
    ram_port_free(tree);
    ram_port_free(scratch);
    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
