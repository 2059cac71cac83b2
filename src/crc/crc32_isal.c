/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host CRC backend: ISA-L's crc32_gzip_refl (SIMD, folding with PCLMULQDQ).
 * It is the gzip/zlib CRC-32 with the same pre- and post-inversion inside,
 * so it chains exactly like qpybak_crc32.  It needs a host library
 * (libisal-dev): only host builds with QPYBAK_USE_ISAL compile it; the
 * core for a device never does.
 */
#include <isa-l/crc.h>

#include "crc32_backends.h"

uint32_t qpybak_crc32_isal(uint32_t crc, const void *buf, size_t len)
{
    return crc32_gzip_refl(crc, (const unsigned char *)buf, (uint64_t)len);
}
