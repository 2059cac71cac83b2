/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The installer: reading files for their checksum, and atomic installs.
 * Every install follows one rule (docs/design.md, "Atomic replacement"):
 * write DIR/.qpybak-tmp in the target's folder - created exclusively, never
 * written through - sync it, check it, rename it over the target.  A power
 * cut leaves the target old or new, never torn, plus at worst a temporary
 * file that the next run removes.
 *
 * The installer owns its two name buffers: `scratch` holds names derived
 * from an install's target (its folders while they are made, then its
 * temporary name); `composed` holds a path built from a tracked name (its
 * backup copy, its last-known-good copy) for the caller to install from or
 * to.
 */
#include "core.h"
#include "util.h"

int file_checksum_upto(struct installer *in, const char *path, uint64_t limit, uint32_t *crc,
                       uint64_t *size, uint64_t *zeros)
{
    struct run *c = in->run;
    int h = io_open(c, path, QPYBAK_O_READ), n, err;
    struct qpybak_stat st;
    uint64_t lead = 0;

    *crc = QPYBAK_CRC_SEED;
    *size = 0;
    if (h < 0) {
        c->fail_path = path;
        return h;
    }
    while ((n = io_read(c, h, in->io, in->io_size)) > 0) {
        *crc = qpybak_crc32(*crc, in->io, (size_t)n);
        if (lead == *size) {
            /* Still in the leading zero bytes (the size rule asks how
             * many); mostly the first byte ends it. */
            size_t i = 0;

            while (i < (size_t)n && in->io[i] == 0)
                i++;
            lead += i;
        }
        *size += (uint64_t)n;
        if (*size > limit)
            break; /* longer than any value it could match: no need to read on */
    }
    err = io_close(c, h);
    if (zeros != NULL)
        *zeros = lead;
    if (n > 0) {
        /* The size is what differs; the rest of the content is not read
         * (a tracked file replaced by a huge sparse file costs one read). */
        if (io_stat(c, path, &st) == 0 && st.size > *size)
            *size = st.size;
        return CHECKSUM_PAST_LIMIT;
    }
    err = n < 0 ? n : err;
    if (err)
        c->fail_path = path;
    return err;
}

int file_checksum(struct installer *in, const char *path, uint32_t *crc, uint64_t *size)
{
    int err = file_checksum_upto(in, path, 0xFFFFFFFFu, crc, size, NULL);

    return err == CHECKSUM_PAST_LIMIT ? QPYBAK_ERR_FBIG : err;
}

/* "/usr/lib/a.py" -> "/usr/lib/.qpybak-tmp" in in->scratch: no longer than
 * the name, so a name that fits the file system's component limit still
 * fits with its temporary file. */
static int temp_name(struct installer *in, const char *path)
{
    size_t len = str_len(path), slash = len;

    while (slash > 0 && path[slash - 1] != '/')
        slash--;
    if (slash + TEMP_SUFFIX_LEN + 1 > in->run->path_size)
        return QPYBAK_ERR_NAMETOOLONG;
    mem_copy(in->scratch, path, slash);
    mem_copy(in->scratch + slash, QPYBAK_TEMP_SUFFIX, TEMP_SUFFIX_LEN + 1);
    return 0;
}

int install_sweep(struct installer *in, const char *target)
{
    if (temp_name(in, target) != 0)
        return 0;
    return clear_unless(in->run, in->scratch, 0);
}

const char *installer_backup_path(struct installer *in, const char *name, size_t len)
{
    size_t prefix = sizeof QPYBAK_PATH_BACKUP_PREFIX - 1;

    mem_copy(in->composed, QPYBAK_PATH_BACKUP_PREFIX, prefix);
    mem_copy(in->composed + prefix, name, len + 1);
    return in->composed;
}

const char *installer_good_path(struct installer *in, const char *name, size_t len)
{
    size_t prefix = sizeof QPYBAK_PATH_LAST_GOOD - 1;

    if (len < 5 || prefix + len - 4 + 1 > in->run->path_size)
        return NULL;
    mem_copy(in->composed, QPYBAK_PATH_LAST_GOOD, prefix);
    mem_copy(in->composed + prefix, name + 4, len - 4 + 1);
    return in->composed;
}

