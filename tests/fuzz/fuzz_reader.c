/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: the checksum.json reader, through the streaming API boot
 * uses (qpybak_reader_init / qpybak_reader_next).
 *
 * Input: 4 bytes of parameters, then the document.
 *   byte 0: chunk size (one of 16, 17, 31, 64, 100, 4096)
 *   byte 1: name buffer size (2, 3, 8, 12, 64, 256, 4097)
 *   byte 2: the source: random read sizes (seeded by bytes 2-3), or whole
 *           reads; and whether the source fails with -5 at the end
 *   byte 3: PRNG seed
 *
 * Invariants:
 * - the reader never reads past its buffers (ASan) and its cursor stays
 *   within the chunk (pos <= len <= chunk_size);
 * - every entry: index counts from 0; a name is NUL-terminated at name_len
 *   inside the name buffer; a valid entry has a name that passes
 *   qpybak_name_check with no NUL inside;
 * - the result ends with 0 or a negative error and then stays there;
 *   at most one entry per input byte (it terminates);
 * - the entries and the result do not depend on how the source splits the
 *   input (compared with a whole-buffer reading);
 * - a failing source never yields 0 (a "well-formed end");
 * - against the reference parser (json_ref.c, written from docs/format.md
 *   and RFC 8259): a document that is valid JSON (or has a trailing comma
 *   where a manifest may), an array, and nested less than 66 deep ends with
 *   0 and has exactly the reference's entries, valid ones with the same
 *   name (in its normal form), crc32, size and warnings, and the document's
 *   warning exactly when it had a trailing comma; an invalid or too-deep
 *   document ends with QPYBAK_ERR_CORRUPT.
 */
#include <stdbool.h>

#include "fuzz_util.h"
#include "json_ref.h"

#define MAX_ENTRIES_RECORDED 4096

struct rec {
    int result;
    unsigned warnings; /* the reader's, at the end */
    size_t n;
    struct {
        bool has_name;
        size_t name_len;
        uint32_t crc, size;
        bool has_size;
        enum qpybak_reason invalid;
        uint32_t name_hash;
        unsigned warnings;
    } e[MAX_ENTRIES_RECORDED];
};

static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static struct rec rec_a, rec_b;

/* Reads the whole document, checking the per-call invariants; records
 * what it got in *out. */
