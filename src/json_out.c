/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/* Emitting JSON text (see json_out.h). */
#include "json_out.h"

void jout_raw(const struct jout *o, const char *s, size_t len)
{
    int n;

    if (*o->err || len == 0)
        return;
    n = o->write(o->ctx, s, len);
    if (n < 0)
        *o->err = n;
}

void jout_text(const struct jout *o, const char *s)
{
    size_t len = 0;

    while (s[len])
        len++;
    jout_raw(o, s, len);
}

void jout_string(const struct jout *o, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *p = (const uint8_t *)s;
    size_t start = 0, i = 0;

    jout_raw(o, "\"", 1);
    while (i < len) {
        char esc[7];
        size_t n = 0, skip = 1, seq = qpybak_utf8_len(p + i, len - i);

        if (p[i] == '"' || p[i] == '\\') {
            esc[0] = '\\';
            esc[1] = (char)p[i];
            n = 2;
        } else if (p[i] < 0x20 || p[i] == 0x7F) {
            esc[0] = '\\';
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[p[i] >> 4];
            esc[5] = hex[p[i] & 0xF];
            n = 6;
        } else if (seq == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0) {
            /* C1 controls (U+009B is a terminal's CSI): escaped too */
            esc[0] = '\\';
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[p[i + 1] >> 4];
            esc[5] = hex[p[i + 1] & 0xF];
            n = 6;
            skip = 2; /* the escape stands for both bytes */
        } else if (seq == 0) {
            esc[0] = '\\';
            esc[1] = 'u';
            esc[2] = 'f';
            esc[3] = 'f';
            esc[4] = 'f';
            esc[5] = 'd';
            n = 6;
        }
        if (n) {
            jout_raw(o, s + start, i - start);
            jout_raw(o, esc, n);
            i += skip;
            start = i;
        } else {
            i += seq;
        }
    }
    jout_raw(o, s + start, len - start);
    jout_raw(o, "\"", 1);
}

/* Decimal without 64-bit division, which a 32-bit target takes from a
 * runtime library (about 700 bytes on Cortex-M): subtract powers of ten. */
void jout_u64(const struct jout *o, uint64_t v)
{
    static const uint64_t tens[20] = {
        10000000000000000000u, 1000000000000000000u, 100000000000000000u,
        10000000000000000u, 1000000000000000u, 100000000000000u, 10000000000000u,
        1000000000000u, 100000000000u, 10000000000u, 1000000000u, 100000000u, 10000000u,
        1000000u, 100000u, 10000u, 1000u, 100u, 10u, 1u,
    };
    char digits[20];
    size_t n = 0, i;

    for (i = 0; i < 20; i++) {
        char d = '0';

        while (v >= tens[i]) {
            v -= tens[i];
            d++;
        }
        if (d != '0' || n > 0 || i == 19)
            digits[n++] = d;
    }
    jout_raw(o, digits, n);
}

void jout_crc(const struct jout *o, uint32_t crc)
{
    char text[QPYBAK_CRC_STR_SIZE + 2];

    text[0] = '"';
    qpybak_crc_format(crc, text + 1);
    text[11] = '"';
    jout_raw(o, text, 12);
}
