/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/* Prototype CRC-32 variants for the analysis (proto_crc.c); not the core. */
#ifndef PROTO_CRC_H
#define PROTO_CRC_H
#include <stddef.h>
#include <stdint.h>
void proto_crc_init(void);
uint32_t proto_crc32_slice16(uint32_t crc, const void *buf, size_t len);
#endif
