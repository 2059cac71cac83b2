/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whole-file operations: checksums, atomic installs, buffered output files.
 * Every replacement follows one rule (docs/design.md): write NAME.qpybak-tmp
 * in NAME's directory, sync it, close it, rename it over NAME.  A power cut
 * leaves NAME old or new, never torn, plus at worst a temporary file that
 * the next boot removes.
 */
#include "core.h"
#include "util.h"

int file_checksum_upto(struct core *c, const char *path, uint64_t limit, uint32_t *crc,
                       uint64_t *size)
{
    int h = io_open(c, path, QPYBAK_O_READ), n, err;
    struct qpybak_stat st;

    *crc = QPYBAK_CRC_SEED;
    *size = 0;
    if (h < 0) {
        c->fail_path = path;
        return h;
    }
    while ((n = io_read(c, h, c->io, c->io_size)) > 0) {
        *crc = qpybak_crc32(*crc, c->io, (size_t)n);
        *size += (uint64_t)n;
        if (*size > limit)
            break; /* longer than any value it could match: no need to read on */
    }
    err = io_close(c, h);
    if (n > 0) {
        /* The size is what differs; the rest of the content is not read
         * (a tracked file replaced by a huge sparse file costs one read). */
        if (io_stat(c, path, &st) == 0 && st.size > *size)
            *size = st.size;
        return QPYBAK_ERR_FBIG;
    }
    err = n < 0 ? n : err;
    if (err)
        c->fail_path = path;
    return err;
}

int file_checksum(struct core *c, const char *path, uint32_t *crc, uint64_t *size)
{
    return file_checksum_upto(c, path, 0xFFFFFFFFu, crc, size);
}

int install_temp_path(struct core *c, const char *path, char *out)
{
    size_t len = str_len(path), slash = len;

    while (slash > 0 && path[slash - 1] != '/')
        slash--;
    /* "/usr/lib/a.py" -> "/usr/lib/.qpybak-tmp": the temporary name is no
     * longer than the name, so a name that fits the file system's
     * component limit still fits with its temporary file. */
    if (slash + TEMP_SUFFIX_LEN + 1 > c->path_size)
        return QPYBAK_ERR_NAMETOOLONG;
    mem_copy(out, path, slash);
    mem_copy(out + slash, TEMP_SUFFIX, TEMP_SUFFIX_LEN + 1);
    return 0;
}

int temp_path(struct core *c, const char *path, char *out)
{
    size_t len = str_len(path);

    if (len + TEMP_SUFFIX_LEN + 1 > c->path_size)
        return QPYBAK_ERR_NAMETOOLONG;
    mem_copy(out, path, len);
    mem_copy(out + len, TEMP_SUFFIX, TEMP_SUFFIX_LEN + 1);
    return 0;
}

int open_temp(struct core *c, const char *temp)
{
    int h = io_open(c, temp, QPYBAK_O_WRITE), err;

    if (h == QPYBAK_ERR_EXIST) {
        /* Left by a cut run (the caller holds the lock, so no other run
         * owns it): a file, a hard link to any file, a symbolic link, a
         * FIFO, an empty folder.  Removing the name never touches what a
         * link leads to; the name is then created anew. */
        err = io_remove(c, temp);
        if (err && err != QPYBAK_ERR_NOENT) {
            c->fail_path = temp;
            return err;
        }
        c->result->stale_temps++;
        h = io_open(c, temp, QPYBAK_O_WRITE);
    }
    if (h < 0)
        c->fail_path = temp;
    return h;
}

int remove_if_present(struct core *c, const char *path)
{
    struct qpybak_stat st;
    int err = io_stat(c, path, &st);

    if (err == QPYBAK_ERR_NOENT || err == QPYBAK_ERR_NOTDIR)
        return 0; /* not there (NOTDIR: a file where a folder belongs) */
    if (err)
        return err;
    if (st.type != QPYBAK_TYPE_FILE)
        return 0; /* only ever our own regular files */
    err = io_remove(c, path);
    return err ? err : 1;
}

/* Creates the missing directories above path ("/usr/a/b/c.py": /usr/a and
 * /usr/a/b).  The common case, parent present, costs one stat. */
