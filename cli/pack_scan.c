/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pack, first half: look at all of APP_DIR and at the output directories,
 * and refuse anything that would make a bad partition, before pack.c writes
 * a single byte.
 */
#include "pack.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct entry {
    char *name;
    enum qpybak_type type;
};

struct listing {
    struct entry *v;
    size_t n, cap;
};

static int collect(void *ctx, const char *name, enum qpybak_type type)
{
    struct listing *l = ctx;

    if (l->n == l->cap) {
        struct entry *v;

        l->cap = l->cap ? l->cap * 2 : 16;
        v = realloc(l->v, l->cap * sizeof(*v));
        if (v == NULL)
            return QPYBAK_ERR_NOMEM;
        l->v = v;
    }
    l->v[l->n].name = xstrdup(name);
    l->v[l->n].type = type;
    l->n++;
    return 0;
}

/* Byte-wise, as strcmp compares: the order does not depend on the locale. */
static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

char *app_path(const struct tree *t, const char *path)
{
    return join(t->app_dir, path + 4); /* "/usr/lib/a.py" -> "APP_DIR/lib/a.py" */
}

static int refuse(const struct tree *t, const char *path, const char *why)
{
    char *host = app_path(t, path);

    cli_error(NULL, host, why);
    free(host);
    return EXIT_USAGE;
}

static void push(struct tree *t, char *path, bool dir)
{
    if (t->n == t->cap) {
        struct item *v;

        t->cap = t->cap ? t->cap * 2 : 64;
        v = realloc(t->items, t->cap * sizeof(*v));
        if (v == NULL) {
            cli_error(NULL, NULL, "out of memory");
            exit(EXIT_USAGE);
        }
        t->items = v;
    }
    t->items[t->n].path = path;
    t->items[t->n].dir = dir;
    t->items[t->n].crc = 0;
    t->items[t->n].size = 0;
    t->n++;
}

/* Why an item of type OTHER is refused: lstat only picks the message. */
static int refuse_other(const struct tree *t, const char *path)
{
    char *host = app_path(t, path);
    struct stat st;
    bool link = lstat(host, &st) == 0 && S_ISLNK(st.st_mode);

    free(host);
    return refuse(t, path, link ? "symbolic link refused (pack copies regular files only)"
                                : "special file refused (pack copies regular files only)");
}

static int scan_entry(struct tree *t, const char *dir, const struct entry *e);

static int scan_dir(struct tree *t, const char *dir)
{
    struct listing l = {NULL, 0, 0};
    size_t i;
    int err, status = EXIT_INTACT;

    err = t->app.port.list(t->app.port.ctx, dir, collect, &l);
    if (err)
        status = refuse(t, dir, errtext(err));
    else if (l.n > 1)
        qsort(l.v, l.n, sizeof(*l.v), by_name);
    for (i = 0; i < l.n && status == EXIT_INTACT; i++)
        status = scan_entry(t, dir, &l.v[i]);
    for (i = 0; i < l.n; i++)
        free(l.v[i].name);
    free(l.v);
    return status;
}

static int scan_entry(struct tree *t, const char *dir, const struct entry *e)
{
    size_t dlen = strlen(dir), nlen = strlen(e->name);
    char *path = xmalloc(dlen + 1 + nlen + 1);
    enum qpybak_reason why;
    struct qpybak_stat st;
    int err;

    memcpy(path, dir, dlen);
    path[dlen] = '/';
    memcpy(path + dlen + 1, e->name, nlen + 1);

    /* The core's one rule (qpybak_name_check): pack refuses exactly what
     * boot would refuse to track - qpybak's own names (/usr/checksum.json,
     * /usr/.qpybak, the staging folder /usr/.updater, *.qpybak-tmp, in any
     * letter case) and names that are no valid device path. */
    why = qpybak_name_check(path, dlen + 1 + nlen, 0);
    if (why == QPYBAK_REASON_NAME_TOO_LONG) {
        err = refuse(t, path, "name too long (a device path has at most 255 bytes)");
    } else if (why == QPYBAK_REASON_RESERVED) {
        err = refuse(t, path, "reserved name (qpybak's own files, the staging folder "
                              ".updater, or a name ending in .qpybak-tmp)");
    } else if (why != QPYBAK_REASON_NONE) {
        err = refuse(t, path, "not a valid device path (control character, backslash "
                              "or invalid UTF-8)");
    } else if (e->type == QPYBAK_TYPE_OTHER) {
        err = refuse_other(t, path);
    } else if (e->type == QPYBAK_TYPE_DIR) {
        push(t, path, true);
        return scan_dir(t, path); /* the name check bounds the depth */
    } else if ((err = t->app.port.stat(t->app.port.ctx, path, &st)) != 0) {
        err = refuse(t, path, errtext(err));
    } else if (st.type != QPYBAK_TYPE_FILE) {
        err = refuse(t, path, "changed while pack was reading it");
    } else if (st.size > UINT32_MAX) {
        err = refuse(t, path, "file too large (4 GiB or more)");
    } else {
        push(t, path, false);
        t->items[t->n - 1].size = (uint32_t)st.size; /* the copy records what it read */
        return EXIT_INTACT;
    }
    free(path);
    return err;
}

int pack_scan(struct tree *t, const char *app_dir)
{
    int status;

    memset(t, 0, sizeof(*t));
    t->app_dir = app_dir;
    t->app.usr_fd = t->app.bak_fd = -1;
    if (need_dir(NULL, app_dir) != 0)
        return EXIT_USAGE;
    status = qpybak_posix_open(&t->app, app_dir, NULL);
    if (status)
        return cli_error(NULL, app_dir, errtext(status));
    return scan_dir(t, "/usr");
}

void pack_free(struct tree *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->items[i].path);
    free(t->items);
    qpybak_posix_close(&t->app);
}

/* ------------------------------------------------------------ outputs */

/* Missing (pack creates it) or an empty directory. */
static int check_empty(const char *opt, const char *dir)
{
    struct dirent *de;
    struct stat st;
    DIR *d;

    if (stat(dir, &st) != 0)
        return errno == ENOENT ? 0 : cli_error(opt, dir, syserr(errno));
    if (!S_ISDIR(st.st_mode))
        return cli_error(opt, dir, "not a directory");
    d = opendir(dir);
    if (d == NULL)
        return cli_error(opt, dir, syserr(errno));
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            closedir(d);
            return cli_error(opt, dir, "output directory not empty");
        }
    }
    closedir(d);
    return 0;
}

int pack_check_outputs(const struct opts *o)
{
    char *app = NULL, *bak = NULL, *usr = NULL;
    int status = EXIT_INTACT;

    if (check_empty("--bak ", o->bak) || (o->usr && check_empty("--usr ", o->usr)))
        return EXIT_USAGE;
    app = resolve_dir(o->args[0]);
    if (app == NULL)
        status = cli_error(NULL, o->args[0], syserr(errno));
    else if ((bak = resolve_dir(o->bak)) == NULL)
        status = cli_error("--bak ", o->bak, syserr(errno));
    else if (o->usr && (usr = resolve_dir(o->usr)) == NULL)
        status = cli_error("--usr ", o->usr, syserr(errno));
    else if (dirs_overlap(app, bak))
        status = cli_error("--bak ", o->bak, "overlaps APP_DIR");
    else if (usr && dirs_overlap(app, usr))
        status = cli_error("--usr ", o->usr, "overlaps APP_DIR");
    else if (usr && dirs_overlap(bak, usr))
        status = cli_error("--usr ", o->usr, "overlaps the --bak directory");
    free(app);
    free(bak);
    free(usr);
    return status;
}
