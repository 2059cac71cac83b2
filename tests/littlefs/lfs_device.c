/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The emulated device of the littlefs tests (lfs_device.h).
 */
#include "lfs_device.h"

#include <stdio.h>
#include <string.h>

const struct dev_geometry dev_geometries[DEV_GEOMETRIES] = {
    {"512-byte blocks", 16, 16, 512, 64, 16, 256, 128},
    {"4 KiB blocks", 32, 32, 4096, 128, 32, 64, 32},
};

const char *dev_layout_name(enum dev_layout layout)
{
    return layout == DEV_TWO ? "two partitions" : "one littlefs";
}

/* ------------------------------------------------------ block callbacks */

/* Frees a copy made by lfs_emubd_copy (lfs_emubd_destroy finds the blocks
 * through cfg->context alone). */
static void bd_free(lfs_emubd_t *bd)
{
    struct lfs_config cfg;

    memset(&cfg, 0, sizeof cfg);
    cfg.context = bd;
    lfs_emubd_destroy(&cfg);
}

/* The lfs_config is the part's first member. */
static struct dev_part *part_of(const struct lfs_config *cfg)
{
    return (struct dev_part *)(uintptr_t)cfg;
}

static int blk_read(const struct lfs_config *cfg, lfs_block_t block, lfs_off_t off, void *buf,
                    lfs_size_t size)
{
    struct lfs_device *d = part_of(cfg)->dev;
    int i;

    if (d->dead)
        return LFS_ERR_IO;
    for (i = 0; i < d->n_bad_blocks && part_of(cfg) == &d->parts[0]; i++)
        if (d->bad_blocks[i] == block)
            return LFS_ERR_CORRUPT;
    return lfs_emubd_read(cfg, block, off, buf, size);
}

static int blk_prog(const struct lfs_config *cfg, lfs_block_t block, lfs_off_t off,
                    const void *buf, lfs_size_t size)
{
    if (part_of(cfg)->dev->dead)
        return LFS_ERR_IO;
    return lfs_emubd_prog(cfg, block, off, buf, size);
}

static int blk_erase(const struct lfs_config *cfg, lfs_block_t block)
{
    if (part_of(cfg)->dev->dead)
        return LFS_ERR_IO;
    return lfs_emubd_erase(cfg, block);
}

static int blk_sync(const struct lfs_config *cfg)
{
    if (part_of(cfg)->dev->dead)
        return LFS_ERR_IO;
    return lfs_emubd_sync(cfg);
}

/* lfs_emubd at the instant of the power loss: keep the blocks as they are
 * now (with the out-of-order behaviour, the block lfs_emubd put back is
 * in them), then let the device die. */
static void powerloss(void *data)
{
    struct dev_part *pt = (struct dev_part *)data;

    if (pt->has_image)
        bd_free(&pt->image);
    pt->has_image = lfs_emubd_copy(&pt->cfg, &pt->image) == 0;
    pt->dev->dead = true;
    pt->dev->cut = true;
}

/* ------------------------------------------------------------ the parts */

static int part_create(struct lfs_device *d, struct dev_part *pt, lfs_size_t blocks)
{
    memset(pt, 0, sizeof *pt);
    pt->dev = d;
    pt->cfg.context = &pt->bd;
    pt->cfg.read = blk_read;
    pt->cfg.prog = blk_prog;
    pt->cfg.erase = blk_erase;
    pt->cfg.sync = blk_sync;
    pt->cfg.read_size = d->geometry->read_size;
    pt->cfg.prog_size = d->geometry->prog_size;
    pt->cfg.block_size = d->geometry->block_size;
    pt->cfg.block_count = blocks;
    pt->cfg.block_cycles = 100; /* wear levelling: metadata moves now and then */
    pt->cfg.cache_size = d->geometry->cache_size;
    pt->cfg.lookahead_size = d->geometry->lookahead_size;
    /* littlefs is built with LFS_NO_MALLOC: every buffer is given */
    pt->cfg.read_buffer = pt->read_buffer;
    pt->cfg.prog_buffer = pt->prog_buffer;
    pt->cfg.lookahead_buffer = pt->lookahead_buffer;
    pt->bdcfg.read_size = d->geometry->read_size;
    pt->bdcfg.prog_size = d->geometry->prog_size;
    pt->bdcfg.erase_size = d->geometry->block_size;
    pt->bdcfg.erase_count = blocks;
    pt->bdcfg.erase_value = 0xff; /* as NOR flash: littlefs must erase first */
    pt->bdcfg.powerloss_behavior = LFS_EMUBD_POWERLOSS_NOOP;
    pt->bdcfg.powerloss_cb = powerloss;
    pt->bdcfg.powerloss_data = pt;
    return lfs_emubd_create(&pt->cfg, &pt->bdcfg);
}

