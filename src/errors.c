/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a port error means.  Every procedure asks the same question of an
 * error - is the thing absent, is something else in its place, may a later
 * try succeed - and gets the same answer here.
 */
#include "core.h"
#include "util.h"

enum err_class err_class(int err)
{
    if (err >= 0)
        return ERR_NONE; /* a count, or an outcome that is not an error */
    switch (err) {
    case QPYBAK_ERR_NOENT:
    case QPYBAK_ERR_NOTDIR: return ERR_ABSENT;
    case QPYBAK_ERR_ISDIR:
    case QPYBAK_ERR_LOOP:
    case QPYBAK_ERR_INVAL: return ERR_NOT_FILE; /* the POSIX port: a FIFO or socket */
    case QPYBAK_ERR_IO:
    case QPYBAK_ERR_NOSPC:
    case QPYBAK_ERR_BUSY: return ERR_PASSING;
    default: return ERR_PERMANENT;
    }
}

void note_error(struct run *c, int err, const char *path)
{
    size_t len;

    if (err >= 0 || c->result->error)
        return;
    c->result->error = err;
    if (path == NULL || c->err_path == NULL)
        return;
    len = str_len(path);
    if (len + 1 > c->path_size)
        len = c->path_size - 1;
    mem_copy(c->err_path, path, len);
    c->err_path[len] = '\0';
    c->result->error_path = c->err_path;
}
