/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CRC-32 backends of src/crc/ that qpybak_tools.h does not declare:
 * the braided one (built into the library with QPYBAK_CRC_TABLE=braid)
 * and the ISA-L adapter (host builds, QPYBAK_USE_ISAL).  The unit test and
 * the bench compile whichever the library lacks and call them from here.
 * Same contract as qpybak_crc32(): zlib's chaining, pre- and
 * post-inverted, crc = f(crc, chunk) over the chunks in order.
 */
#ifndef QPYBAK_CRC32_BACKENDS_H
#define QPYBAK_CRC32_BACKENDS_H

#include "qpybak_tools.h"

#ifdef __cplusplus
extern "C" {
#endif

uint32_t qpybak_crc32_braid(uint32_t crc, const void *buf, size_t len);
uint32_t qpybak_crc32_isal(uint32_t crc, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
