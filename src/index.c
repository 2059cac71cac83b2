/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The spare work buffer: what is left of the caller's buffer beyond the
 * fixed pieces (workspace.c).  It holds, in turn:
 *
 * - during boot, status, calc and the FOTA apply: the duplicate-name filter
 *   (front, sized to the user manifest) and the manifest index (the rest):
 *   an open-addressing hash table per indexed manifest - the backup
 *   manifest, the FOTA journal - so that a look-up costs no file read;
 * - while the FOTA apply lists the staging folder: a batch of the next
 *   smallest names of the folder being walked.
 *
 * Everything here is an accelerator: with no spare buffer, or one too
 * small, look-ups scan the manifest (mfile_lookup) and the walk takes one
 * name per listing, with the same results (docs/design.md, "Cost").
 */
#include "core.h"
#include "util.h"

#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)

/* -------------------------------------------------------------- index */

/*
 * A table slot is four words: the 64-bit key of a name (0: an empty slot),
 * the entry's crc32 and size; a bit array after the slots says which
 * entries have a size.  The first valid entry of a name is the one kept,
 * as the manifest scan finds it.
 */
#define SLOT_WORDS 4u
#define INDEX_TABLES 3 /* the backup manifest, the FOTA journal, the user
                          manifest (the factory floor's look-ups, floor.c) */

/* Tests define INDEX_TEST_CLUSTER to start every probe in a few slots
 * (long probe chains and wrap-arounds: the answers must not change). */
#ifndef INDEX_TEST_CLUSTER
#define INDEX_TEST_CLUSTER 0
#endif

/* FNV-1a over the name in 64 bits, then the MurmurHash3 finaliser (a
 * bijection) to spread it: the two halves are the key. */
void name_key(const char *name, size_t len, uint32_t *lo, uint32_t *hi)
{
    uint64_t h = 0xCBF29CE484222325u;
    size_t i;

    for (i = 0; i < len; i++)
        h = (h ^ (uint8_t)name[i]) * 0x100000001B3u;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDu;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53u;
    h ^= h >> 33;
    *lo = (uint32_t)h;
    *hi = (uint32_t)(h >> 32);
    if (*lo == 0 && *hi == 0)
        *lo = 1; /* 0 marks an empty slot */
}

static size_t table_bytes(uint32_t cap)
{
    return ALIGN8((size_t)cap * SLOT_WORDS * 4u + (cap + 7u) / 8u);
}

/* Slots for n entries: at most half full when there is room, at most 4/5
 * full at the least (a probe then visits a few slots on average). */
static uint32_t cap_good(uint32_t n)
{
    return n > 0x7FFFFFFEu / 2 ? 0xFFFFFFFFu : 2 * n + 1;
}

static uint32_t cap_least(uint32_t n)
{
    return n > 0xCCCCCCC0u ? 0xFFFFFFFFu : n + n / 4 + 1;
}

static bool same_path(const char *a, const char *b)
{
    size_t i;

    if (a == b)
        return true;
    for (i = 0; a[i] == b[i]; i++)
        if (a[i] == '\0')
            return true;
    return false;
}

/*
 * The index's state lives in the last bytes of the spare buffer (the
 * core's own structure does not grow: qpybak_buffer_min() is unchanged);
 * the spare buffer starts at c->bloom, where run_init put it, and the
 * filter is its first c->bloom_bits bits.  With no room for the state
 * there is no index, and the filter is the whole spare buffer, as before
 * there was an index.
 */
struct index_table {
    const char *path;  /* the manifest indexed, NULL: a free table */
    uint32_t *slots;   /* cap slots of 4 words: 64-bit key, crc32, size */
    uint8_t *has_size; /* cap bits */
    uint32_t cap;      /* 0: not usable, look-ups scan */
};

struct spare_head {
    size_t bloom;      /* bytes of the filter */
    size_t used;       /* bytes after the filter taken by tables */
    bool planned;      /* spare_split has run */
    struct index_table *building; /* the table being filled, or NULL */
    uint32_t filled;   /* names in it so far */
    bool backup_counted, journal_counted, primary_counted, shadow_counted;
    uint32_t backup_entries, journal_entries; /* counts from validation */
    uint32_t primary_entries, shadow_entries;
    struct index_table table[INDEX_TABLES];
};

#define HEAD_BYTES ALIGN8(sizeof(struct spare_head))

/* The head; *spare and *size: the spare buffer before it (all of it, and
 * NULL returned, when there is no room for a head). */
static struct spare_head *head_of(const struct run *c, uint8_t **spare, size_t *size)
{
    uint8_t *end = (uint8_t *)c->cfg->buffer + c->cfg->buffer_size;
    size_t all = c->bloom && c->bloom < end ? (size_t)(end - c->bloom) & ~(size_t)7u : 0;

    *spare = all ? c->bloom : NULL;
    if (all < HEAD_BYTES + 64) {
        *size = all;
        return NULL;
    }
    *size = all - HEAD_BYTES;
    return (struct spare_head *)(void *)(c->bloom + *size);
}

void index_init(struct run *c)
{
    uint8_t *spare;
    size_t size;
    struct spare_head *h = head_of(c, &spare, &size);

    if (h)
        mem_zero(h, sizeof *h);
}

/* The entry counts validation found (manifest_check), for the manifests
 * the core looks names up in. */
void index_note(struct run *c, const char *path, uint32_t entries)
{
    uint8_t *base;
    size_t size;
    struct spare_head *h = head_of(c, &base, &size);

    if (h == NULL)
        return;
    if (same_path(path, PATH_BACKUP_MANIFEST)) {
        h->backup_entries = entries;
        h->backup_counted = true;
    } else if (same_path(path, PATH_JOURNAL)) {
        h->journal_entries = entries;
        h->journal_counted = true;
    } else if (same_path(path, PATH_PRIMARY)) {
        h->primary_entries = entries;
        h->primary_counted = true;
    } else if (same_path(path, PATH_SHADOW)) {
        h->shadow_entries = entries;
        h->shadow_counted = true;
    }
}

static bool counted(const struct spare_head *h, const char *path, uint32_t *n)
{
    if (h->backup_counted && same_path(path, PATH_BACKUP_MANIFEST)) {
        *n = h->backup_entries;
        return true;
    }
    if (h->journal_counted && same_path(path, PATH_JOURNAL)) {
        *n = h->journal_entries;
        return true;
    }
    if (h->primary_counted && same_path(path, PATH_PRIMARY)) {
        *n = h->primary_entries;
        return true;
    }
    if (h->shadow_counted && same_path(path, PATH_SHADOW)) {
        *n = h->shadow_entries;
        return true;
    }
    return false;
}

static void forget(struct spare_head *h)
{
    unsigned i;

    for (i = 0; i < INDEX_TABLES; i++) {
        h->table[i].path = NULL;
        h->table[i].cap = 0;
    }
    h->used = 0;
    h->building = NULL;
}

void index_forget(struct run *c)
{
    uint8_t *base;
    size_t size;
    struct spare_head *h = head_of(c, &base, &size);

    if (h)
        forget(h);
}

/*
 * Shares the spare buffer between the duplicate filter (front) and the
 * index (the rest), from the entry counts validation found: the filter
 * wants 32 bits per user-manifest entry (a false "maybe" about once in
 * 170,000 names) and makes do with 8; each indexed manifest wants its
 * table half full and makes do with 4/5.  The index comes before a filter
 * larger than 8 bits per entry.  When even the smallest tables do not
 * fit, the filter takes what it can use and the look-ups scan.  Only the
 * filter is cleared (dedupe_reset), never the whole spare buffer.
 */
void spare_split(struct run *c)
{
    size_t n = c->source_entries ? c->source_entries : 1;
    size_t want = ALIGN8(4 * n), least = ALIGN8(n), good = 0, need = 0, bloom, spare;
    uint8_t *base;
    struct spare_head *h = head_of(c, &base, &spare);

    if (h == NULL) {
        c->bloom_bits = spare * 8u; /* no room for an index: all filter */
        return;
    }
    if (h->backup_counted) {
        good += table_bytes(cap_good(h->backup_entries));
        need += table_bytes(cap_least(h->backup_entries));
    }
    if (h->journal_counted) {
        good += table_bytes(cap_good(h->journal_entries));
        need += table_bytes(cap_least(h->journal_entries));
    }
    if (want <= spare && good <= spare - want)
        bloom = want;
    else if (least <= spare && need <= spare - least)
        bloom = good < spare && spare - good > least ? spare - good : least;
    else
        bloom = want < spare ? want : spare;
    bloom &= ~(size_t)7u;

    c->bloom_bits = bloom * 8u;
    if (h->planned && bloom == h->bloom)
        return;
    h->planned = true;
    h->bloom = bloom;
    forget(h); /* the tables' area moved */
}

/* The smallest-table bytes of a counted manifest not yet indexed, kept
 * free for it while another table is built. */
static size_t reserve_for_others(const struct spare_head *h, const char *path)
{
    size_t r = 0;
    unsigned i;
    bool backup = h->backup_counted && !same_path(path, PATH_BACKUP_MANIFEST),
         journal = h->journal_counted && !same_path(path, PATH_JOURNAL);

    for (i = 0; i < INDEX_TABLES; i++) {
        if (h->table[i].path == NULL)
            continue;
        if (same_path(h->table[i].path, PATH_BACKUP_MANIFEST))
            backup = false;
        if (same_path(h->table[i].path, PATH_JOURNAL))
            journal = false;
    }
    if (backup)
        r += table_bytes(cap_least(h->backup_entries));
    if (journal)
        r += table_bytes(cap_least(h->journal_entries));
    return r;
}

/* Inserts a name's key and value unless the name is there already. */
static bool table_put(struct spare_head *h, struct index_table *t, uint32_t lo, uint32_t hi,
                      const struct qpybak_entry *e)
{
    uint32_t i = INDEX_TEST_CLUSTER ? hi % 3u % t->cap
                                    : (uint32_t)(((uint64_t)hi * t->cap) >> 32);

    for (;;) {
        uint32_t *s = t->slots + (size_t)i * SLOT_WORDS;

        if (s[0] == 0 && s[1] == 0) {
            if (h->filled + 1 >= t->cap)
                return false; /* more names than validation counted: changed */
            s[0] = lo;
            s[1] = hi;
            s[2] = e->crc;
            s[3] = e->size;
            if (e->has_size)
                t->has_size[i / 8] = (uint8_t)(t->has_size[i / 8] | (1u << (i % 8)));
            h->filled++;
            return true;
        }
        if (s[0] == lo && s[1] == hi)
            return true; /* a later entry of the same name: the first one counts */
        if (++i == t->cap)
            i = 0;
    }
}

/* Claims room for the table of the manifest at path (counted by its
 * validation).  False when it does not fit: look-ups then scan. */
static bool table_claim(struct spare_head *h, uint8_t *base, size_t size, struct index_table *t,
                        const char *path)
{
    uint8_t *area = base + h->bloom + h->used;
    size_t room = size - h->bloom - h->used, reserve, fit;
    uint32_t n, cap;

    if (!counted(h, path, &n))
        return false;
    reserve = reserve_for_others(h, path);
    if (reserve > room)
        return false;
    room -= reserve;
    /* the largest table up to cap_good that fits: 16 bytes and a bit per
     * slot, and up to 8 bytes of rounding */
    fit = room > 8 ? (room - 8) * 8u / (SLOT_WORDS * 4u * 8u + 1u) : 0;
    cap = cap_good(n);
    if (fit < cap)
        cap = (uint32_t)fit;
    if (cap_least(n) == 0xFFFFFFFFu || cap < cap_least(n))
        return false;
    t->slots = (uint32_t *)(void *)area;
    t->has_size = area + (size_t)cap * SLOT_WORDS * 4u;
    t->cap = cap;
    mem_zero(area, table_bytes(cap));
    h->used += table_bytes(cap);
    return true;
}

/*
 * Looks name up in the manifest at path through its index: 1 and *found
 * (crc32, size, has_size; name is the name asked for, index 0), 0 when
 * absent, INDEX_NONE when there is no index for it (the caller scans), or
 * INDEX_BUILD at the first look-up: the caller passes every entry of the
 * manifest to index_add, then calls index_done and asks again.  (The pass
 * is the caller's so that no stack frame is added above the reader's.)
 */
int index_find(struct run *c, const char *path, const char *name, size_t len,
               struct qpybak_entry *found)
{
    struct index_table *t = NULL;
    uint32_t lo, hi, i;
    uint8_t *base;
    size_t size;
    unsigned k;
    struct spare_head *h = head_of(c, &base, &size);

    if (h == NULL)
        return INDEX_NONE;
    if (!h->planned)
        spare_split(c);
    for (k = 0; k < INDEX_TABLES && t == NULL; k++)
        if (h->table[k].path && same_path(h->table[k].path, path))
            t = &h->table[k];
    if (t == NULL) {
        for (k = 0; k < INDEX_TABLES && t == NULL; k++)
            if (h->table[k].path == NULL)
                t = &h->table[k];
        if (t == NULL)
            return INDEX_NONE;
        t->path = path; /* claimed, usable or not: no second try this run */
        t->cap = 0;
        if (!table_claim(h, base, size, t, path))
            return INDEX_NONE;
        h->building = t;
        h->filled = 0;
        return INDEX_BUILD;
    }
    if (t->cap == 0 || h->building == t)
        return INDEX_NONE;

    name_key(name, len, &lo, &hi);
    i = INDEX_TEST_CLUSTER ? hi % 3u % t->cap : (uint32_t)(((uint64_t)hi * t->cap) >> 32);
    for (;;) {
        const uint32_t *s = t->slots + (size_t)i * SLOT_WORDS;

        if (s[0] == 0 && s[1] == 0)
            return 0;
        if (s[0] == lo && s[1] == hi) {
            mem_zero(found, sizeof *found);
            found->name = name;
            found->name_len = len;
            found->crc = s[2];
            found->size = s[3];
            found->has_size = (t->has_size[i / 8] >> (i % 8)) & 1u;
            found->invalid = QPYBAK_REASON_NONE;
            return 1;
        }
        if (++i == t->cap)
            i = 0;
    }
}

/* One entry of the manifest being indexed, in file order.  False when the
 * table is full: the manifest changed since it was counted. */
bool index_add(struct run *c, const struct qpybak_entry *e)
{
    uint32_t lo, hi;
    uint8_t *base;
    size_t size;
    struct spare_head *h = head_of(c, &base, &size);

    if (h == NULL || h->building == NULL)
        return false;
    if (e->invalid != QPYBAK_REASON_NONE || e->name == NULL)
        return true; /* an invalid entry names nothing */
    name_key(e->name, e->name_len, &lo, &hi);
    return table_put(h, h->building, lo, hi, e);
}

/* The pass is over: ok, or the table is unusable (look-ups scan). */
void index_done(struct run *c, bool ok)
{
    uint8_t *base;
    size_t size;
    struct spare_head *h = head_of(c, &base, &size);

    if (h == NULL || h->building == NULL)
        return;
    if (!ok)
        h->building->cap = 0;
    h->building = NULL;
}

/* ------------------------------------------------------------ batches */

/*
 * A batch of the smallest names of one directory listing that sort after
 * `after`, in the spare buffer: names packed from the front as records
 * (2 bytes: the record's heap position or DEAD; 1 byte: the type; the
 * name and its NUL), a max-heap of record offsets growing down from the
 * end.  A name that does not fit makes room by dropping the largest held;
 * once any name is left out, names above the largest held are refused, so
 * the batch is always every name of the listing in (after, largest held]:
 * the next listing starts after the last name taken.  Space freed by
 * dropped names is reclaimed by compaction, only once it is a quarter of
 * the buffer, so a listing costs time linear in its names.  After the
 * listing the heap is sorted in place and names are taken in order.
 *
 * With too small a spare buffer the batch is one name, kept in `one`.
 */
#define DEAD 0xFFFFu
#define HEAP_MAX 0xFFFEu
#define REC_HEAD 3u

static int byte_compare(const char *a, const char *b)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;

    while (*x && *x == *y) {
        x++;
        y++;
    }
    return (int)*x - (int)*y;
}

