/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: the enable flag reader, qpybak_flag_read.
 *
 * Input: 2 bytes of parameters, then the document.
 *   byte 0: bit 7: the source fails with -5 at the end; bit 6: random read
 *           sizes; bits 0-5: a largest read size (0: none)
 *   byte 1: PRNG seed
 *
 * Invariants:
 * - the result is one of enum qpybak_off, and "on"/"disabled" only for a
 *   document of at most QPYBAK_FLAG_MAX bytes read to its end;
 * - a failing source never gives "on" or "disabled";
 * - the result does not depend on how the source splits the input;
 * - against the reference (json_ref.c): for a document of at most
 *   QPYBAK_FLAG_MAX bytes, on/disabled exactly when it is a JSON object
 *   (after an optional UTF-8 byte order mark, with the forms ujson reads:
 *   a missing colon, a trailing comma) nested less than 66 deep with an
 *   "enable" member, decided by the last one as Python's `!= 0`;
 *   everything else is "malformed"; QPYBAK_WARN_FLAG_FORM exactly for those
 *   forms, enable twice, or an enable that is not a number or boolean;
 * - the warnings do not depend on how the source splits the input;
 * - QPYBAK_WARN_FLAG_QUECPYTHON only where the model of QuecPython's check
 *   (ref_ujson_flag, on the first 64 bytes) knows its decision and it
 *   differs from qpybak's; and always for a byte order mark before a flag
 *   that is on; never for a flag of at most 64 bytes, without NUL or byte
 *   order mark, that qpybak decides.
 */
#include "fuzz_util.h"
#include "json_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz_src whole, split;
    enum qpybak_off a, b, expect;
    unsigned wa = 0, wb = 0;
    struct jref_doc ref;
    const uint8_t *doc;
    size_t len;
    int end_error;
    uint32_t seed;

    if (size < 2)
        return 0;
    end_error = (data[0] & 0x80) ? QPYBAK_ERR_IO : 0;
    seed = (data[0] & 0x40) ? (uint32_t)data[1] + 1u : 0;
    doc = data + 2;
    len = size - 2;

    fz_src_init(&whole, doc, len, 0, 0, 0);
    a = qpybak_flag_read(fz_read, &whole, &wa);
    fz_src_init(&split, doc, len, seed, data[0] & 0x3F, end_error);
    b = qpybak_flag_read(fz_read, &split, &wb);
    FZ_CHECK((wa & ~(QPYBAK_WARN_FLAG_FORM | QPYBAK_WARN_FLAG_QUECPYTHON)) == 0, "warnings 0x%x",
             wa);
    if (!end_error)
        FZ_CHECK(wa == wb, "warnings 0x%x whole, 0x%x split", wa, wb);
    {
        /* QuecPython's own check, on what it reads: the first 64 bytes */
        size_t window = len < 64 ? len : 64, k;
        bool bom = len >= 3 && doc[0] == 0xEF && doc[1] == 0xBB && doc[2] == 0xBF, nul = false;
        int quec = bom ? 0 : ref_ujson_flag(doc, window);

        for (k = 0; k < window; k++)
            nul |= doc[k] == 0;
        if (wa & QPYBAK_WARN_FLAG_QUECPYTHON)
            FZ_CHECK(quec >= 0 && quec != (a == QPYBAK_OFF_NONE),
                     "QUECPYTHON warning, but the model of QuecPython says %d (qpybak %d)", quec,
                     (int)a);
        if (bom && a == QPYBAK_OFF_NONE)
            FZ_CHECK(wa & QPYBAK_WARN_FLAG_QUECPYTHON, "on after a byte order mark: no warning");
        if (!bom && !nul && len <= 64 && (a == QPYBAK_OFF_NONE || a == QPYBAK_OFF_DISABLED))
            FZ_CHECK(!(wa & QPYBAK_WARN_FLAG_QUECPYTHON), "the same 64 bytes, yet a warning");
        if (!bom && !nul && len <= 64 && quec >= 0 &&
            (a == QPYBAK_OFF_NONE || a == QPYBAK_OFF_DISABLED))
            FZ_CHECK(quec == (a == QPYBAK_OFF_NONE), "qpybak %d, the model of QuecPython %d",
                     (int)a, quec);
    }

    FZ_CHECK(a >= QPYBAK_OFF_NONE && a <= QPYBAK_OFF_UNREADABLE, "result %d", (int)a);
    FZ_CHECK(b >= QPYBAK_OFF_NONE && b <= QPYBAK_OFF_UNREADABLE, "result %d", (int)b);
    FZ_CHECK(a != QPYBAK_OFF_MISSING && a != QPYBAK_OFF_UNREADABLE, "a memory source: %d", (int)a);
    if (len > QPYBAK_FLAG_MAX) {
        /* Where a straddling read crosses the cap decides between the two. */
        FZ_CHECK(a == QPYBAK_OFF_TOO_LARGE || a == QPYBAK_OFF_MALFORMED,
                 "%zu bytes, result %d", len, (int)a);
        FZ_CHECK(b == QPYBAK_OFF_TOO_LARGE || b == QPYBAK_OFF_MALFORMED ||
                     (end_error && b == QPYBAK_OFF_UNREADABLE),
                 "%zu bytes, split result %d", len, (int)b);
        return 0;
    }
    FZ_CHECK(a != QPYBAK_OFF_TOO_LARGE && b != QPYBAK_OFF_TOO_LARGE, "%zu bytes called too large",
             len);
    if (end_error) {
        FZ_CHECK(b != QPYBAK_OFF_NONE && b != QPYBAK_OFF_DISABLED,
                 "a failing source gave a decision (%d)", (int)b);
        FZ_CHECK(b == QPYBAK_OFF_UNREADABLE || b == a, "failing source: %d, whole %d", (int)b,
                 (int)a);
    } else {
        FZ_CHECK(a == b, "result %d whole, %d split", (int)a, (int)b);
    }

    jref_parse(doc, len, true, 0, &ref);
    if (!ref.syntax_ok || ref.top != '{' || ref.max_depth > 65 || ref.enable_count < 1)
        expect = QPYBAK_OFF_MALFORMED;
    else
        expect = ref.enable_on ? QPYBAK_OFF_NONE : QPYBAK_OFF_DISABLED;
    FZ_CHECK(a == expect, "result %d, reference %d (syntax %d top %d depth %d enable x%d type %d)",
             (int)a, (int)expect, ref.syntax_ok, ref.top, ref.max_depth, ref.enable_count,
             ref.enable_type_ok);
    if (expect != QPYBAK_OFF_MALFORMED)
        FZ_CHECK(!!(wa & QPYBAK_WARN_FLAG_FORM) == ref.flag_form,
                 "warnings 0x%x, reference form %d", wa, ref.flag_form);
    else
        FZ_CHECK(!(wa & QPYBAK_WARN_FLAG_FORM), "malformed, with FLAG_FORM");
    jref_free(&ref);
    return 0;
}
