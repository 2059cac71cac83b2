/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Calc (docs/design.md, "Calc"): after a legitimate edit, record the file's new
 * checksum so that the next boot keeps the edit - QuecPython's
 * file_crc32.calc, made atomic.
 */
#include "core.h"
#include "util.h"

struct calc_value {
    const char *path;
    size_t len;
    struct value now; /* the file's CRC and size, as calc records them */
};

static void set_value(struct run *c, const struct qpybak_entry *e, struct value *value, void *ctx)
{
    const struct calc_value *v = (const struct calc_value *)ctx;

    (void)c;
    if (entry_named(e, v->path, v->len))
        *value = v->now;
}

/* Finds the path's first valid entry in the manifest in use (later ones of
 * the same name are duplicates): 1 and *e when tracked, 0 when not, or an
 * error. */
static int find_entry(struct run *c, const char *path, size_t len, struct qpybak_entry *e)
{
    int r, err = mfile_open(c, &c->pass, c->source_path);

    if (err)
        return err;
    while ((r = mfile_next(&c->pass, e)) == 1)
        if (e->invalid == QPYBAK_REASON_NONE && entry_named(e, path, len))
            break;
    mfile_close(&c->pass);
    return r;
}

static int calc_locked(struct run *c, const char *path, struct calc_value *v, uint32_t *crc)
{
    struct qpybak_entry e;
    struct value recorded;
    uint64_t size;
    int err;

    cleanup_own_paths(c);
    err = file_checksum(&c->inst, path, crc, &size);
    if (err)
        return err; /* FBIG too: no entry can record 4 GiB or more */
    v->now.crc = *crc;
    v->now.size = (uint32_t)size;
    v->now.has_size = true;

    mem_zero(&e, sizeof e);
    choose_source(c, NULL, NULL);
    if (c->source_path == NULL)
        return c->result->error ? c->result->error : 0; /* unreadable is not untracked */
    err = find_entry(c, path, v->len, &e);
    if (err == 0) {
        /* Not in the user manifest, but a factory file is tracked all the
         * same (floor.c): the rewrite lists it again, with the new value. */
        err = backup_lookup(c, path, v->len, &e);
        mfile_close(&c->lookup);
        if (err <= 0)
            return err;
        err = manifest_rewrite(c, set_value, v);
        return err ? err : 1;
    }
    if (err < 0)
        return err;
    recorded = value_of(&e);
    if (value_equal(&recorded, &v->now) &&
        c->result->source == QPYBAK_SOURCE_PRIMARY && c->result->shadow == QPYBAK_MANIFEST_OK)
        return 1; /* already recorded: no flash write */
    err = manifest_rewrite(c, set_value, v);
    return err ? err : 1;
}

int qpybak_calc(const struct qpybak_config *cfg, const char *path, uint32_t *crc)
{
    struct qpybak_result result;
    struct calc_value v;
    struct run *c;
    uint32_t dummy;
    int err;

    if (crc == NULL)
        crc = &dummy;
    *crc = QPYBAK_CRC_SEED;
    c = run_init(cfg, &result, &err, LAYOUT_CALC);
    if (c == NULL)
        return err;
    if (path == NULL)
        return QPYBAK_ERR_INVAL;
    v.path = path;
    v.len = str_len(path);
    if (qpybak_name_check(path, v.len, c->name_max) != QPYBAK_REASON_NONE)
        return QPYBAK_ERR_INVAL; /* never opened: it may point anywhere */
    err = run_lock(c, QPYBAK_LOCK_EXCLUSIVE);
    if (err)
        return err;
    err = calc_locked(c, path, &v, crc);
    /* What the error is about, for qpybak_error_path(): recorded where it
     * was met, else the step that failed last. */
    note_error(c, err, c->fail_path ? c->fail_path : path);
    run_unlock(c);
    return err;
}