void batch_init(struct run *c, struct batch *b, char *one, size_t one_size)
{
    uint8_t *base;
    size_t size;
    struct spare_head *h = head_of(c, &base, &size);

    if (h)
        forget(h); /* the walk takes the spare buffer beyond the head */
    size = (size < 0x7FFFFFF8u ? size : 0x7FFFFFF8u) & ~(size_t)7u;
    mem_zero(b, sizeof *b);
    b->one = one;
    b->name_max = one_size - 1;
    /* room for at least two of the longest names, else one at a time */
    if (base && size >= 2 * (REC_HEAD + one_size + 4u)) {
        b->mem = base;
        b->size = size;
    }
}

static uint32_t *heap_at(const struct batch *b, uint32_t i)
{
    return (uint32_t *)(void *)(b->mem + b->size) - 1 - i;
}

static const char *rec_name(const struct batch *b, uint32_t off)
{
    return (const char *)b->mem + off + REC_HEAD;
}

static void heap_set(struct batch *b, uint32_t i, uint32_t off)
{
    *heap_at(b, i) = off;
    b->mem[off] = (uint8_t)(i & 0xFFu);
    b->mem[off + 1] = (uint8_t)(i >> 8);
}

static int heap_cmp(const struct batch *b, uint32_t i, uint32_t j)
{
    return byte_compare(rec_name(b, *heap_at(b, i)), rec_name(b, *heap_at(b, j)));
}

