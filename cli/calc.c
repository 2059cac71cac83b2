/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `qpybak calc` (record the checksum of an edited tracked file,
 * docs/design.md, "Calc") and `qpybak crc` (the same checksum for any host
 * file).  Both print "0x%08x  PATH", the value QuecPython's file_crc32.calc
 * returns.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Nothing more after a write error on stdout (out_live()). */
static void print_line(uint32_t crc, const char *path)
{
    char s[QPYBAK_CRC_STR_SIZE];

    if (!out_live())
        return;
    printf("%s  ", qpybak_crc_format(crc, s));
    put_name(stdout, path);
    putchar('\n');
    out_live(); /* notes a write error with its errno */
}

/* PATH's line, naming where the error was met when that is another path
 * (a manifest, a temporary name): "qpybak: /usr/a.py: USR_DIR/.qpybak-tmp:
 * read-only file system". */
static void calc_error(const struct opts *o, const struct qpybak_config *cfg, const char *path,
                       int rc)
{
    const char *at = qpybak_error_path(cfg);
    char *prefix, *host;

    if (at == NULL || strcmp(at, path) == 0) {
        cli_error(NULL, path, rc == QPYBAK_ERR_NOENT ? "no such file" : errtext(rc));
        return;
    }
    /* PATH passed qpybak_name_check: no control character to escape. */
    prefix = xmalloc(strlen(path) + 3);
    snprintf(prefix, strlen(path) + 3, "%s: ", path);
    host = host_path(o, at);
    cli_error(prefix, host, errtext(rc));
    free(host);
    free(prefix);
}

int cmd_calc(const struct opts *o)
{
    struct qpybak_posix px;
    struct qpybak_config cfg;
    int i, status;

    /* Every path is checked before anything is recorded: a usage error
     * must not leave half the edits recorded. */
    for (i = 0; i < o->nargs; i++) {
        const char *path = o->args[i];
        enum qpybak_reason why = qpybak_name_check(path, strlen(path), 0);
        char text[80];

        if (why != QPYBAK_REASON_NONE) {
            snprintf(text, sizeof(text), "not a valid device path (%s; expected /usr/...)",
                     qpybak_reason_text(why));
            return cli_error(NULL, path, text);
        }
    }
    status = open_roots(&px, o->usr, o->bak); /* --bak: optional */
    if (status)
        return status;
    memset(&cfg, 0, sizeof(cfg));
    cfg.port = &px.port;
    cfg.buffer = cli_work(&cfg.buffer_size);

    for (i = 0; i < o->nargs; i++) {
        const char *path = o->args[i];
        uint32_t crc = 0;
        int rc = qpybak_calc(&cfg, path, &crc);

        if (rc >= 0)
            print_line(crc, path);
        if (rc == 0) {
            cli_error(NULL, path, "not tracked, nothing recorded");
        } else if (rc < 0) {
            calc_error(o, &cfg, path, rc);
            status = EXIT_DAMAGE;
        }
    }
    qpybak_posix_close(&px);
    return status;
}

/* What is not a regular file: a FIFO would block, /dev/zero never ends,
 * a directory has no bytes.  Not an errno value (those are positive). */
#define NOT_REGULAR (-1)

/* Opens a regular file for reading, and nothing else: a device is never
 * opened when stat says what it is, and the open does not block (a FIFO
 * swapped in after the stat); fstat then decides on what was opened.
 * Returns 0 with *fd set, an errno value, or NOT_REGULAR. */
static int open_regular(const char *path, int *fd)
{
    struct stat st;
    int err;

    if (stat(path, &st) != 0)
        return errno;
    if (!S_ISREG(st.st_mode))
        return NOT_REGULAR;
    *fd = open(path, O_RDONLY | O_NONBLOCK);
    if (*fd < 0)
        return errno;
    if (fstat(*fd, &st) != 0)
        err = errno;
    else if (!S_ISREG(st.st_mode))
        err = NOT_REGULAR;
    else if (fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) & ~O_NONBLOCK) != 0)
        err = errno; /* blocking reads again: O_NONBLOCK is unspecified for files */
    else
        return 0;
    close(*fd);
    return err;
}

/* The checksum of one host file, in the work buffer's large reads.
 * Returns 0, an errno value, or NOT_REGULAR. */
static int crc_file(const char *path, uint32_t *crc)
{
    size_t size;
    void *buf = cli_work(&size);
    int fd = -1, err = open_regular(path, &fd);

    if (err)
        return err;
    *crc = QPYBAK_CRC_SEED;
    for (;;) {
        ssize_t n = read(fd, buf, size);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = errno;
            close(fd);
            return err;
        }
        if (n == 0)
            break;
        *crc = qpybak_crc32(*crc, buf, (size_t)n);
    }
    close(fd);
    return 0;
}

int cmd_crc(const struct opts *o)
{
    int i, status = EXIT_INTACT;

    /* After a write error on stdout, the files left are not read. */
    for (i = 0; i < o->nargs && out_live(); i++) {
        uint32_t crc = 0;
        int err = crc_file(o->args[i], &crc);

        if (err == 0) {
            print_line(crc, o->args[i]);
        } else {
            cli_error(NULL, o->args[i], err == NOT_REGULAR ? "not a regular file" : syserr(err));
            status = EXIT_DAMAGE;
        }
    }
    return status;
}