int dev_create(struct lfs_device *d, enum dev_layout layout, const struct dev_geometry *g)
{
    int err;

    memset(d, 0, sizeof *d);
    if (g->cache_size > DEV_CACHE_MAX || g->lookahead_size > DEV_LOOKAHEAD_MAX)
        return LFS_ERR_INVAL;
    d->layout = layout;
    d->geometry = g;
    d->n_parts = layout == DEV_TWO ? 2 : 1;
    err = part_create(d, &d->parts[0], g->usr_blocks);
    if (err == 0 && layout == DEV_TWO)
        err = part_create(d, &d->parts[1], g->bak_blocks);
    return err;
}

void dev_destroy(struct lfs_device *d)
{
    int i;

    dev_unmount(d);
    for (i = 0; i < d->n_parts; i++) {
        lfs_emubd_destroy(&d->parts[i].cfg);
        if (d->parts[i].has_image)
            bd_free(&d->parts[i].image);
        d->parts[i].has_image = false;
    }
}

/* lfs_gstate_hasmove (lfs.c): the move bits of the tag littlefs read at
 * mount. */
static bool has_pending_move(const lfs_t *lfs)
{
    return (lfs->gdisk.tag & 0x70000000u) != 0;
}

int dev_mount(struct lfs_device *d)
{
    int i, err;

    for (i = 0; i < d->n_parts; i++) {
        if (d->parts[i].mounted)
            continue;
        err = lfs_mount(&d->parts[i].lfs, &d->parts[i].cfg);
        if (err)
            return err;
        d->parts[i].mounted = true;
    }
    d->pending_move = has_pending_move(&d->parts[0].lfs);
    if (d->pending_move && d->view_before_fix)
        dev_dump(d, d->view_before_fix);
    return qpybak_littlefs_init(&d->port, &d->parts[0].lfs,
                                &d->parts[d->layout == DEV_TWO ? 1 : 0].lfs);
}

void dev_unmount(struct lfs_device *d)
{
    int i;

    for (i = 0; i < d->n_parts; i++) {
        if (d->parts[i].mounted)
            lfs_unmount(&d->parts[i].lfs);
        d->parts[i].mounted = false;
    }
}

/* A device path's part and path there, as the port maps it. */
static struct dev_part *map(struct lfs_device *d, const char *path, const char **lpath)
{
    bool bak = strncmp(path, "/bak", 4) == 0;

    if (d->layout == DEV_ONE) {
        *lpath = path;
        return &d->parts[0];
    }
    *lpath = path[4] == '\0' ? "/" : path + 4;
    return &d->parts[bak ? 1 : 0];
}

struct load {
    struct lfs_device *d;
    int err;
};

static void load_one(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                     size_t len)
{
    struct load *l = (struct load *)ctx;
    static uint8_t buffer[DEV_CACHE_MAX];
    struct lfs_file_config fcfg;
    const char *lpath;
    struct dev_part *pt;
    lfs_file_t f;
    int err;

    if (l->err)
        return;
    pt = map(l->d, path, &lpath);
    if (type == QPYBAK_TYPE_DIR) {
        if (strcmp(lpath, "/") != 0)
            l->err = lfs_mkdir(&pt->lfs, lpath);
        return;
    }
    memset(&fcfg, 0, sizeof fcfg);
    fcfg.buffer = buffer;
    err = lfs_file_opencfg(&pt->lfs, &f, lpath, LFS_O_WRONLY | LFS_O_CREAT | LFS_O_EXCL, &fcfg);
    if (err == 0) {
        lfs_ssize_t n = lfs_file_write(&pt->lfs, &f, data, (lfs_size_t)len);

        if (n != (lfs_ssize_t)len)
            err = n < 0 ? (int)n : LFS_ERR_NOSPC;
        if (lfs_file_close(&pt->lfs, &f) != 0 && err == 0)
            err = LFS_ERR_IO;
    }
    if (err)
        fprintf(stderr, "dev_load: %s: %d\n", path, err);
    l->err = err;
}

