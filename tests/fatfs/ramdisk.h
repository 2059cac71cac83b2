/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RAM disks behind FatFs's diskio.h in the tests: drive 0 holds /usr,
 * drive 1 /bak.  A power cut is modelled at sector granularity: "cut at
 * k" lets the first k - 1 sector writes (counted from ramdisk_arm) reach
 * the disk and drops the k-th and every later one; from the cut on, every
 * read and write fails, as on a device without power.
 */
#ifndef RAMDISK_H
#define RAMDISK_H

#include <stddef.h>
#include <stdint.h>

#define RAMDISK_SECTOR 512
#define RAMDISK_DRIVES 2
#define RAMDISK_SECTORS 1024 /* 512 KiB per drive: FAT12 */

/* Zeroes both disks and stops counting. */
void ramdisk_reset(void);

/* Counting from zero; cut_at 0: no cut. */
void ramdisk_arm(unsigned long cut_at);

/* Sector writes since ramdisk_arm (the dropped ones included). */
unsigned long ramdisk_writes(void);

/* True once the cut has happened. */
int ramdisk_cut(void);

/* Power back: reads and writes work again (the cut's losses stay). */
void ramdisk_power_on(void);

/* A whole disk, for saving and restoring a scene and for fsck. */
uint8_t *ramdisk_image(int drive);
size_t ramdisk_size(void);

#endif
