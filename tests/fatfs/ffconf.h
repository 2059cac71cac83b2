/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FatFs's configuration for qpybak's tests (a RAM disk per partition).
 * Every option is set, so that one file serves R0.15 and R0.16: the
 * revision check takes the revision of the ff.h it is built with.
 */
#define FFCONF_DEF FF_DEFINED

#define FF_FS_READONLY 0
#define FF_FS_MINIMIZE 0 /* the port uses f_stat, f_unlink, f_rename, f_mkdir, f_readdir */
#define FF_USE_FIND 0
#define FF_USE_MKFS 1 /* the tests format their RAM disks */
#define FF_USE_FASTSEEK 0
#define FF_USE_EXPAND 0
#define FF_USE_CHMOD 0
#define FF_USE_LABEL 0
#define FF_USE_FORWARD 0
#define FF_USE_STRFUNC 0
#define FF_PRINT_LLI 0
#define FF_PRINT_FLOAT 0
#define FF_STRF_ENCODE 0

#define FF_CODE_PAGE 437
#define FF_USE_LFN 1 /* long names (checksum.json, *.qpybak-tmp), static buffer */
#define FF_MAX_LFN 255
#define FF_LFN_UNICODE 2 /* UTF-8 paths: char, as the port needs */
#define FF_LFN_BUF 255
#define FF_SFN_BUF 12
#define FF_FS_RPATH 0
#define FF_PATH_DEPTH 10

#define FF_VOLUMES 2 /* 0: /usr, 1: /bak */
#define FF_STR_VOLUME_ID 0
#define FF_VOLUME_STRS "RAM", "NAND", "CF", "SD", "SD2", "USB", "USB2", "USB3"
#define FF_MULTI_PARTITION 0
#define FF_MIN_SS 512
#define FF_MAX_SS 512
#define FF_LBA64 0
#define FF_MIN_GPT 0x10000000
#define FF_USE_TRIM 0

#define FF_FS_TINY 0
#define FF_FS_EXFAT 0
#define FF_FS_NORTC 1 /* fixed timestamps: the same run writes the same sectors */
#define FF_NORTC_MON 1
#define FF_NORTC_MDAY 1
#define FF_NORTC_YEAR 2026
#define FF_FS_CRTIME 0
#define FF_FS_NOFSINFO 0
#define FF_FS_LOCK 8 /* five files, a listing, remove's probe; removing an open file is FR_LOCKED */
#define FF_FS_REENTRANT 0
#define FF_FS_TIMEOUT 1000
