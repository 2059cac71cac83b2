/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: manifest name validation, qpybak_name_check, against a
 * reference written from docs/format.md, "Device paths and names" (json_ref.c:
 * ref_name_check decodes the whole name as strict UTF-8 first, then checks
 * the shape; the core does it in one pass).
 *
 * Input: 2 bytes of name_max (little-endian, 0: the default), then the
 * name, passed in a heap block of exactly its length (not NUL-terminated),
 * so that ASan sees any read past it.
 *
 * Invariants: the same reason as the reference, for every input; and a
 * valid name never contains a byte that would let a port step out of its
 * root (NUL, backslash, "." or ".." component, an empty one).
 */
#include "fuzz_util.h"
#include "json_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum qpybak_reason got, want;
    size_t name_max, len;
    char *name;

    if (size < 2)
        return 0;
    name_max = (size_t)data[0] | (size_t)(data[1] & 0x0F) << 8;
    len = size - 2;
    name = (char *)malloc(len ? len : 1);
    FZ_CHECK(name != NULL, "out of memory");
    memcpy(name, data + 2, len);

    got = qpybak_name_check(name, len, name_max);
    want = ref_name_check((const uint8_t *)name, len, name_max);
    FZ_CHECK(got == want, "qpybak_name_check %d, reference %d (len %zu, name_max %zu)", (int)got,
             (int)want, len, name_max);
    if (got == QPYBAK_REASON_NONE) {
        size_t i;

        FZ_CHECK(len >= 6 && memcmp(name, "/usr/", 5) == 0, "valid without /usr/");
        FZ_CHECK(memchr(name, '\0', len) == NULL && memchr(name, '\\', len) == NULL,
                 "valid with NUL or backslash");
        for (i = 0; i + 1 < len; i++)
            FZ_CHECK(!(name[i] == '/' && name[i + 1] == '/'), "valid with //");
        FZ_CHECK(name[len - 1] != '/', "valid with a trailing /");
    }
    free(name);
    FZ_CHECK(qpybak_name_check(NULL, 0, name_max) == QPYBAK_REASON_NO_NAME, "NULL name");
    return 0;
}