static void read_all(const uint8_t *doc, size_t len, size_t chunk_size, size_t name_size,
                     uint32_t seed, int end_error, struct rec *out, const struct jref_doc *ref)
{
    static uint8_t chunk[4096 + 64];
    static char name[4097 + 64];
    struct qpybak_reader r;
    struct qpybak_entry e;
    struct fz_src src;
    uint32_t expect_index = 0;
    int ret;

    fz_src_init(&src, doc, len, seed, 0, end_error);
    memset(name, 0x5A, sizeof name);
    qpybak_reader_init(&r, fz_read, &src, chunk, chunk_size, name, name_size);
    out->n = 0;
    for (;;) {
        memset(&e, 0xA5, sizeof e);
        ret = qpybak_reader_next(&r, &e);
        FZ_CHECK(r.pos <= r.len && r.len <= chunk_size, "cursor out of the chunk: pos %zu len %zu",
                 r.pos, r.len);
        if (ret != 1)
            break;
        FZ_CHECK(e.index == expect_index, "index %u, expected %u", e.index, expect_index);
        expect_index++;
        FZ_CHECK(expect_index <= len, "more entries (%u) than input bytes (%zu)", expect_index, len);
        FZ_CHECK(e.invalid >= QPYBAK_REASON_NONE && e.invalid < QPYBAK_REASON_COUNT,
                 "reason %d", (int)e.invalid);
        if (e.name != NULL) {
            FZ_CHECK(e.name == name, "name not in the name buffer");
            FZ_CHECK(e.name_len < name_size, "name_len %zu, buffer %zu", e.name_len, name_size);
            FZ_CHECK(e.name[e.name_len] == '\0', "name not NUL-terminated at name_len %zu",
                     e.name_len);
        }
        if (e.invalid == QPYBAK_REASON_NONE) {
            FZ_CHECK(e.name != NULL, "a valid entry without a name");
            FZ_CHECK(strlen(e.name) == e.name_len, "valid name with a NUL inside");
            FZ_CHECK(qpybak_name_check(e.name, e.name_len, name_size - 1) == QPYBAK_REASON_NONE,
                     "valid entry whose name fails qpybak_name_check: %s", e.name);
            FZ_CHECK(ref_name_check((const uint8_t *)e.name, e.name_len, name_size - 1) ==
                         QPYBAK_REASON_NONE,
                     "valid entry whose name fails the reference name check: %s", e.name);
        }
        if (e.invalid == QPYBAK_REASON_NONE && ref && ref->syntax_ok && ref->top == '[' &&
            e.index < ref->n_entries) {
            const struct jref_entry *x = &ref->entries[e.index];

            FZ_CHECK(x->valid, "entry %u valid here, invalid for the reference", e.index);
            FZ_CHECK(x->name_len == e.name_len && memcmp(x->name, e.name, e.name_len) == 0,
                     "entry %u: name differs from the reference", e.index);
            FZ_CHECK(x->crc == e.crc, "entry %u: crc 0x%08x, reference 0x%08x", e.index, e.crc,
                     x->crc);
            FZ_CHECK(x->has_size == e.has_size && (!x->has_size || x->size == e.size),
                     "entry %u: size differs from the reference", e.index);
            FZ_CHECK(e.warnings == ((x->name_form ? QPYBAK_WARN_NAME_FORM : 0u) |
                                    (x->crc_spaces ? QPYBAK_WARN_CRC_SPACES : 0u)),
                     "entry %u: warnings 0x%x, reference name form %d crc spaces %d", e.index,
                     e.warnings, x->name_form, x->crc_spaces);
        }
        if (ref && ref->syntax_ok && ref->top == '[' && ref->max_depth <= 65 && !end_error &&
            e.index < ref->n_entries && ref->entries[e.index].valid)
            FZ_CHECK(e.invalid == QPYBAK_REASON_NONE,
                     "entry %u valid for the reference, invalid here (reason %d)", e.index,
                     (int)e.invalid);
        if (out->n < MAX_ENTRIES_RECORDED) {
            memset(&out->e[out->n], 0, sizeof out->e[out->n]); /* padding too: compared whole */
            out->e[out->n].has_name = e.name != NULL;
            out->e[out->n].name_len = e.name ? e.name_len : 0;
            out->e[out->n].name_hash = e.name ? hash(e.name, e.name_len) : 0;
            out->e[out->n].crc = e.invalid == QPYBAK_REASON_NONE ? e.crc : 0;
            out->e[out->n].size = e.has_size ? e.size : 0;
            out->e[out->n].has_size = e.has_size;
            out->e[out->n].invalid = e.invalid;
            out->e[out->n].warnings = e.warnings;
        }
        out->n++;
    }
    FZ_CHECK(ret <= 0, "reader returned %d", ret);
    out->result = ret;
    out->warnings = r.warnings;
    /* The end is sticky. */
    FZ_CHECK(qpybak_reader_next(&r, &e) == ret, "a second call after the end differs");
    if (end_error)
        FZ_CHECK(ret != 0, "a failing source gave a well-formed end");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t chunks[] = {16, 17, 31, 64, 100, 4096};
    static const size_t names[] = {2, 3, 8, 12, 64, 256, 4097};
    const uint8_t *doc;
    size_t len, chunk_size, name_size, i;
    uint32_t seed;
    int end_error;
    struct jref_doc ref;

    if (size < 4)
        return 0;
    chunk_size = chunks[data[0] % (sizeof chunks / sizeof chunks[0])];
    name_size = names[data[1] % (sizeof names / sizeof names[0])];
    end_error = (data[2] & 0x80) ? QPYBAK_ERR_IO : 0;
    seed = (data[2] & 0x40) ? ((uint32_t)data[2] << 8 | data[3]) + 1u : 0;
    doc = data + 4;
    len = size - 4;

    jref_parse(doc, len, true, name_size - 1, &ref);

    /* The same document, read whole, is the baseline. */
    read_all(doc, len, 4096, name_size, 0, 0, &rec_a, &ref);
    read_all(doc, len, chunk_size, name_size, seed, end_error, &rec_b, &ref);

    /* Split-independence: the same entries, the same end (unless the
     * source failed, which may cut the entries short). */
    if (!end_error) {
        FZ_CHECK(rec_a.result == rec_b.result, "result %d whole, %d in chunks of %zu",
                 rec_a.result, rec_b.result, chunk_size);
        FZ_CHECK(rec_a.n == rec_b.n, "%zu entries whole, %zu in chunks", rec_a.n, rec_b.n);
        FZ_CHECK(rec_a.warnings == rec_b.warnings, "warnings 0x%x whole, 0x%x in chunks",
                 rec_a.warnings, rec_b.warnings);
    } else {
        FZ_CHECK(rec_b.n <= rec_a.n, "a failing source gave more entries");
        FZ_CHECK(rec_b.result == QPYBAK_ERR_IO || rec_b.result == QPYBAK_ERR_CORRUPT,
                 "failing source: result %d", rec_b.result);
    }
    for (i = 0; i < rec_b.n && i < MAX_ENTRIES_RECORDED; i++)
        FZ_CHECK(memcmp(&rec_a.e[i], &rec_b.e[i], sizeof rec_a.e[i]) == 0,
                 "entry %zu differs between whole and chunked reads", i);

    /* Against the reference. */
    if (ref.syntax_ok && ref.top == '[' && ref.max_depth <= 65) {
        FZ_CHECK(rec_a.result == 0, "valid manifest (depth %d) read as error %d", ref.max_depth,
                 rec_a.result);
        FZ_CHECK(rec_a.n == ref.n_entries, "%zu entries, reference %zu", rec_a.n, ref.n_entries);
        FZ_CHECK(rec_a.warnings == (ref.trailing_comma ? QPYBAK_WARN_TRAILING_COMMA : 0u),
                 "document warnings 0x%x, reference trailing comma %d", rec_a.warnings,
                 ref.trailing_comma);
    }
    if (!ref.syntax_ok || ref.top != '[' || ref.max_depth >= 67)
        FZ_CHECK(rec_a.result == QPYBAK_ERR_CORRUPT,
                 "not a manifest (syntax %d, top %d, depth %d) but the reader says %d",
                 ref.syntax_ok, ref.top, ref.max_depth, rec_a.result);
    jref_free(&ref);
    return 0;
}
