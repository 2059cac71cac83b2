/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pack, second half: APP_DIR has been scanned and every check has passed
 * (pack_scan.c); write the backup partition and, with --usr, the factory
 * user partition, through a POSIX port whose /bak is BAK_DIR and whose
 * /usr is USR_DIR.  Each copy's checksum is taken from the bytes actually
 * written, so the manifests describe the partitions, not the scan.
 */
#include "pack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct pack {
    const struct opts *o;
    struct tree tree;
    struct qpybak_posix out;
    uint8_t *buf;
    size_t buf_size;
};

/* The host name of an output device path, for messages. */
static char *out_path(const struct pack *pk, const char *dev)
{
    return host_path(pk->o, dev); /* "/bak/usr/a" -> "BAK_DIR/usr/a" */
}

static int fail(char *host, int err)
{
    char why[128];

    snprintf(why, sizeof(why), "%s (output incomplete)", errtext(err));
    cli_error(NULL, host, why);
    free(host);
    return EXIT_USAGE;
}

static int out_fail(const struct pack *pk, const char *dev, int err)
{
    return fail(out_path(pk, dev), err);
}

static int write_all(const struct qpybak_port *port, int h, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len > 0) {
        int n = port->write(port->ctx, h, p, len);

        if (n <= 0)
            return n < 0 ? n : QPYBAK_ERR_IO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Up to two output files that receive the same bytes. */
struct fan {
    const struct qpybak_port *port;
    const char *dev[2];
    int h[2];
    int n;
    int failed; /* which one failed */
};

static int fan_open(struct pack *pk, struct fan *f)
{
    int i;

    f->port = &pk->out.port;
    f->h[0] = f->h[1] = -1;
    for (i = 0; i < f->n; i++) {
        f->h[i] = f->port->open(f->port->ctx, f->dev[i], QPYBAK_O_WRITE);
        if (f->h[i] < 0) {
            f->failed = i;
            return f->h[i];
        }
    }
    return 0;
}

static int fan_write(void *ctx, const void *buf, size_t len)
{
    struct fan *f = ctx;
    int i, err;

    for (i = 0; i < f->n; i++) {
        err = write_all(f->port, f->h[i], buf, len);
        if (err) {
            f->failed = i;
            return err;
        }
    }
    return 0;
}

/* Syncs and closes every output; after an error (err != 0) only closes. */
static int fan_close(struct fan *f, int err)
{
    int i, e;

    for (i = 0; i < f->n; i++) {
        if (f->h[i] < 0)
            continue;
        if (err == 0 && (e = f->port->sync(f->port->ctx, f->h[i])) != 0) {
            err = e;
            f->failed = i;
        }
        e = f->port->close(f->port->ctx, f->h[i]);
        if (err == 0 && e != 0) {
            err = e;
            f->failed = i;
        }
        f->h[i] = -1;
    }
    return err;
}

static int copy_file(struct pack *pk, struct item *it)
{
    const struct qpybak_port *app = &pk->tree.app.port;
    char *bak_dev = join("/bak", it->path);
    struct fan f;
    uint32_t crc = QPYBAK_CRC_SEED;
    uint64_t size = 0;
    int src, n, err;

    src = app->open(app->ctx, it->path, QPYBAK_O_READ);
    if (src < 0) {
        free(bak_dev);
        return fail(app_path(&pk->tree, it->path), src);
    }
    f.dev[0] = bak_dev;
    f.dev[1] = it->path;
    f.n = pk->o->usr ? 2 : 1;
    f.failed = 0;
    err = fan_open(pk, &f);
    while (err == 0 && (n = app->read(app->ctx, src, pk->buf, pk->buf_size)) != 0) {
        if (n < 0 || size + (uint64_t)n > UINT32_MAX) {
            fan_close(&f, n);
            app->close(app->ctx, src);
            free(bak_dev);
            return fail(app_path(&pk->tree, it->path), n < 0 ? n : QPYBAK_ERR_FBIG);
        }
        crc = qpybak_crc32(crc, pk->buf, (size_t)n);
        size += (uint64_t)n;
        err = fan_write(&f, pk->buf, (size_t)n);
    }
    app->close(app->ctx, src);
    err = fan_close(&f, err);
    if (err)
        err = out_fail(pk, f.dev[f.failed], err);
    free(bak_dev);
    it->crc = crc;
    it->size = (uint32_t)size;
    return err;
}

/* One manifest, written to one or two files (the user manifest and its
 * shadow get identical bytes). */
static int write_manifest(struct pack *pk, const char *dev0, const char *dev1)
{
    struct qpybak_writer w;
    struct fan f;
    size_t i;
    int err;

    f.dev[0] = dev0;
    f.dev[1] = dev1;
    f.n = dev1 ? 2 : 1;
    f.failed = 0;
    err = fan_open(pk, &f);
    if (err == 0)
        err = qpybak_writer_begin(&w, fan_write, &f);
    for (i = 0; err == 0 && i < pk->tree.n; i++) {
        const struct item *it = &pk->tree.items[i];

        if (!it->dir)
            err = qpybak_writer_entry(&w, it->path, strlen(it->path), it->crc, true, it->size);
    }
    if (err == 0)
        err = qpybak_writer_end(&w);
    err = fan_close(&f, err);
    return err ? out_fail(pk, f.dev[f.failed], err) : 0;
}

static int write_flag(struct pack *pk)
{
    const char *text = pk->o->disabled ? "{\"enable\": 0}\n" : "{\"enable\": 1}\n";
    struct fan f;
    int err;

    f.dev[0] = "/bak/backup_restore.json";
    f.n = 1;
    f.failed = 0;
    err = fan_open(pk, &f);
    if (err == 0)
        err = fan_write(&f, text, strlen(text));
    err = fan_close(&f, err);
    return err ? out_fail(pk, f.dev[0], err) : 0;
}

static int make_dir(struct pack *pk, const char *dev)
{
    int err = pk->out.port.mkdir(pk->out.port.ctx, dev);

    return err ? out_fail(pk, dev, err) : 0;
}

/* mkdir -p on the host: the output directories may not exist yet. */
static int make_root(const char *opt, const char *dir)
{
    char *s = xstrdup(dir), *p;

    for (p = s + 1;; p++) {
        char c = *p;

        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(s, 0755) != 0 && errno != EEXIST) {
            int err = errno;

            cli_error(opt, s, syserr(err));
            free(s);
            return EXIT_USAGE;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    free(s);
    return need_dir(opt, dir);
}

static int write_all_items(struct pack *pk)
{
    size_t i;
    int status = EXIT_INTACT;

    status = make_dir(pk, "/bak/usr");
    for (i = 0; status == EXIT_INTACT && i < pk->tree.n; i++) {
        struct item *it = &pk->tree.items[i];

        if (it->dir) {
            char *bak_dev = join("/bak", it->path);

            /* Depth-first order: the parent was made just before. */
            status = make_dir(pk, bak_dev);
            free(bak_dev);
            if (status == EXIT_INTACT && pk->o->usr)
                status = make_dir(pk, it->path);
        } else {
            status = copy_file(pk, it);
        }
    }
    /* The manifests last: they describe what was written. */
    if (status == EXIT_INTACT)
        status = write_manifest(pk, "/bak/checksum.json", NULL);
    if (status == EXIT_INTACT)
        status = write_flag(pk);
    if (status == EXIT_INTACT && pk->o->usr) {
        status = make_dir(pk, "/usr/.qpybak");
        if (status == EXIT_INTACT)
            status = write_manifest(pk, "/usr/checksum.json", "/usr/.qpybak/checksum.json");
    }
    return status;
}

int cmd_pack(const struct opts *o)
{
    struct pack pk;
    unsigned long files = 0;
    unsigned long long bytes = 0;
    size_t i;
    int status, err;

    memset(&pk, 0, sizeof(pk));
    pk.o = o;
    pk.buf = cli_work(&pk.buf_size);
    status = pack_scan(&pk.tree, o->args[0]);
    if (status == EXIT_INTACT)
        status = pack_check_outputs(o);
    /* Every check has passed: from here on, pack writes. */
    if (status == EXIT_INTACT)
        status = make_root("--bak ", o->bak);
    if (status == EXIT_INTACT && o->usr)
        status = make_root("--usr ", o->usr);
    if (status == EXIT_INTACT) {
        err = qpybak_posix_open(&pk.out, o->usr, o->bak);
        if (err) {
            status = cli_error(NULL, pk.out.failed_root, errtext(err));
        } else {
            pk.out.bak_writable = true; /* pack alone builds the backup partition */
            status = write_all_items(&pk);
            qpybak_posix_close(&pk.out);
        }
    }
    if (status == EXIT_INTACT) {
        for (i = 0; i < pk.tree.n; i++) {
            if (!pk.tree.items[i].dir) {
                files++;
                bytes += pk.tree.items[i].size;
            }
        }
        printf("pack: %lu file%s, %llu bytes, backup restoration %s\n", files,
               files == 1 ? "" : "s", bytes, o->disabled ? "disabled" : "enabled");
    }
    pack_free(&pk.tree);
    return status;
}
