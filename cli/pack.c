/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pack, second half: APP_DIR has been scanned and every check has passed
 * (pack_scan.c); write the backup partition and, with --usr, the factory
 * user partition, through a POSIX port whose /bak is BAK_DIR and whose
 * /usr is USR_DIR.  Each copy's checksum is taken from the bytes actually
 * written, so the manifests describe the partitions, not the scan.
 *
 * At factory scale (tens of thousands of files) what costs is system
 * calls: the port opens each path in one call where the kernel allows
 * (openat2), the manifests go out through one buffer, and the tree is made
 * durable once at the end - one syncfs per file system (defer_sync in the
 * port) - instead of an fsync per file and per folder.  A progress line
 * shows on a terminal after a second.
 *
 * --format quecpython writes the manifests in QuecPython's own form
 * (qpybak_writer_begin_form), which its firmware reads only 16,384 bytes
 * of: a tree whose manifest would be larger is refused before anything is
 * written (check_quecpython_size).
 */
#include "pack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* QuecPython's restore reads checksum.json with fp.read(16384) and parses
 * only that: past it, its restore is silently off. */
#define QUECPYTHON_MANIFEST_MAX 16384u

/* A warning line: "warning       NAME: TEXT", or TEXT alone. */
struct warning {
    const char *name; /* the device path it is about (an item's), or NULL */
    char *text;       /* owned */
};

struct pack {
    const struct opts *o;
    struct tree tree;
    struct qpybak_posix out;
    uint8_t *buf;
    size_t buf_size;
    struct progress progress;
    uint64_t files_done, bytes_done;
    uint64_t manifest_bytes; /* of checksum.json */
    struct warning *warn;
    size_t nwarn;
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
    pk->files_done++;
    pk->bytes_done += size;
    progress_step(&pk->progress, pk->files_done, pk->bytes_done);
    return err;
}

/* The manifest writer's small pieces (a name, a quote, a comma) go into
 * the work buffer - free once the files are copied - and out in big
 * writes. */
struct outbuf {
    struct fan *fan;
    uint8_t *buf;
    size_t size, len;
    uint64_t total;
};

static int outbuf_flush(struct outbuf *b)
{
    int err = b->len ? fan_write(b->fan, b->buf, b->len) : 0;

    b->len = 0;
    return err;
}

static int outbuf_write(void *ctx, const void *buf, size_t len)
{
    struct outbuf *b = ctx;
    int err;

    b->total += len;
    if (b->len + len > b->size && (err = outbuf_flush(b)) != 0)
        return err;
    if (len > b->size)
        return fan_write(b->fan, buf, len);
    memcpy(b->buf + b->len, buf, len);
    b->len += len;
    return 0;
}

/* One manifest, written to one or two files (the user manifest and its
 * shadow get identical bytes). */
static int write_manifest(struct pack *pk, const char *dev0, const char *dev1)
{
    struct qpybak_writer w;
    struct outbuf b;
    struct fan f;
    size_t i;
    int err;

    f.dev[0] = dev0;
    f.dev[1] = dev1;
    f.n = dev1 ? 2 : 1;
    f.failed = 0;
    b.fan = &f;
    b.buf = pk->buf;
    b.size = pk->buf_size;
    b.len = 0;
    b.total = 0;
    err = fan_open(pk, &f);
    if (err == 0)
        err = qpybak_writer_begin_form(&w, outbuf_write, &b, pk->o->form);
    for (i = 0; err == 0 && i < pk->tree.n; i++) {
        const struct item *it = &pk->tree.items[i];

        if (!it->dir)
            err = qpybak_writer_entry(&w, it->path, strlen(it->path), it->crc, true, it->size);
    }
    if (err == 0)
        err = qpybak_writer_end(&w);
    if (err == 0)
        err = outbuf_flush(&b);
    err = fan_close(&f, err);
    pk->manifest_bytes = b.total;
    return err ? out_fail(pk, f.dev[f.failed], err) : 0;
}

/* ---------------------------------------------------- the manifest's size */

static int count_write(void *ctx, const void *buf, size_t len)
{
    (void)buf;
    *(uint64_t *)ctx += len;
    return 0;
}

/* The size of checksum.json in the run's form, measured by the writer
 * itself, with every file's crc *crc, or its own when crc is NULL. */
static uint64_t manifest_size(const struct pack *pk, const uint32_t *crc)
{
    struct qpybak_writer w;
    uint64_t total = 0;
    size_t i;

    qpybak_writer_begin_form(&w, count_write, &total, pk->o->form);
    for (i = 0; i < pk->tree.n; i++) {
        const struct item *it = &pk->tree.items[i];

        if (!it->dir)
            qpybak_writer_entry(&w, it->path, strlen(it->path), crc ? *crc : it->crc, true,
                                it->size);
    }
    qpybak_writer_end(&w);
    return total;
}