int dev_load(struct lfs_device *d, const struct ram_port *scene)
{
    struct load l;
    int i, err;

    dev_unmount(d);
    for (i = 0; i < d->n_parts; i++) {
        err = lfs_format(&d->parts[i].lfs, &d->parts[i].cfg);
        if (err)
            return err;
    }
    err = dev_mount(d);
    if (err)
        return err;
    l.d = d;
    l.err = 0;
    /* sorted by path: a folder comes before what it holds */
    ram_port_walk(scene, load_one, &l);
    return l.err;
}

/* ----------------------------------------------------------------- dump */

static int dump_dir(struct lfs_device *d, struct dev_part *pt, char *lpath, size_t lpath_len,
                    const char *prefix, struct ram_port *out, int depth)
{
    static uint8_t data[64 * 1024];
    static uint8_t fbuf[DEV_CACHE_MAX];
    struct lfs_info info;
    lfs_dir_t dir;
    char path[RAM_PORT_PATH_MAX];
    int r, err;

    if (depth > 16)
        return LFS_ERR_INVAL;
    err = lfs_dir_open(&pt->lfs, &dir, lpath_len ? lpath : "/");
    if (err)
        return err;
    while ((r = lfs_dir_read(&pt->lfs, &dir, &info)) > 0) {
        size_t n = strlen(info.name);

        if (strcmp(info.name, ".") == 0 || strcmp(info.name, "..") == 0)
            continue;
        if (lpath_len + 1 + n + 1 > RAM_PORT_PATH_MAX) {
            r = LFS_ERR_NAMETOOLONG;
            break;
        }
        lpath[lpath_len] = '/';
        memcpy(lpath + lpath_len + 1, info.name, n + 1);
        if (depth == 0 && d->layout == DEV_ONE && strcmp(info.name, "usr") != 0 &&
            strcmp(info.name, "bak") != 0) {
            fprintf(stderr, "dev_dump: %s at the root, outside /usr and /bak\n", lpath);
            r = LFS_ERR_INVAL;
            break;
        }
        snprintf(path, sizeof path, "%s%s", prefix, lpath);
        if (info.type == LFS_TYPE_DIR) {
            ram_port_mkdirs(out, path);
            r = dump_dir(d, pt, lpath, lpath_len + 1 + n, prefix, out, depth + 1);
            if (r)
                break;
        } else {
            struct lfs_file_config fcfg;
            lfs_file_t f;
            lfs_ssize_t got;

            memset(&fcfg, 0, sizeof fcfg);
            fcfg.buffer = fbuf;
            r = lfs_file_opencfg(&pt->lfs, &f, lpath, LFS_O_RDONLY, &fcfg);
            if (r)
                break;
            got = lfs_file_read(&pt->lfs, &f, data, sizeof data);
            lfs_file_close(&pt->lfs, &f);
            if (got < 0 || (lfs_size_t)got != info.size) {
                r = got < 0 ? (int)got : LFS_ERR_CORRUPT;
                break;
            }
            ram_port_put(out, path, data, (size_t)got);
        }
        lpath[lpath_len] = '\0';
    }
    lpath[lpath_len] = '\0';
    err = lfs_dir_close(&pt->lfs, &dir);
    return r < 0 ? r : err;
}