int make_parents(struct core *c, const char *path)
{
    size_t len = str_len(path), i, end = 0;
    struct qpybak_stat st;
    int err;

    for (i = 0; i < len; i++)
        if (path[i] == '/')
            end = i;
    if (end <= 4) /* directly in "/usr" or "/bak": the root exists */
        return 0;
    mem_copy(c->dir, path, end);
    c->dir[end] = '\0';
    c->fail_path = c->dir;
    err = io_stat(c, c->dir, &st);
    if (err == 0)
        return st.type == QPYBAK_TYPE_DIR ? 0 : QPYBAK_ERR_NOTDIR;
    if (err != QPYBAK_ERR_NOENT)
        return err;
    for (i = 5; i <= end; i++) {
        if (i != end && path[i] != '/')
            continue;
        c->dir[i] = '\0';
        err = io_mkdir(c, c->dir);
        if (err && err != QPYBAK_ERR_EXIST)
            return err; /* c->dir names the folder that could not be made */
        c->dir[i] = '/';
    }
    c->dir[end] = '\0';
    return 0;
}

static bool accepted(const struct accept *accept, int n, uint32_t crc, uint64_t size)
{
    int i;

    if (n == 0)
        return true;
    for (i = 0; i < n; i++)
        if (accept[i].crc == crc && (!accept[i].has_size || accept[i].size == size))
            return true;
    return false;
}

int install_copy(struct core *c, const char *src, const char *dst, const struct accept *accept,
                 int accept_n, uint32_t *crc, uint64_t *size)
{
    int hs, ht, n = 0, err;

    /* A copy that matches no accepted checksum must cost no flash write
     * (it would be written and removed again at every boot), so it is read
     * once to check before anything is written; the copy is checked again
     * as it is written, in case it changed in between. */
    if (accept_n > 0) {
        err = file_checksum(c, src, crc, size);
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
    err = make_parents(c, dst);
    if (!err) {
        c->fail_path = dst;
        err = install_temp_path(c, dst, c->temp);
    }
    if (err) {
        io_close(c, hs);
        return err;
    }
    ht = open_temp(c, c->temp);
    if (ht < 0) {
        io_close(c, hs);
        return ht;
    }
    err = 0;
    while (!err && (n = io_read(c, hs, c->io, c->io_size)) > 0) {
        *crc = qpybak_crc32(*crc, c->io, (size_t)n);
        *size += (uint64_t)n;
        err = io_write(c, ht, c->io, (size_t)n);
        if (err)
            c->fail_path = c->temp;
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
        c->fail_path = c->temp;
    /* Verified before it becomes visible: a copy that matches no accepted
     * checksum is never installed. */
    if (!err && !accepted(accept, accept_n, *crc, *size)) {
        err = QPYBAK_ERR_CORRUPT;
        c->fail_path = src;
    }
    if (!err) {
        err = io_rename(c, c->temp, dst);
        if (err)
            c->fail_path = dst;
    }
    if (err)
        io_remove(c, c->temp);
    return err;
}

int copy_file(struct core *c, const char *src, const char *dst)
{
    uint32_t crc;
    uint64_t size;

    return install_copy(c, src, dst, NULL, 0, &crc, &size);
}

int ofile_open(struct core *c, struct ofile *o, const char *target)
{
    int err = make_parents(c, target);

    o->core = c;
    o->len = 0;
    o->error = 0;
    o->handle = -1;
    if (!err)
        err = temp_path(c, target, c->temp);
    if (err)
        return err;
    o->handle = open_temp(c, c->temp);
    return o->handle < 0 ? o->handle : 0;
}

static int ofile_flush(struct ofile *o)
{
    if (!o->error && o->len) {
        o->error = io_write(o->core, o->handle, o->buf, o->len);
        o->len = 0;
    }
    return o->error;
}

int ofile_write(void *ofile, const void *buf, size_t len)
{
    struct ofile *o = (struct ofile *)ofile;
    const uint8_t *p = (const uint8_t *)buf;

    while (len > 0 && !o->error) {
        size_t n = o->cap - o->len;

        if (n > len)
            n = len;
        mem_copy(o->buf + o->len, p, n);
        o->len += n;
        p += n;
        len -= n;
        if (o->len == o->cap)
            ofile_flush(o);
    }
    return o->error;
}

int ofile_commit(struct ofile *o, const char *target)
{
    struct core *c = o->core;
    int err = ofile_flush(o), cerr;

    if (!err)
        err = io_sync(c, o->handle);
    cerr = io_close(c, o->handle);
    o->handle = -1;
    if (!err)
        err = cerr;
    if (!err)
        err = temp_path(c, target, c->temp);
    if (!err)
        err = io_rename(c, c->temp, target);
    if (err) {
        c->fail_path = target;
        temp_path(c, target, c->temp);
        io_remove(c, c->temp);
    }
    return err;
}

void ofile_abort(struct ofile *o, const char *target)
{
    struct core *c = o->core;

    if (o->handle >= 0)
        io_close(c, o->handle);
    o->handle = -1;
    if (temp_path(c, target, c->temp) == 0)
        io_remove(c, c->temp);
}
