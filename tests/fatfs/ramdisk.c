/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FatFs's disk interface (diskio.h) over two RAM disks, with the sector
 * write counter and the power cut of ramdisk.h.
 */
#include "ramdisk.h"

#include <string.h>

#include "ff.h"
#include "diskio.h"

static uint8_t disk[RAMDISK_DRIVES][RAMDISK_SECTORS * RAMDISK_SECTOR];
static unsigned long writes, cut_at;
static int cut;

void ramdisk_reset(void)
{
    memset(disk, 0, sizeof disk);
    writes = cut_at = 0;
    cut = 0;
}

void ramdisk_arm(unsigned long at)
{
    writes = 0;
    cut_at = at;
    cut = 0;
}

unsigned long ramdisk_writes(void)
{
    return writes;
}

int ramdisk_cut(void)
{
    return cut;
}

void ramdisk_power_on(void)
{
    cut = 0;
    cut_at = 0;
}

uint8_t *ramdisk_image(int drive)
{
    return disk[drive];
}

size_t ramdisk_size(void)
{
    return sizeof disk[0];
}

DSTATUS disk_initialize(BYTE pdrv)
{
    return pdrv < RAMDISK_DRIVES ? 0 : STA_NOINIT;
}

DSTATUS disk_status(BYTE pdrv)
{
    return pdrv < RAMDISK_DRIVES ? 0 : STA_NOINIT;
}

static int in_range(BYTE pdrv, LBA_t sector, UINT count)
{
    return pdrv < RAMDISK_DRIVES && sector < RAMDISK_SECTORS && count <= RAMDISK_SECTORS - sector;
}

DRESULT disk_read(BYTE pdrv, BYTE *buff, LBA_t sector, UINT count)
{
    if (!in_range(pdrv, sector, count))
        return RES_PARERR;
    if (cut)
        return RES_ERROR;
    memcpy(buff, disk[pdrv] + (size_t)sector * RAMDISK_SECTOR, (size_t)count * RAMDISK_SECTOR);
    return RES_OK;
}

/* One sector at a time: a cut inside a multi-sector write keeps the
 * sectors before it. */
DRESULT disk_write(BYTE pdrv, const BYTE *buff, LBA_t sector, UINT count)
{
    UINT i;

    if (!in_range(pdrv, sector, count))
        return RES_PARERR;
    for (i = 0; i < count; i++) {
        if (cut)
            return RES_ERROR;
        writes++;
        if (cut_at != 0 && writes >= cut_at) {
            cut = 1;
            return RES_ERROR;
        }
        memcpy(disk[pdrv] + (size_t)(sector + i) * RAMDISK_SECTOR, buff + (size_t)i * RAMDISK_SECTOR,
               RAMDISK_SECTOR);
    }
    return RES_OK;
}

DRESULT disk_ioctl(BYTE pdrv, BYTE cmd, void *buff)
{
    if (pdrv >= RAMDISK_DRIVES)
        return RES_PARERR;
    if (cut && cmd == CTRL_SYNC)
        return RES_ERROR;
    switch (cmd) {
    case CTRL_SYNC:
        return RES_OK;
    case GET_SECTOR_COUNT:
        *(LBA_t *)buff = RAMDISK_SECTORS;
        return RES_OK;
    case GET_SECTOR_SIZE:
        *(WORD *)buff = RAMDISK_SECTOR;
        return RES_OK;
    case GET_BLOCK_SIZE:
        *(DWORD *)buff = 1;
        return RES_OK;
    default:
        return RES_PARERR;
    }
}
