/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output files: qpybak's own files (the user manifest, the report, the FOTA
 * journal) written through a buffer under NAME.qpybak-tmp, then synced and
 * renamed over NAME (docs/design.md, "Atomic replacement").  An output
 * file owns its buffer; its temporary name is derived from the target.
 */
#include "core.h"
#include "util.h"

int open_temp(struct run *c, const char *temp)
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

int own_temp_name(const char *path, char out[OWN_NAME_SIZE])
{
    size_t len = str_len(path);

    if (len + TEMP_SUFFIX_LEN + 1 > OWN_NAME_SIZE)
        return QPYBAK_ERR_NAMETOOLONG;
    mem_copy(out, path, len);
    mem_copy(out + len, QPYBAK_TEMP_SUFFIX, TEMP_SUFFIX_LEN + 1);
    return 0;
}

/* qpybak's own folder, made when a file of it is first written. */
static int own_dir(struct run *c, const char *target)
{
    size_t n = sizeof QPYBAK_PATH_OWN_DIR - 1;
    int err;

    if (!mem_eq(target, QPYBAK_PATH_OWN_DIR "/", n + 1))
        return 0;
    err = io_mkdir(c, QPYBAK_PATH_OWN_DIR);
    if (err == QPYBAK_ERR_EXIST) {
        struct qpybak_stat st;

        err = io_stat(c, QPYBAK_PATH_OWN_DIR, &st);
        if (!err && st.type != QPYBAK_TYPE_DIR)
            err = QPYBAK_ERR_NOTDIR;
    }
    if (err)
        c->fail_path = QPYBAK_PATH_OWN_DIR;
    return err;
}

/* An output file's temporary name is built where it is needed, on the
 * stack: the target is one of qpybak's own short, fixed paths.  An error
 * met at that name is recorded here, while the name exists; the caller
 * then sees c->fail_path at the target. */
static int failed_at(struct run *c, int err, const char *temp, const char *target)
{
    note_error(c, err, temp);
    c->fail_path = target;
    return err;
}

int outfile_open(struct outfile *o, const char *target)
{
    struct run *c = o->run;
    char temp[OWN_NAME_SIZE];
    int err;

    o->target = target;
    o->len = 0;
    o->error = 0;
    o->handle = -1;
    err = own_temp_name(target, temp);
    if (!err)
        err = own_dir(c, target);
    if (err)
        return err;
    o->handle = open_temp(c, temp);
    if (o->handle < 0)
        return failed_at(c, o->handle, temp, target);
    return 0;
}

static int outfile_flush(struct outfile *o)
{
    if (!o->error && o->len) {
        o->error = io_write(o->run, o->handle, o->buf, o->len);
        if (o->error)
            o->run->fail_path = o->target;
        o->len = 0;
    }
    return o->error;
}

int outfile_write(void *outfile, const void *buf, size_t len)
{
    struct outfile *o = (struct outfile *)outfile;
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
            outfile_flush(o);
    }
    return o->error;
}

int outfile_commit(struct outfile *o)
{
    struct run *c = o->run;
    char temp[OWN_NAME_SIZE];
    int err = outfile_flush(o), cerr;

    if (!err)
        err = io_sync(c, o->handle);
    cerr = io_close(c, o->handle);
    o->handle = -1;
    if (!err)
        err = cerr;
    own_temp_name(o->target, temp); /* it fitted at open */
    if (!err)
        err = io_replace(c, temp, o->target);
    if (err) {
        c->fail_path = o->target;
        io_remove(c, temp);
    }
    return err;
}

void outfile_abort(struct outfile *o)
{
    char temp[OWN_NAME_SIZE];

    if (o->handle >= 0)
        io_close(o->run, o->handle);
    o->handle = -1;
    if (o->target != NULL && own_temp_name(o->target, temp) == 0)
        io_remove(o->run, temp);
}
