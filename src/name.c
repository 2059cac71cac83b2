/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifest name validation (docs/format.md, "Device paths and names").  A name that fails here is
 * reported and never opened, read or written, on any partition: this check
 * is what keeps a hostile manifest inside the two roots.
 */
#include "core.h"

size_t qpybak_utf8_len(const void *bytes, size_t n)
{
    const uint8_t *s = (const uint8_t *)bytes;
    uint32_t cp;
    size_t len, i;

    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        cp = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        cp = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0u) != 0x80u)
            return 0;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    return len;
}

/* ASCII case-insensitive: on FatFs "/usr/Checksum.json" is the manifest. */
static bool has_prefix(const uint8_t *s, size_t len, const char *prefix, size_t n)
{
    size_t i;

    if (len < n)
        return false;
    for (i = 0; i < n; i++) {
        uint8_t a = s[i], b = (uint8_t)prefix[i];

        if (a >= 'A' && a <= 'Z')
            a = (uint8_t)(a - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

/* s is dir or lies below it (ASCII case-insensitively). */
static bool at_or_below(const uint8_t *s, size_t len, const char *dir, size_t n)
{
    return has_prefix(s, len, dir, n) && (len == n || s[n] == '/');
}

/* qpybak's own files: tracking or installing them would let a manifest or
 * a journal overwrite the manifest itself, or be removed as a stale temp.
 * Every path here is spelled once, in qpybak_tools.h. */
static bool reserved(const uint8_t *s, size_t len, bool staging_ok)
{
    static const char tmp[] = QPYBAK_TEMP_SUFFIX;
    static const char primary[] = QPYBAK_PATH_PRIMARY;
    static const char own[] = QPYBAK_PATH_OWN_DIR;
    static const char stage[] = QPYBAK_STAGE_DEFAULT;

    if (len == sizeof primary - 1 && has_prefix(s, len, primary, sizeof primary - 1))
        return true;
    if (at_or_below(s, len, own, sizeof own - 1))
        return true;
    /* The default staging folder: what FOTA apply installs from there, it
     * removes; a tracked file there would be lost at the next update. */
    if (!staging_ok && at_or_below(s, len, stage, sizeof stage - 1))
        return true;
    return len >= sizeof tmp - 1 && has_prefix(s + len - (sizeof tmp - 1), sizeof tmp - 1, tmp, sizeof tmp - 1);
}

static enum qpybak_reason check(const char *name, size_t len, size_t name_max, bool staging_ok);

enum qpybak_reason qpybak_name_check(const char *name, size_t len, size_t name_max)
{
    return check(name, len, name_max, false);
}

enum qpybak_reason staging_name_check(const char *name, size_t len, size_t name_max)
{
    return check(name, len, name_max, true);
}

static enum qpybak_reason check(const char *name, size_t len, size_t name_max, bool staging_ok)
{
    const uint8_t *s = (const uint8_t *)name;
    size_t i, component = 0; /* start of the current component */

    if (name_max == 0)
        name_max = QPYBAK_NAME_MAX_DEFAULT;
    if (name == NULL)
        return QPYBAK_REASON_NO_NAME;
    if (len > name_max)
        return QPYBAK_REASON_NAME_TOO_LONG;
    if (len < 6 || s[0] != '/' || s[1] != 'u' || s[2] != 's' || s[3] != 'r' || s[4] != '/')
        return QPYBAK_REASON_BAD_NAME;

    component = 5;
    for (i = 5; i <= len; i++) {
        if (i == len || s[i] == '/') {
            size_t clen = i - component;

            if (clen == 0)
                return QPYBAK_REASON_BAD_NAME; /* "//" or a trailing '/' */
            if (s[component] == '.' && (clen == 1 || (clen == 2 && s[component + 1] == '.')))
                return QPYBAK_REASON_BAD_NAME;
            component = i + 1;
            continue;
        }
        if (s[i] < 0x20 || s[i] == 0x7F || s[i] == '\\')
            return QPYBAK_REASON_BAD_NAME;
        if (s[i] >= 0x80) {
            size_t n = qpybak_utf8_len(s + i, len - i);

            /* invalid UTF-8, or a C1 control character (U+0080-U+009F) */
            if (n == 0 || (s[i] == 0xC2 && s[i + 1] < 0xA0))
                return QPYBAK_REASON_BAD_NAME;
            i += n - 1;
        }
    }
    return reserved(s, len, staging_ok) ? QPYBAK_REASON_RESERVED : QPYBAK_REASON_NONE;
}