static void heap_swap(struct batch *b, uint32_t i, uint32_t j)
{
    uint32_t oi = *heap_at(b, i), oj = *heap_at(b, j);

    heap_set(b, i, oj);
    heap_set(b, j, oi);
}

static void sift_down(struct batch *b, uint32_t i, uint32_t n)
{
    for (;;) {
        uint32_t l = 2 * i + 1, big = i;

        if (l < n && heap_cmp(b, l, big) > 0)
            big = l;
        if (l + 1 < n && heap_cmp(b, l + 1, big) > 0)
            big = l + 1;
        if (big == i)
            return;
        heap_swap(b, i, big);
        i = big;
    }
}

static void drop_largest(struct batch *b)
{
    uint32_t off = *heap_at(b, 0);

    b->mem[off] = (uint8_t)(DEAD & 0xFFu);
    b->mem[off + 1] = (uint8_t)(DEAD >> 8);
    b->garbage += REC_HEAD + (uint32_t)str_len(rec_name(b, off)) + 1;
    b->count--;
    if (b->count) {
        heap_set(b, 0, *heap_at(b, b->count));
        sift_down(b, 0, b->count);
    }
    b->bounded = true;
}

/* Moves the held records to the front, in place, and fixes the heap. */
static void compact(struct batch *b)
{
    uint32_t at = 0, to = 0;

    while (at < b->top) {
        uint32_t len = REC_HEAD + (uint32_t)str_len(rec_name(b, at)) + 1;
        uint32_t pos = (uint32_t)b->mem[at] | (uint32_t)b->mem[at + 1] << 8;

        if (pos != DEAD) {
            if (to != at)
                mem_copy(b->mem + to, b->mem + at, len); /* to < at: safe forwards */
            *heap_at(b, pos) = to;
            to += len;
        }
        at += len;
    }
    b->top = to;
    b->garbage = 0;
}

