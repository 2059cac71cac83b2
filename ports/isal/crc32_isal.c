/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host CRC backend: ISA-L's crc32_gzip_refl (SIMD, folding with PCLMULQDQ).
 * It is the gzip/zlib CRC-32 with the same pre- and post-inversion inside,
 * so it chains exactly like qpybak_crc32.  Lives outside src/ because it
 * needs a host library; src/ stays cross-buildable.
 */
#include <isa-l/crc.h>

#include "qpybak_tools.h"

uint32_t qpybak_crc32_isal(uint32_t crc, const void *buf, size_t len);

uint32_t qpybak_crc32_isal(uint32_t crc, const void *buf, size_t len)
{
    return crc32_gzip_refl(crc, (const unsigned char *)buf, (uint64_t)len);
}
