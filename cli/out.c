/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output helpers of the qpybak command: names made safe for a terminal,
 * the one-line error format, and small host utilities.
 */
#define _XOPEN_SOURCE 700 /* realpath: XSI in glibc's headers, base in POSIX 2008 */

#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The progress display on the screen, if any: an error line erases it. */
static struct progress *progress_shown;

static void progress_erase(struct progress *pg)
{
    if (pg == NULL || !pg->shown)
        return;
    fprintf(stderr, "\r%*s\r", pg->width, "");
    fflush(stderr);
    pg->shown = false;
    progress_shown = NULL;
}

static void put_hex(FILE *f, unsigned char c)
{
    fprintf(f, "\\x%02x", c);
}

void put_name(FILE *f, const char *name)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t n = strlen(name), i = 0;

    while (i < n) {
        size_t run = i, len;

        /* A run of plain printable ASCII goes out in one call. */
        while (run < n && s[run] >= 0x20 && s[run] < 0x7F && s[run] != '\\')
            run++;
        if (run > i) {
            fwrite(s + i, 1, run - i, f);
            i = run;
            continue;
        }
        len = qpybak_utf8_len(s + i, n - i);
        if (len == 0 || s[i] < 0x20 || s[i] == 0x7F || s[i] == '\\') {
            put_hex(f, s[i]);
            i++;
        } else if (len == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0) {
            /* U+0080..U+009F: C1 controls, which some terminals obey. */
            put_hex(f, s[i]);
            put_hex(f, s[i + 1]);
            i += 2;
        } else {
            fwrite(s + i, 1, len, f);
            i += len;
        }
    }
}

int cli_error(const char *prefix, const char *name, const char *why)
{
    progress_erase(progress_shown);
    fflush(stdout); /* keep stdout and stderr lines in order on a terminal */
    fputs("qpybak: ", stderr);
    if (prefix)
        fputs(prefix, stderr);
    if (name)
        put_name(stderr, name);
    if (prefix || name)
        fputs(": ", stderr);
    fprintf(stderr, "%s\n", why);
    return EXIT_USAGE;
}

const char *errtext(int err)
{
    static char text[128];

    const char *known = qpybak_strerror_known(err);

    /* The library's words for its own codes, not the C library's
     * (QPYBAK_ERR_CORRUPT is EBADMSG's number, and means bad JSON). */
    if (known != NULL)
        return known;
    if (err == QPYBAK_POSIX_ERR_OVERLAP)
        return "the --usr and --bak directories overlap";
    if (err >= 0)
        return qpybak_strerror(err);
    /* The POSIX port passes other errno values through as -errno; the C
     * library's text, lower-cased like the rest ("permission denied"). */
    snprintf(text, sizeof(text), "%s", strerror(-err));
    text[0] = (char)tolower((unsigned char)text[0]);
    return text;
}

const char *syserr(int errnum)
{
    return errtext(qpybak_posix_error(errnum));
}

/* The first write error on stdout (an errno value), 0 while there is
 * none.  Taken as soon as stdio reports it, before a later system call
 * can change errno. */
static int out_errno;

bool out_live(void)
{
    if (out_errno == 0 && ferror(stdout))
        out_errno = errno ? errno : EIO;
    return out_errno == 0;
}

int cli_finish(int status)
{
    if (out_live() && fflush(stdout) != 0)
        out_errno = errno ? errno : EIO;
    if (!out_live()) {
        cli_error(NULL, "stdout", syserr(out_errno));
        return EXIT_USAGE;
    }
    return status;
}

int write_stdout(void *ctx, const void *buf, size_t len)
{
    bool ok;

    (void)ctx;
    if (!out_live())
        return QPYBAK_ERR_IO; /* nothing more after a write error */
    ok = fwrite(buf, 1, len, stdout) == len;
    return out_live() && ok ? 0 : QPYBAK_ERR_IO;
}

char *host_path(const struct opts *o, const char *dev)
{
    const char *root = strncmp(dev, "/bak", 4) == 0 ? o->bak
                       : strncmp(dev, "/usr", 4) == 0 ? o->usr
                                                      : NULL;

    if (root == NULL || (dev[4] != '\0' && dev[4] != '/'))
        return xstrdup(dev); /* not under a root given: the device path */
    return join(root, dev + 4);
}