void batch_begin(struct batch *b, const char *after)
{
    b->after = after;
    b->count = 0;
    b->next = 0;
    b->top = 0;
    b->garbage = 0;
    b->bounded = false;
    b->too_long = 0;
    b->listed = true;
}

/* The io_list callback: offers one directory entry to the batch. */
int batch_add(void *ctx, const char *name, enum qpybak_type type)
{
    struct batch *b = (struct batch *)ctx;
    size_t len;
    uint32_t need, i;

    if (b->after && byte_compare(name, b->after) <= 0)
        return 0;
    len = str_len(name);
    if (len > b->name_max) {
        b->too_long++; /* never walked; counted on a folder's first listing */
        return 0;
    }
    if (b->mem == NULL) {
        /* one name at a time: the smallest */
        if (b->count) {
            b->bounded = true;
            if (byte_compare(name, b->one) >= 0)
                return 0;
        }
        mem_copy(b->one, name, len + 1);
        b->one_type = type;
        b->count = 1;
        return 0;
    }
    if (b->bounded && b->count && byte_compare(name, rec_name(b, *heap_at(b, 0))) > 0)
        return 0;
    need = REC_HEAD + (uint32_t)len + 1;
    for (;;) {
        size_t free_bytes = b->size - b->top - 4u * (size_t)b->count;

        if (b->count < HEAP_MAX && free_bytes >= need + 4u)
            break;
        if (b->garbage >= b->size / 4 || (b->count == 0 && b->garbage)) {
            compact(b);
            continue;
        }
        if (b->count == 0)
            return 0; /* cannot happen: batch_init keeps room for a name */
        if (byte_compare(name, rec_name(b, *heap_at(b, 0))) > 0) {
            b->bounded = true; /* this one is the largest: left out */
            return 0;
        }
        drop_largest(b);
    }
    b->mem[b->top + 2] = (uint8_t)type;
    mem_copy(b->mem + b->top + REC_HEAD, name, len + 1);
    i = b->count++;
    heap_set(b, i, b->top);
    b->top += need;
    while (i > 0 && heap_cmp(b, (i - 1) / 2, i) < 0) {
        heap_swap(b, (i - 1) / 2, i);
        i = (i - 1) / 2;
    }
    return 0;
}

/* After the listing: the held names in ascending order. */
void batch_end(struct batch *b)
{
    uint32_t n;

    if (b->mem == NULL)
        return;
    for (n = b->count; n > 1; n--) {
        heap_swap(b, 0, n - 1);
        sift_down(b, 0, n - 1);
    }
}

/* The next name of the batch (valid until the next listing), or NULL. */
const char *batch_take(struct batch *b, enum qpybak_type *type)
{
    uint32_t off;

    if (b->next >= b->count)
        return NULL;
    if (b->mem == NULL) {
        b->next++;
        *type = b->one_type;
        return b->one;
    }
    off = *heap_at(b, b->next++);
    *type = (enum qpybak_type)b->mem[off + 2];
    return rec_name(b, off);
}