/* "qpybak: BAK_DIR/checksum.json: would be N bytes, more than ..." */
static int too_large(const struct pack *pk, uint64_t bytes, bool at_least, const char *after)
{
    char *host = out_path(pk, QPYBAK_PATH_BACKUP_MANIFEST);
    char why[256];

    snprintf(why, sizeof(why),
             "would be %s%llu bytes, more than the %u bytes QuecPython firmware reads "
             "(--format quecpython)%s",
             at_least ? "at least " : "", (unsigned long long)bytes, QUECPYTHON_MANIFEST_MAX,
             after);
    cli_error(NULL, host, why);
    free(host);
    return EXIT_USAGE;
}

static int app_fail(const struct pack *pk, const struct item *it, int err)
{
    char *host = app_path(&pk->tree, it->path);

    cli_error(NULL, host, errtext(err));
    free(host);
    return EXIT_USAGE;
}

/* The crc of an APP_DIR file, read ahead of its copy. */
static int crc_ahead(struct pack *pk, struct item *it)
{
    const struct qpybak_port *app = &pk->tree.app.port;
    uint32_t crc = QPYBAK_CRC_SEED;
    int h, n;

    h = app->open(app->ctx, it->path, QPYBAK_O_READ);
    if (h < 0)
        return app_fail(pk, it, h);
    while ((n = app->read(app->ctx, h, pk->buf, pk->buf_size)) > 0)
        crc = qpybak_crc32(crc, pk->buf, (size_t)n);
    app->close(app->ctx, h);
    if (n < 0)
        return app_fail(pk, it, n);
    it->crc = crc;
    return EXIT_INTACT;
}

/* --format quecpython: QuecPython firmware reads only the first 16,384
 * bytes of checksum.json, so a tree whose manifest would be larger is
 * refused before a byte is written.  The size depends on the crcs (hex()
 * drops leading zeros): the names alone tell when it fits whatever the
 * crcs (each 8 digits) or cannot fit (each 1 digit); in between, the
 * files are read ahead for their crcs. */