void put_reason(FILE *f, const struct opts *o, enum qpybak_reason reason, int err,
                const char *err_path, const char *name)
{
    fprintf(f, " (%s", qpybak_reason_text(reason));
    if (err != 0) {
        fputs(": ", f);
        /* The entry's own file needs no second mention; a temporary name,
         * a backup copy or a folder on the way does. */
        put_fault(f, o, name && err_path && strcmp(err_path, name) == 0 ? NULL : err_path, err);
    }
    fputc(')', f);
}

void put_fault(FILE *f, const struct opts *o, const char *dev, int err)
{
    if (dev != NULL) {
        char *host = host_path(o, dev);

        put_name(f, host);
        fputs(": ", f);
        free(host);
    }
    fputs(errtext(err), f);
}

int need_dir(const char *opt, const char *dir)
{
    struct stat st;
    char prefix[16];

    snprintf(prefix, sizeof(prefix), "%s ", opt ? opt : "");
    if (stat(dir, &st) != 0)
        return cli_error(opt ? prefix : NULL, dir,
                         errno == ENOENT ? "no such directory" : syserr(errno));
    if (!S_ISDIR(st.st_mode))
        return cli_error(opt ? prefix : NULL, dir, "not a directory");
    return 0;
}

/* The root whose lock another run holds, for the one waiting line. */
static const char *wait_usr;

static void say_waiting(void *ctx)
{
    static bool said; /* calc locks once per PATH: one line per command */

    (void)ctx;
    if (!said)
        cli_error(NULL, wait_usr, "waiting for another qpybak run");
    said = true;
}

int open_roots(struct qpybak_posix *p, const char *usr, const char *bak)
{
    int err;

    if ((usr && need_dir("--usr", usr)) || (bak && need_dir("--bak", bak)))
        return EXIT_USAGE;
    /* The port compares the roots by device and inode: one inside the
     * other - a bind mount included - and boot would write into the
     * backup partition. */
    err = qpybak_posix_open(p, usr, bak);
    if (err == QPYBAK_POSIX_ERR_OVERLAP)
        return cli_error("--usr ", usr, "is the --bak directory, or one holds the other");
    if (err)
        return cli_error(NULL, p->failed_root, errtext(err));
    wait_usr = usr;
    p->on_wait = say_waiting;
    return 0;
}

/* ------------------------------------------------------------ progress */