int dev_dump(struct lfs_device *d, struct ram_port *out)
{
    char lpath[RAM_PORT_PATH_MAX];
    int err;

    ram_port_destroy(out);
    ram_port_init(out);
    lpath[0] = '\0';
    err = dump_dir(d, &d->parts[0], lpath, 0, d->layout == DEV_TWO ? "/usr" : "", out, 0);
    if (err == 0 && d->layout == DEV_TWO)
        err = dump_dir(d, &d->parts[1], lpath, 0, "/bak", out, 0);
    return err;
}

/* ------------------------------------------------------- images, cuts */

int dev_file_block(struct lfs_device *d, const char *path, lfs_block_t *block)
{
    static uint8_t buffer[DEV_CACHE_MAX];
    struct lfs_file_config fcfg;
    const char *lpath;
    struct dev_part *pt = map(d, path, &lpath);
    lfs_file_t f;
    int err;

    memset(&fcfg, 0, sizeof fcfg);
    fcfg.buffer = buffer;
    err = lfs_file_opencfg(&pt->lfs, &f, lpath, LFS_O_RDONLY, &fcfg);
    if (err)
        return err;
    *block = f.ctz.head;
    if (f.flags & LFS_F_INLINE)
        err = LFS_ERR_INVAL; /* no block of its own */
    lfs_file_close(&pt->lfs, &f);
    return err;
}

int dev_save(struct lfs_device *d, struct dev_image *img)
{
    int i, err;

    img->n_parts = d->n_parts;
    for (i = 0; i < d->n_parts; i++) {
        err = lfs_emubd_copy(&d->parts[i].cfg, &img->bd[i]);
        if (err)
            return err;
    }
    return 0;
}

/* The part's blocks replaced by a copy of bd. */
static int part_set(struct dev_part *pt, const lfs_emubd_t *bd)
{
    struct lfs_config from = pt->cfg;

    from.context = (void *)(uintptr_t)bd;
    lfs_emubd_destroy(&pt->cfg);
    return lfs_emubd_copy(&from, &pt->bd);
}

int dev_restore(struct lfs_device *d, const struct dev_image *img)
{
    int i, err;

    dev_unmount(d);
    d->dead = false;
    d->cut = false;
    for (i = 0; i < d->n_parts; i++) {
        err = part_set(&d->parts[i], &img->bd[i]);
        if (err)
            return err;
        lfs_emubd_setpowercycles(&d->parts[i].cfg, 0);
    }
    return 0;
}

void dev_image_free(struct dev_image *img)
{
    int i;

    for (i = 0; i < img->n_parts; i++)
        bd_free(&img->bd[i]);
    img->n_parts = 0;
}

void dev_arm_cut(struct lfs_device *d, uint32_t k, lfs_emubd_powerloss_behavior_t behaviour)
{
    d->parts[0].bdcfg.powerloss_behavior = behaviour;
    d->cut = false;
    lfs_emubd_setpowercycles(&d->parts[0].cfg, k);
}

uint32_t dev_armed_left(struct lfs_device *d)
{
    return (uint32_t)lfs_emubd_powercycles(&d->parts[0].cfg);
}

uint64_t dev_bak_writes(struct lfs_device *d)
{
    const struct lfs_config *cfg = &d->parts[1].cfg;

    if (d->layout != DEV_TWO)
        return 0;
    return (uint64_t)lfs_emubd_proged(cfg) + (uint64_t)lfs_emubd_erased(cfg);
}

int dev_reboot(struct lfs_device *d)
{
    int i, err;

    /* RAM is gone: no unmount, no close - the lfs_t and the port's files
     * are simply forgotten. */
    for (i = 0; i < d->n_parts; i++) {
        struct dev_part *pt = &d->parts[i];

        memset(&pt->lfs, 0, sizeof pt->lfs);
        pt->mounted = false;
        if (pt->has_image) {
            err = part_set(pt, &pt->image);
            bd_free(&pt->image);
            pt->has_image = false;
            if (err)
                return err;
        }
        lfs_emubd_setpowercycles(&pt->cfg, 0);
        pt->bdcfg.powerloss_behavior = LFS_EMUBD_POWERLOSS_NOOP;
    }
    d->dead = false;
    d->cut = false;
    return dev_mount(d);
}
