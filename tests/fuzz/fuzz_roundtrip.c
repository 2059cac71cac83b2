/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: writer -> reader round trip.  What qpybak_writer_* emits,
 * qpybak_reader_next gives back exactly.
 *
 * Input: 4 bytes of parameters, then entries until the input ends:
 *   byte 0: bits 0-2 reader chunk size; bit 3 random read sizes;
 *           bit 4 the output fails (NOSPC) at an offset from bytes 2-3
 *   byte 1: PRNG seed
 *   entry:  2 bytes name length (little-endian, & 0x0FFF), the name bytes,
 *           4 bytes crc, 1 byte (bit 0: has size), 4 bytes size
 *
 * Invariants:
 * - the output is byte for byte the form of docs/format.md, "What writers
 *   emit" (built here independently: "[\n", one entry per line, crc32 as
 *   0x + 8 lower-case hex digits, names escaped as docs/cli.md says: \"
 *   \\ \u00XX for C0, DEL and C1 controls, \ufffd for each byte that is
 *   not valid UTF-8);
 * - the reader gives back every entry in order: the same crc32 and size,
 *   the same name (after the \ufffd substitution) in its normal form
 *   (docs/format.md, "Names in a form QuecPython resolves": the writer
 *   writes any bytes it is given; qpybak only ever gives it names in
 *   their normal form), and the validity that the reference name check
 *   gives that normal form; then 0;
 * - with a failing output: every later writer call returns the error,
 *   the writer calls the output no more, and what was written is a prefix
 *   of the full form.
 */
#include <stdbool.h>

#include "fuzz_util.h"
#include "json_ref.h"

#define NAME_SIZE 4097 /* name_max 4096 */

struct ent {
    const uint8_t *name;
    size_t len;
    uint32_t crc, size;
    bool has_size;
};

static void put(struct fz_out *o, const void *p, size_t n)
{
    size_t fail = o->fail_at;

    o->fail_at = 0;
    fz_write(o, p, n);
    o->fail_at = fail;
}