static double seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "12,345" */
static void thousands(char *out, size_t cap, uint64_t n)
{
    char digits[24];
    size_t len, i, o = 0;

    snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
    len = strlen(digits);
    for (i = 0; i < len && o + 2 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/* "9.8 MiB": bytes in KiB, MiB or GiB, one decimal. */
static void human_bytes(char *out, size_t cap, double b)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;

    while (b >= 1024 && u < 4) {
        b /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, cap, "%.0f B", b);
    else
        snprintf(out, cap, "%.1f %s", b, unit[u]);
}

void progress_begin(struct progress *pg, const char *what, bool quiet, uint64_t files_total,
                    uint64_t bytes_total)
{
    memset(pg, 0, sizeof(*pg));
    pg->on = !quiet && isatty(STDERR_FILENO);
    pg->what = what;
    pg->files_total = files_total;
    pg->bytes_total = bytes_total;
    pg->stdout_tty = isatty(STDOUT_FILENO) != 0;
    if (pg->on) {
        /* Nothing for a command that ends within a second.  The tests set
         * QPYBAK_PROGRESS_AFTER=0 (seconds) to see the line at once. */
        const char *after = getenv("QPYBAK_PROGRESS_AFTER");

        pg->start = seconds();
        pg->next = pg->start + (after && *after ? strtod(after, NULL) : 1.0);
    }
}

void progress_step(struct progress *pg, uint64_t files, uint64_t bytes)
{
    char line[160], a[32], b[32], c[32], d[32], e[32];
    double now, t;
    int n;

    pg->files = files;
    pg->bytes = bytes;
    if (!pg->on || (now = seconds()) < pg->next)
        return;
    pg->next = now + 0.25; /* four redraws a second */
    if (pg->totals != NULL) {
        pg->totals(pg->totals_ctx, &pg->files_total, &pg->bytes_total);
        pg->totals = NULL;
    }
    /* A total the count has passed was wrong (the manifest changed under
     * the run, or boot used another copy): no total rather than a false one. */
    if (files > pg->files_total)
        pg->files_total = 0;
    if (bytes > pg->bytes_total)
        pg->bytes_total = 0;
    t = now - pg->start;
    thousands(a, sizeof(a), files);
    human_bytes(c, sizeof(c), (double)bytes);
    thousands(e, sizeof(e), (uint64_t)((double)files / t));
    human_bytes(d, sizeof(d), (double)bytes / t);
    if (pg->files_total) {
        thousands(b, sizeof(b), pg->files_total);
        n = snprintf(line, sizeof(line), "%s: %s / %s files", pg->what, a, b);
    } else {
        n = snprintf(line, sizeof(line), "%s: %s files", pg->what, a);
    }
    if (pg->bytes_total) {
        human_bytes(b, sizeof(b), (double)pg->bytes_total);
        n += snprintf(line + n, sizeof(line) - (size_t)n, ", %s / %s", c, b);
    } else {
        n += snprintf(line + n, sizeof(line) - (size_t)n, ", %s", c);
    }
    n += snprintf(line + n, sizeof(line) - (size_t)n, ", %s files/s, %s/s", e, d);
    /* Pad over a longer line drawn before; stdout first, in case it shares
     * the terminal. */
    fflush(stdout);
    fprintf(stderr, "\r%s%*s", line, pg->width > n ? pg->width - n : 0, "");
    fflush(stderr);
    if (n > pg->width)
        pg->width = n;
    pg->shown = true;
    progress_shown = pg;
}

void progress_pause(struct progress *pg)
{
    if (pg->stdout_tty)
        progress_erase(pg);
}

void progress_end(struct progress *pg)
{
    progress_erase(pg);
    pg->on = false;
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (p == NULL) {
        cli_error(NULL, NULL, "out of memory");
        exit(EXIT_USAGE);
    }
    return p;
}

char *join(const char *dir, const char *rest)
{
    size_t dlen = strlen(dir), rlen = strlen(rest);
    char *s;

    while (dlen > 1 && dir[dlen - 1] == '/')
        dlen--; /* "out/" + "/usr" is "out/usr" */
    if (dlen == 1 && dir[0] == '/' && rlen > 0)
        dlen = 0; /* "/" + "/usr" is "/usr" */
    s = xmalloc(dlen + rlen + 1);
    memcpy(s, dir, dlen);
    memcpy(s + dlen, rest, rlen + 1);
    return s;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;

    return memcpy(xmalloc(n), s, n);
}

/* The absolute, link-free form of a directory that may not exist yet: the
 * longest existing prefix through realpath, the rest appended as mkdir -p
 * will create it.  NULL with errno set when that fails. */
char *resolve_dir(const char *path)
{
    char *real = realpath(path, NULL), *copy, *slash, *parent, *out;
    const char *last;
    size_t n;

    if (real != NULL || errno != ENOENT)
        return real;
    copy = xstrdup(path);
    n = strlen(copy);
    while (n > 1 && copy[n - 1] == '/')
        copy[--n] = '\0';
    slash = strrchr(copy, '/');
    if (slash == NULL) {
        parent = resolve_dir(".");
        last = copy;
    } else if (slash == copy) {
        parent = resolve_dir("/");
        last = copy + 1;
    } else {
        *slash = '\0';
        parent = resolve_dir(copy);
        last = slash + 1;
    }
    if (parent == NULL || strcmp(last, ".") == 0 || last[0] == '\0') {
        out = parent;
    } else if (strcmp(last, "..") == 0) {
        char *cut = strrchr(parent, '/');

        if (cut != NULL)
            cut[cut == parent ? 1 : 0] = '\0'; /* "/a" -> "/", "/a/b" -> "/a" */
        out = parent;
    } else {
        size_t plen = strlen(parent), llen = strlen(last);

        out = xmalloc(plen + 1 + llen + 1);
        memcpy(out, parent, plen);
        n = (plen == 1 && parent[0] == '/') ? 0 : plen; /* no "//" below "/" */
        out[n] = '/';
        memcpy(out + n + 1, last, llen + 1);
        free(parent);
    }
    free(copy);
    return out;
}

/* Whether b is a or lies below it (both resolved). */
static bool inside(const char *a, const char *b)
{
    size_t n = strlen(a);

    return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/' || (n == 1 && a[0] == '/'));
}

bool dirs_overlap(const char *a, const char *b)
{
    return inside(a, b) || inside(b, a);
}