static int check_quecpython_size(struct pack *pk)
{
    const uint32_t shortest = 0, longest = 0xffffffffu; /* hex(): 1 and 8 digits */
    uint64_t bytes = manifest_size(pk, &shortest);
    size_t i;
    int status;

    if (bytes > QUECPYTHON_MANIFEST_MAX)
        return too_large(pk, bytes, true, "");
    if (manifest_size(pk, &longest) <= QUECPYTHON_MANIFEST_MAX)
        return EXIT_INTACT;
    for (i = 0; i < pk->tree.n; i++) {
        if (!pk->tree.items[i].dir && (status = crc_ahead(pk, &pk->tree.items[i])) != 0)
            return status;
    }
    bytes = manifest_size(pk, NULL);
    return bytes > QUECPYTHON_MANIFEST_MAX ? too_large(pk, bytes, false, "") : EXIT_INTACT;
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
    uint64_t bytes;
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
    /* The manifests last: they describe what was written.  A file that
     * changed after check_quecpython_size read it can still make the
     * manifest too large: then the output is not usable. */
    if (status == EXIT_INTACT && pk->o->form == QPYBAK_FORM_QUECPYTHON &&
        (bytes = manifest_size(pk, NULL)) > QUECPYTHON_MANIFEST_MAX)
        status = too_large(pk, bytes, false,
                           " (APP_DIR changed while pack was reading it; output incomplete)");
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

/* ----------------------------------------------------------- the summary */

static void add_warning(struct pack *pk, const char *name, const char *text)
{
    pk->warn[pk->nwarn].name = name;
    pk->warn[pk->nwarn].text = xstrdup(text);
    pk->nwarn++;
}

/* Things the one who packed must not miss. */
static void collect_warnings(struct pack *pk, unsigned long long files)
{
    const struct opts *o = pk->o;
    bool quecpython = o->form == QPYBAK_FORM_QUECPYTHON;
    char text[160];
    size_t i;

    pk->warn = xmalloc((3 + (quecpython ? pk->tree.n : 0)) * sizeof(*pk->warn));
    if (files == 0)
        add_warning(pk, NULL, "APP_DIR holds no files: nothing is tracked");
    if (o->disabled)
        add_warning(pk, NULL, "backup restoration disabled: boot checks and restores nothing");
    if (!quecpython && pk->manifest_bytes > QUECPYTHON_MANIFEST_MAX) {
        snprintf(text, sizeof(text),
                 "checksum.json is %llu bytes: QuecPython firmware reads only the first %u "
                 "bytes of checksum.json; qpybak reads any size",
                 (unsigned long long)pk->manifest_bytes, QUECPYTHON_MANIFEST_MAX);
        add_warning(pk, NULL, text);
    }
    /* QuecPython's file_crc32.calc gives no checksum for an empty file: its
     * boot finds every empty tracked file damaged and restores it, at every
     * boot.  qpybak records 0xffffffff and size 0 and finds it intact, so
     * the default form does not warn (docs/cli.md, pack). */
    for (i = 0; quecpython && i < pk->tree.n; i++) {
        const struct item *it = &pk->tree.items[i];

        if (!it->dir && it->size == 0)
            add_warning(pk, it->path,
                        "empty file: QuecPython firmware restores it at every boot "
                        "(its file_crc32.calc gives no checksum for an empty file)");
    }
}

/* A JSON string's content: the names have passed qpybak_name_check (valid
 * UTF-8, no control character, no backslash), so '"' is all there is to
 * escape; the rest is for safety. */
static void put_json_text(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
}

/* The summary: one line, or with --json one object on stdout. */
static void summary(struct pack *pk, unsigned long long files, unsigned long long bytes)
{
    const struct opts *o = pk->o;
    bool quecpython = o->form == QPYBAK_FORM_QUECPYTHON;
    size_t i;

    collect_warnings(pk, files);
    if (o->json) {
        printf("{\"command\": \"pack\", \"files\": %llu, \"bytes\": %llu, "
               "\"manifest_bytes\": %llu, \"format\": \"%s\", \"enabled\": %s, \"usr\": %s, "
               "\"warnings\": [",
               files, bytes, (unsigned long long)pk->manifest_bytes,
               quecpython ? "quecpython" : "qpybak", o->disabled ? "false" : "true",
               o->usr ? "true" : "false");
        for (i = 0; i < pk->nwarn; i++) {
            printf("%s\"", i ? ", " : "");
            if (pk->warn[i].name) {
                put_json_text(pk->warn[i].name);
                fputs(": ", stdout);
            }
            put_json_text(pk->warn[i].text);
            putchar('"');
        }
        printf("]}\n");
        return;
    }
    if (o->quiet)
        return;
    for (i = 0; i < pk->nwarn; i++) {
        fputs("warning       ", stdout);
        if (pk->warn[i].name) {
            put_name(stdout, pk->warn[i].name);
            fputs(": ", stdout);
        }
        printf("%s\n", pk->warn[i].text);
    }
    printf("pack: %llu file%s, %llu bytes, checksum.json %llu bytes%s, backup restoration %s\n",
           files, files == 1 ? "" : "s", bytes, (unsigned long long)pk->manifest_bytes,
           quecpython ? " in QuecPython's form" : "", o->disabled ? "disabled" : "enabled");
}

int cmd_pack(const struct opts *o)
{
    struct pack pk;
    unsigned long long files = 0, bytes = 0;
    size_t i;
    int status, err;

    memset(&pk, 0, sizeof(pk));
    pk.o = o;
    pk.buf = cli_work(&pk.buf_size);
    status = pack_scan(&pk.tree, o->args[0]);
    if (status == EXIT_INTACT)
        status = pack_check_outputs(o);
    if (status == EXIT_INTACT && o->form == QPYBAK_FORM_QUECPYTHON)
        status = check_quecpython_size(&pk);
    for (i = 0; i < pk.tree.n; i++) {
        if (!pk.tree.items[i].dir) {
            files++;
            bytes += pk.tree.items[i].size; /* as scanned; the copies say at the end */
        }
    }
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
            /* Durable once, at the end: pack builds the trees from nothing
             * and only its success says they are complete. */
            pk.out.defer_sync = true;
            progress_begin(&pk.progress, "pack", o->quiet, files, bytes);
            status = write_all_items(&pk);
            if (status == EXIT_INTACT && (err = qpybak_posix_sync(&pk.out)) != 0) {
                char why[128];

                snprintf(why, sizeof(why), "%s (output incomplete)", errtext(err));
                status = cli_error(NULL, pk.out.failed_root, why);
            }
            progress_end(&pk.progress);
            qpybak_posix_close(&pk.out);
        }
    }
    if (status == EXIT_INTACT) {
        for (bytes = 0, i = 0; i < pk.tree.n; i++)
            bytes += pk.tree.items[i].size; /* what was copied (directories have 0) */
        summary(&pk, files, bytes);
    }
    for (i = 0; i < pk.nwarn; i++)
        free(pk.warn[i].text);
    free(pk.warn);
    pack_free(&pk.tree);
    return status;
}
