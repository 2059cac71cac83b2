/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An emulated device for the littlefs port's tests: real littlefs on
 * littlefs's own emulated block device (bd/lfs_emubd), in one of the two
 * layouts the port supports, with littlefs's power-loss emulation.
 *
 * - DEV_TWO: two partitions, as QuecPython has them: one block device and
 *   one lfs_t for /usr, another for /bak.
 * - DEV_ONE: one block device and one littlefs with folders /usr and /bak.
 *
 * A power cut: dev_arm_cut(k) sets lfs_emubd's power_cycles on the block
 * device that holds /usr, so the k-th block program or erase from then on
 * loses the power.  lfs_emubd calls our powerloss callback at that instant
 * (after the k-th operation reached the block, and - with the out-of-order
 * behaviour - with the first block erased since the last device sync put
 * back as it was before that erase): the callback keeps a copy of the
 * device as it is then, the image a reboot finds, and marks the device
 * dead.  From then on every block operation fails with LFS_ERR_IO, so the
 * procedure runs on to its end against a dead device, as it would on a
 * board whose flash lost the power first.  dev_reboot() puts the image
 * back, forgets every RAM state (lfs_t, the port's files and lock) and
 * mounts again.
 *
 * Reads of the blocks in bad_blocks fail with LFS_ERR_CORRUPT, as a block
 * with an uncorrectable ECC error does.
 *
 * Trees move in and out as struct ram_port trees (tests/support/ram_port.h),
 * used here only as a container of paths and contents: dev_load writes one
 * onto a freshly formatted device with plain littlefs calls, dev_dump reads
 * the device back into one.
 */
#ifndef LFS_DEVICE_H
#define LFS_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "bd/lfs_emubd.h"
#include "lfs.h"
#include "qpybak_littlefs.h"
#include "ram_port.h"

/* A flash geometry and the littlefs configuration over it. */
struct dev_geometry {
    const char *name;
    lfs_size_t read_size, prog_size, block_size, cache_size, lookahead_size;
    lfs_size_t usr_blocks, bak_blocks; /* bak_blocks: DEV_TWO only */
};

/* The largest cache and lookahead of the geometries below. */
#define DEV_CACHE_MAX 128
#define DEV_LOOKAHEAD_MAX 32

/* DEV_SMALL: small blocks and caches (512-byte blocks, 16-byte reads and
 * programs, a 64-byte cache), so that a procedure takes many programs and
 * erases and littlefs compacts and splits its metadata.  DEV_4K:
 * MicroPython's VfsLfs2 defaults on 4 KiB flash sectors (32-byte reads and
 * programs, a 128-byte cache, a 32-byte lookahead). */
enum dev_geometry_id { DEV_SMALL, DEV_4K, DEV_GEOMETRIES };
extern const struct dev_geometry dev_geometries[DEV_GEOMETRIES];

enum dev_layout { DEV_TWO, DEV_ONE };

struct dev_part {
    struct lfs_config cfg; /* first: the block callbacks find the part from it */
    lfs_emubd_t bd;
    struct lfs_emubd_config bdcfg;
    lfs_emubd_t image; /* the device as the power cut left it */
    bool has_image;
    struct lfs_device *dev;
    lfs_t lfs;
    bool mounted;
    uint8_t read_buffer[DEV_CACHE_MAX];
    uint8_t prog_buffer[DEV_CACHE_MAX];
    uint8_t lookahead_buffer[DEV_LOOKAHEAD_MAX];
};

struct lfs_device {
    enum dev_layout layout;
    const struct dev_geometry *geometry;
    int n_parts;
    struct dev_part parts[2]; /* [0] holds /usr (and /bak in DEV_ONE), [1] /bak */
    struct qpybak_littlefs port; /* set up by dev_mount */
    bool dead;                   /* the power is off: block operations fail */
    bool cut;                    /* a power cut happened since dev_arm_cut */
    /* Set by dev_mount: littlefs found a rename half done (a pending move
     * in its global state), which it finishes at the first write or at
     * lfs_fs_mkconsistent (which qpybak_littlefs_init calls).  When
     * view_before_fix is set, the tree as littlefs shows it before that is
     * dumped there. */
    bool pending_move;
    struct ram_port *view_before_fix;
    /* Blocks of the /usr device whose reads fail with LFS_ERR_CORRUPT, as
     * a block with an uncorrectable ECC error does (littlefs passes -84
     * up). */
    lfs_block_t bad_blocks[4];
    int n_bad_blocks;
};

/* A saved device: the blocks of each part (copy-on-write, cheap). */
struct dev_image {
    int n_parts;
    lfs_emubd_t bd[2];
};

const char *dev_layout_name(enum dev_layout layout);

/* Creates the block devices (erased), unmounted.  0 or an lfs error. */
int dev_create(struct lfs_device *d, enum dev_layout layout, const struct dev_geometry *g);
void dev_destroy(struct lfs_device *d);

/* Formats, then writes the tree of scene (the "/usr" and "/bak" trees) and
 * leaves the device mounted with the port set up. */
int dev_load(struct lfs_device *d, const struct ram_port *scene);

/* Mounts every part and sets up the port (qpybak_littlefs_init; see
 * pending_move). */
int dev_mount(struct lfs_device *d);
void dev_unmount(struct lfs_device *d);

/* The device's tree into out (replacing its tree).  In DEV_ONE anything at
 * the root besides usr and bak is an error.  0 or a negative error. */
int dev_dump(struct lfs_device *d, struct ram_port *out);

/* Saves the blocks (unmount first: nothing may be cached) / puts them back
 * (the device is left unmounted). */
int dev_save(struct lfs_device *d, struct dev_image *img);
int dev_restore(struct lfs_device *d, const struct dev_image *img);
void dev_image_free(struct dev_image *img);

/* Block programs and erases: arm a power cut at the k-th from now (0: no
 * cut) with lfs_emubd's behaviour, and count them. */
void dev_arm_cut(struct lfs_device *d, uint32_t k, lfs_emubd_powerloss_behavior_t behaviour);
uint32_t dev_armed_left(struct lfs_device *d);

/* The first data block of a file (on the device of its root) that is not
 * inline in its directory's metadata.  0 or an lfs error. */
int dev_file_block(struct lfs_device *d, const char *path, lfs_block_t *block);

/* Programs and erases of the block device of /bak (DEV_TWO) so far. */
uint64_t dev_bak_writes(struct lfs_device *d);

/* After a power cut (or none): back to the image the cut left, every RAM
 * state forgotten, mounted again.  0 or the mount's error. */
int dev_reboot(struct lfs_device *d);

#endif