static void put_s(struct fz_out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* Length of a strict UTF-8 sequence at s, 0 if invalid. */
static size_t seq_len(const uint8_t *s, size_t n)
{
    size_t k;

    for (k = 1; k <= 4 && k <= n; k++)
        if (ref_utf8_valid(s, k))
            return k;
    return 0;
}

/* The name as JSON text (expected writer output) and as the reader must
 * decode it. */
static void expect_name(struct fz_out *text, struct fz_out *decoded, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;

    put_s(text, "\"");
    while (i < n) {
        size_t k = seq_len(s + i, n - i);
        char esc[7];

        if (k == 0) {
            put_s(text, "\\ufffd");
            put(decoded, "\xEF\xBF\xBD", 3);
            i++;
            continue;
        }
        if (k == 1 && (s[i] == '"' || s[i] == '\\')) {
            esc[0] = '\\';
            esc[1] = (char)s[i];
            put(text, esc, 2);
        } else if (k == 1 && (s[i] < 0x20 || s[i] == 0x7F)) {
            snprintf(esc, sizeof esc, "\\u00%c%c", hex[s[i] >> 4], hex[s[i] & 15]);
            put(text, esc, 6);
        } else if (k == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0) {
            snprintf(esc, sizeof esc, "\\u00%c%c", hex[s[i + 1] >> 4], hex[s[i + 1] & 15]);
            put(text, esc, 6);
        } else {
            put(text, s + i, k);
        }
        put(decoded, s + i, k);
        i += k;
    }
    put_s(text, "\"");
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t chunks[] = {16, 17, 31, 64, 100, 256, 1000, 4096};
    static uint8_t chunk[4096];
    static char name[NAME_SIZE];
    struct fz_out out = {0}, want = {0}, *dec;
    struct ent *ents;
    struct qpybak_writer w;
    struct qpybak_reader r;
    struct qpybak_entry e;
    struct fz_src src;
    size_t n = 0, i, pos, chunk_size, fail_at = 0;
    int err = 0, ret;

    if (size < 4)
        return 0;
    chunk_size = chunks[data[0] & 7];
    ents = (struct ent *)calloc(size / 11 + 1, sizeof *ents);
    dec = (struct fz_out *)calloc(size / 11 + 1, sizeof *dec);
    FZ_CHECK(ents && dec, "out of memory");

    /* The entries, and the expected text. */
    for (pos = 4; pos + 2 <= size;) {
        size_t len = ((size_t)data[pos] | (size_t)data[pos + 1] << 8) & 0x0FFF;

        if (pos + 2 + len + 9 > size)
            break;
        ents[n].name = data + pos + 2;
        ents[n].len = len;
        ents[n].crc = le32(data + pos + 2 + len);
        ents[n].has_size = data[pos + 2 + len + 4] & 1;
        ents[n].size = le32(data + pos + 2 + len + 5);
        pos += 2 + len + 9;
        n++;
    }
    put_s(&want, "[\n");
    for (i = 0; i < n; i++) {
        char num[32];

        if (i)
            put_s(&want, ",\n");
        put_s(&want, "{\"name\": ");
        expect_name(&want, &dec[i], ents[i].name, ents[i].len);
        snprintf(num, sizeof num, ", \"crc32\": \"0x%08x\"", ents[i].crc);
        put_s(&want, num);
        if (ents[i].has_size) {
            snprintf(num, sizeof num, ", \"size\": %u", ents[i].size);
            put_s(&want, num);
        }
        put_s(&want, "}");
    }
    put_s(&want, n ? "\n]\n" : "]\n");

    /* Write. */
    if (data[0] & 0x10)
        fail_at = ((size_t)data[2] | (size_t)data[3] << 8) % (want.len + 1) + 1;
    out.fail_at = fail_at;
    err = qpybak_writer_begin(&w, fz_write, &out);
    for (i = 0; i < n; i++) {
        int e2 = qpybak_writer_entry(&w, (const char *)ents[i].name, ents[i].len, ents[i].crc,
                                     ents[i].has_size, ents[i].size);

        FZ_CHECK(!err || e2 == err, "error %d not kept (got %d)", err, e2);
        err = e2;
    }
    ret = qpybak_writer_end(&w);
    FZ_CHECK(!err || ret == err, "error %d not kept at the end (got %d)", err, ret);
    err = ret;
    FZ_CHECK(out.calls_after_error == 0, "the writer wrote again after an error");
    FZ_CHECK(out.len <= want.len && (out.len == 0 || memcmp(out.data, want.data, out.len) == 0),
             "the output differs from the expected form (at most %zu bytes written, %zu expected)",
             out.len, want.len);
    if (!fail_at || fail_at > want.len) {
        FZ_CHECK(err == 0, "writer error %d without a failure", err);
        FZ_CHECK(out.len == want.len, "output %zu bytes, expected %zu", out.len, want.len);
    } else {
        FZ_CHECK(err == QPYBAK_ERR_NOSPC, "failing output, writer says %d", err);
    }

    /* Read back (a failed write is not read: it would never be installed). */
    if (err == 0) {
        fz_src_init(&src, out.data, out.len, (data[0] & 0x08) ? data[1] + 1u : 0, 0, 0);
        qpybak_reader_init(&r, fz_read, &src, chunk, chunk_size, name, sizeof name);
        for (i = 0; (ret = qpybak_reader_next(&r, &e)) == 1; i++) {
            size_t dlen;
            enum qpybak_reason why;
            uint8_t *normal;

            FZ_CHECK(i < n, "more entries read (%zu) than written (%zu)", i + 1, n);
            FZ_CHECK(e.index == i, "index %u, expected %zu", e.index, i);
            FZ_CHECK(e.name != NULL, "entry %zu: no name read back", i);
            FZ_CHECK(e.crc == ents[i].crc, "entry %zu: crc 0x%08x, wrote 0x%08x", i, e.crc,
                     ents[i].crc);
            FZ_CHECK(e.has_size == ents[i].has_size && (!e.has_size || e.size == ents[i].size),
                     "entry %zu: size differs", i);
            normal = (uint8_t *)malloc(dec[i].len + 2);
            FZ_CHECK(normal != NULL, "out of memory");
            dlen = ref_name_normal(dec[i].data ? dec[i].data : (const uint8_t *)"", dec[i].len,
                                   normal);
            why = ref_name_check(normal, dlen, NAME_SIZE - 1);
            FZ_CHECK(e.invalid == why, "entry %zu: reason %d, expected %d", i, (int)e.invalid,
                     (int)why);
            if (dlen <= NAME_SIZE - 1)
                FZ_CHECK(e.name_len == dlen && (dlen == 0 || memcmp(e.name, normal, dlen) == 0),
                         "entry %zu: name read back differs (%zu bytes, wrote %zu)", i, e.name_len,
                         dlen);
            else
                FZ_CHECK(e.name_len == NAME_SIZE - 1, "entry %zu: truncated name of %zu bytes", i,
                         e.name_len);
            FZ_CHECK(!!(e.warnings & QPYBAK_WARN_NAME_FORM) ==
                         (why == QPYBAK_REASON_NONE &&
                          (dlen != dec[i].len || memcmp(normal, dec[i].data, dlen) != 0)),
                     "entry %zu: warnings 0x%x", i, e.warnings);
            free(normal);
        }
        FZ_CHECK(ret == 0, "reading the writer's output: %d", ret);
        FZ_CHECK(i == n, "%zu entries read, %zu written", i, n);
    }

    for (i = 0; i < n; i++)
        free(dec[i].data);
    free(dec);
    free(ents);
    free(out.data);
    free(want.data);
    return 0;
}