/* Creates the missing folders above path ("/usr/a/b/c.py": /usr/a and
 * /usr/a/b), in in->scratch.  The common case, parent present, costs one
 * stat. */
static int make_parents(struct installer *in, const char *path)
{
    struct run *c = in->run;
    size_t len = str_len(path), i, end = 0;
    char *dir = in->scratch;
    struct qpybak_stat st;
    int err;

    for (i = 0; i < len; i++)
        if (path[i] == '/')
            end = i;
    if (end <= 4) /* directly in "/usr" or "/bak": the root exists */
        return 0;
    mem_copy(dir, path, end);
    dir[end] = '\0';
    c->fail_path = dir;
    err = io_stat(c, dir, &st);
    if (err == 0)
        return st.type == QPYBAK_TYPE_DIR ? 0 : QPYBAK_ERR_NOTDIR;
    if (err != QPYBAK_ERR_NOENT)
        return err;
    for (i = 5; i <= end; i++) {
        if (i != end && path[i] != '/')
            continue;
        dir[i] = '\0';
        err = io_mkdir(c, dir);
        if (err && err != QPYBAK_ERR_EXIST)
            return err; /* scratch names the folder that could not be made */
        dir[i] = '/';
    }
    return 0;
}

static bool accepted(const struct value *accept, int n, uint32_t crc, uint64_t size)
{
    int i;

    if (n == 0)
        return true;
    for (i = 0; i < n; i++)
        if (value_matches(&accept[i], crc, size))
            return true;
    return false;
}

int install_copy(struct installer *in, const char *src, const char *dst,
                 const struct value *accept, int accept_n, uint32_t *crc, uint64_t *size)
{
    struct run *c = in->run;
    int hs, ht, n = 0, err;

    /* A copy that matches no accepted checksum must cost no flash write
     * (it would be written and removed again at every boot), so it is read
     * once to check before anything is written; the copy is checked again
     * as it is written, in case it changed in between. */
    if (accept_n > 0) {
        err = file_checksum(in, src, crc, size);
        if (err)
            return err;
        if (!accepted(accept, accept_n, *crc, *size))
            return QPYBAK_ERR_CORRUPT;
    }
    *crc = QPYBAK_CRC_SEED;
    *size = 0;
    c->fail_path = src;
    hs = io_open(c, src, QPYBAK_O_READ);
    if (hs < 0)
        return hs;
    err = make_parents(in, dst);
    if (!err) {
        c->fail_path = dst;
        err = temp_name(in, dst);
    }
    if (err) {
        io_close(c, hs);
        return err;
    }
    ht = open_temp(c, in->scratch);
    if (ht < 0) {
        io_close(c, hs);
        return ht;
    }
    err = 0;
    while (!err && (n = io_read(c, hs, in->io, in->io_size)) > 0) {
        *crc = qpybak_crc32(*crc, in->io, (size_t)n);
        *size += (uint64_t)n;
        err = io_write(c, ht, in->io, (size_t)n);
        if (err)
            c->fail_path = in->scratch;
    }
    if (!err && n < 0) {
        err = n;
        c->fail_path = src;
    }
    io_close(c, hs);
    if (!err)
        err = io_sync(c, ht);
    n = io_close(c, ht);
    if (!err)
        err = n;
    if (err && c->fail_path != src)
        c->fail_path = in->scratch;
    /* Verified before it becomes visible: a copy that matches no accepted
     * checksum is never installed. */
    if (!err && !accepted(accept, accept_n, *crc, *size)) {
        err = QPYBAK_ERR_CORRUPT;
        c->fail_path = src;
    }
    if (!err) {
        err = io_replace(c, in->scratch, dst);
        if (err)
            c->fail_path = dst;
    }
    if (err)
        io_remove(c, in->scratch);
    return err;
}

int copy_file(struct installer *in, const char *src, const char *dst)
{
    uint32_t crc;
    uint64_t size;

    return install_copy(in, src, dst, NULL, 0, &crc, &size);
}
