/*
 * Calc (SPEC section 4): after a legitimate edit, record the file's new
 * checksum so that the next boot keeps the edit - QuecPython's
 * file_crc32.calc, made atomic.
 */
#include "core.h"
#include "util.h"

struct calc_value {
    const char *path;
    size_t len;
    uint32_t crc;
    uint32_t size;
};

static void set_value(struct core *c, const struct qpybak_entry *e, struct accept *value, void *ctx)
{
    const struct calc_value *v = (const struct calc_value *)ctx;

    (void)c;
    if (entry_named(e, v->path, v->len)) {
        value->crc = v->crc;
        value->size = v->size;
        value->has_size = true;
    }
}

/* Finds the path's first valid entry in the manifest in use (later ones of
 * the same name are duplicates): 1 and *e when tracked, 0 when not, or an
 * error. */
static int find_entry(struct core *c, const char *path, size_t len, struct qpybak_entry *e)
{
    int r, err = mfile_open(c, &c->user, c->source_path);

    if (err)
        return err;
    while ((r = mfile_next(&c->user, e)) == 1)
        if (e->invalid == QPYBAK_REASON_NONE && entry_named(e, path, len))
            break;
    mfile_close(&c->user);
    return r;
}

int qpybak_calc(const struct qpybak_config *cfg, const char *path, uint32_t *crc)
{
    struct qpybak_result result;
    struct qpybak_entry e;
    struct calc_value v;
    struct core *c;
    uint64_t size;
    uint32_t dummy;
    int err;

    if (crc == NULL)
        crc = &dummy;
    *crc = QPYBAK_CRC_SEED;
    c = core_init(cfg, &result, &err);
    if (c == NULL)
        return err;
    if (path == NULL)
        return QPYBAK_ERR_INVAL;
    v.path = path;
    v.len = str_len(path);
    if (qpybak_name_check(path, v.len, c->name_max) != QPYBAK_REASON_NONE)
        return QPYBAK_ERR_INVAL; /* never opened: it may point anywhere */
    err = file_checksum(c, path, crc, &size);
    if (err)
        return err;
    if (size > 0xFFFFFFFFu)
        return QPYBAK_ERR_FBIG;
    v.crc = *crc;
    v.size = (uint32_t)size;

    mem_zero(&e, sizeof e);
    choose_source(c);
    if (c->source_path == NULL)
        return result.error ? result.error : 0; /* unreadable is not untracked */
    err = find_entry(c, path, v.len, &e);
    if (err <= 0)
        return err;
    if (e.crc == v.crc && e.has_size && e.size == v.size &&
        result.source == QPYBAK_SOURCE_PRIMARY && result.shadow == QPYBAK_MANIFEST_OK)
        return 1; /* already recorded: no flash write */
    err = manifest_rewrite(c, set_value, &v);
    return err ? err : 1;
}
