/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX port (ports/posix) on a real directory tree, with both of its
 * resolvers: openat2 with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS where the
 * kernel has it, and the O_NOFOLLOW walk (walk_only, or QPYBAK_POSIX_WALK=1).
 * Every probe - links in every position, "..", ".", files where folders
 * belong, FIFOs, exclusive creates, the read-only /bak - runs through both,
 * and both must give the same answer, the one the port contract asks for.
 */
#define _DEFAULT_SOURCE /* mkdtemp, setenv */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "qpybak.h"
#include "qpybak_posix.h"

static char top[256], usr[300], bak[300];

static void sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fail_msg("shell: %s", cmd);
}

static void put(const char *dir, const char *rel, const char *text)
{
    char path[600];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The tree: usr/ and bak/ with files, folders, and every kind of link and
 * special file in every position; outside/ holds what a link must never
 * reach. */
static int setup(void **state)
{
    const char *tmp = getenv("TMPDIR");

    (void)state;
    snprintf(top, sizeof(top), "%s/qpybak-posix-XXXXXX", tmp ? tmp : "/tmp");
    if (mkdtemp(top) == NULL)
        return -1;
    snprintf(usr, sizeof(usr), "%s/usr", top);
    snprintf(bak, sizeof(bak), "%s/bak", top);
    sh("cd '%s' && mkdir -p usr/sub/deep bak/usr outside/dir && mkfifo usr/fifo", top);
    put(usr, "main.py", "print('hi')\n");
    put(usr, "sub/a.txt", "a\n");
    put(usr, "sub/deep/b.txt", "bb\n");
    put(bak, "usr/main.py", "factory\n");
    put(top, "outside/secret", "secret\n");
    put(top, "outside/dir/x", "x\n");
    sh("cd '%s/usr' && ln -s ../outside/secret out_file && ln -s ../outside/dir out_dir && "
       "ln -s sub in_dir && ln -s main.py in_file && ln -s nowhere dangling && "
       "ln -s /etc abs_dir && ln -s ../outside/dir sub/out_dir2",
       top);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sh("rm -rf '%s'", top);
    return 0;
}

static int open_port(struct qpybak_posix *p, bool walk)
{
    int err = qpybak_posix_open(p, usr, bak);

    if (err == 0)
        p->walk_only = walk;
    return err;
}

static int probe_open(const struct qpybak_port *P, const char *path, int flags)
{
    int h = P->open(P->ctx, path, flags);

    if (h >= 0) {
        P->close(P->ctx, h);
        return 0;
    }
    return h;
}

static int probe_stat(const struct qpybak_port *P, const char *path)
{
    struct qpybak_stat st;
    int err = P->stat(P->ctx, path, &st);

    return err ? err : 100 + (int)st.type; /* 101 file, 102 dir, 103 other */
}

static int count_cb(void *ctx, const char *name, enum qpybak_type type)
{
    (void)name;
    (void)type;
    ++*(int *)ctx;
    return 0;
}

static int probe_list(const struct qpybak_port *P, const char *path)
{
    int n = 0, err = P->list(P->ctx, path, count_cb, &n);

    return err ? err : 1000 + n;
}

#define FILE_ 101
#define DIR_ 102
#define OTHER 103

struct probe {
    const char *what; /* "open", "stat", "list" */
    const char *path;
    int want;
};

/* What the contract asks for, whichever resolver runs. */
static const struct probe probes[] = {
    {"open", "/usr/main.py", 0},
    {"open", "/usr/sub/deep/b.txt", 0},
    {"open", "/bak/usr/main.py", 0},
    {"open", "/usr", QPYBAK_ERR_ISDIR},
    {"open", "/usr/sub", QPYBAK_ERR_ISDIR},
    {"open", "/usr/fifo", QPYBAK_ERR_INVAL}, /* not blocked on */
    {"open", "/usr/missing", QPYBAK_ERR_NOENT},
    {"open", "/usr/nodir/x", QPYBAK_ERR_NOENT},
    {"open", "/usr/main.py/x", QPYBAK_ERR_NOTDIR},
    /* a link anywhere: refused, whether it leads inside or outside */
    {"open", "/usr/out_file", QPYBAK_ERR_LOOP},
    {"open", "/usr/in_file", QPYBAK_ERR_LOOP},
    {"open", "/usr/dangling", QPYBAK_ERR_LOOP},
    {"open", "/usr/out_dir/x", QPYBAK_ERR_LOOP},
    {"open", "/usr/in_dir/a.txt", QPYBAK_ERR_LOOP},
    {"open", "/usr/abs_dir/passwd", QPYBAK_ERR_LOOP},
    {"open", "/usr/sub/out_dir2/x", QPYBAK_ERR_LOOP},
    {"open", "/usr/out_dir", QPYBAK_ERR_LOOP},
    /* no way out by name */
    {"open", "/usr/../outside/secret", QPYBAK_ERR_INVAL},
    {"open", "/usr/sub/../main.py", QPYBAK_ERR_INVAL},
    {"open", "/usr/./main.py", QPYBAK_ERR_INVAL},
    {"open", "/usr//main.py", QPYBAK_ERR_INVAL},
    {"open", "/usr/sub/", QPYBAK_ERR_INVAL},
    {"open", "/etc/passwd", QPYBAK_ERR_INVAL},
    {"open", "/usrx/main.py", QPYBAK_ERR_INVAL},
    {"open", "usr/main.py", QPYBAK_ERR_INVAL},
    {"stat", "/usr", DIR_},
    {"stat", "/usr/main.py", FILE_},
    {"stat", "/usr/sub", DIR_},
    {"stat", "/usr/fifo", OTHER},
    {"stat", "/usr/out_file", OTHER}, /* the link itself, not followed */
    {"stat", "/usr/out_dir", OTHER},
    {"stat", "/usr/dangling", OTHER},
    {"stat", "/usr/out_dir/x", QPYBAK_ERR_LOOP},
    {"stat", "/usr/in_dir/a.txt", QPYBAK_ERR_LOOP},
    {"stat", "/usr/missing", QPYBAK_ERR_NOENT},
    {"stat", "/usr/main.py/x", QPYBAK_ERR_NOTDIR},
    {"stat", "/usr/sub/../main.py", QPYBAK_ERR_INVAL},
    {"list", "/usr/sub/deep", 1001},
    {"list", "/usr/sub", 1000 + 3}, /* a.txt, deep, out_dir2 */
    {"list", "/bak", 1001},
    {"list", "/usr/out_dir", QPYBAK_ERR_LOOP},
    {"list", "/usr/in_dir", QPYBAK_ERR_LOOP},
    {"list", "/usr/out_dir/dir", QPYBAK_ERR_LOOP},
    {"list", "/usr/main.py", QPYBAK_ERR_NOTDIR},
    {"list", "/usr/missing", QPYBAK_ERR_NOENT},
};

static int run_probe(const struct qpybak_port *P, const struct probe *pr)
{
    if (strcmp(pr->what, "open") == 0)
        return probe_open(P, pr->path, QPYBAK_O_READ);
    if (strcmp(pr->what, "stat") == 0)
        return probe_stat(P, pr->path);
    return probe_list(P, pr->path);
}

static void check_probes(bool walk)
{
    struct qpybak_posix px;
    size_t i;

    assert_int_equal(open_port(&px, walk), 0);
    for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        int got = run_probe(&px.port, &probes[i]);

        if (got != probes[i].want)
            fail_msg("%s resolver: %s %s = %d, want %d", walk ? "walk" : "openat2",
                     probes[i].what, probes[i].path, got, probes[i].want);
    }
    qpybak_posix_close(&px);
}

static void test_resolvers_chosen(void **state)
{
    struct qpybak_posix px;

    (void)state;
    unsetenv("QPYBAK_POSIX_WALK");
    assert_int_equal(qpybak_posix_open(&px, usr, bak), 0);
    print_message("# openat2 with RESOLVE_BENEATH here: %s\n", px.has_openat2 ? "yes" : "no");
#ifdef __linux__
    /* Linux 5.6+ has it; a container's seccomp filter may refuse it. */
    if (!px.has_openat2)
        print_message("# (the beneath resolver is not tested on this machine)\n");
#endif
    assert_false(px.walk_only);
    qpybak_posix_close(&px);
    setenv("QPYBAK_POSIX_WALK", "1", 1);
    assert_int_equal(qpybak_posix_open(&px, usr, bak), 0);
    assert_true(px.walk_only);
    qpybak_posix_close(&px);
    setenv("QPYBAK_POSIX_WALK", "0", 1);
    assert_int_equal(qpybak_posix_open(&px, usr, bak), 0);
    assert_false(px.walk_only);
    qpybak_posix_close(&px);
    unsetenv("QPYBAK_POSIX_WALK");
}

static void test_probes_walk(void **state)
{
    (void)state;
    check_probes(true);
}

static void test_probes_openat2(void **state)
{
    struct qpybak_posix px;

    (void)state;
    assert_int_equal(qpybak_posix_open(&px, usr, bak), 0);
    if (!px.has_openat2) {
        qpybak_posix_close(&px);
        skip();
    }
    qpybak_posix_close(&px);
    check_probes(false);
}

/* Writes, renames, removes and mkdirs: exclusive, link-proof, /bak
 * read-only; the same in both resolvers. */
static void check_writes(bool walk)
{
    struct qpybak_posix px;
    const struct qpybak_port *P = &px.port;
    char path[600];
    struct stat st;
    int h;

    assert_int_equal(open_port(&px, walk), 0);
    /* exclusive create: a file, a link (inside or out), a dir, a FIFO in the way */
    assert_int_equal(probe_open(P, "/usr/main.py", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    assert_int_equal(probe_open(P, "/usr/out_file", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    assert_int_equal(probe_open(P, "/usr/dangling", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    assert_int_equal(probe_open(P, "/usr/sub", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    assert_int_equal(probe_open(P, "/usr/fifo", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    snprintf(path, sizeof(path), "%s/nowhere", usr);
    assert_int_not_equal(lstat(path, &st), 0); /* the dangling link made nothing */
    assert_int_equal(probe_open(P, "/usr/out_dir/new", QPYBAK_O_WRITE), QPYBAK_ERR_LOOP);
    assert_int_equal(probe_open(P, "/usr/in_dir/new", QPYBAK_O_WRITE), QPYBAK_ERR_LOOP);
    snprintf(path, sizeof(path), "%s/outside/dir/new", top);
    assert_int_not_equal(lstat(path, &st), 0);
    /* a new file, written and renamed over another */
    h = P->open(P->ctx, "/usr/sub/new.tmp", QPYBAK_O_WRITE);
    assert_true(h >= 0);
    assert_int_equal(P->write(P->ctx, h, "new\n", 4), 4);
    assert_int_equal(P->sync(P->ctx, h), 0);
    assert_int_equal(P->close(P->ctx, h), 0);
    assert_int_equal(P->rename(P->ctx, "/usr/sub/new.tmp", "/usr/sub/new"), 0);
    assert_int_equal(probe_stat(P, "/usr/sub/new"), FILE_);
    assert_int_equal(P->rename(P->ctx, "/usr/sub/new", "/usr/in_dir/new"), QPYBAK_ERR_LOOP);
    assert_int_equal(P->rename(P->ctx, "/usr/sub/new", "/bak/new"), QPYBAK_ERR_ROFS);
    assert_int_equal(P->remove(P->ctx, "/usr/out_dir/x"), QPYBAK_ERR_LOOP);
    snprintf(path, sizeof(path), "%s/outside/dir/x", top);
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal(P->remove(P->ctx, "/usr/sub/new"), 0);
    assert_int_equal(P->mkdir(P->ctx, "/usr/sub/d"), 0);
    assert_int_equal(P->mkdir(P->ctx, "/usr/sub/d"), QPYBAK_ERR_EXIST);
    assert_int_equal(P->mkdir(P->ctx, "/usr/out_dir/d"), QPYBAK_ERR_LOOP);
    assert_int_equal(P->mkdir(P->ctx, "/usr/sub/../d"), QPYBAK_ERR_INVAL);
    assert_int_equal(P->remove(P->ctx, "/usr/sub/d"), 0);
    assert_int_equal(P->remove(P->ctx, "/usr"), QPYBAK_ERR_INVAL);
    /* /bak: read-only unless the caller opts in */
    assert_int_equal(probe_open(P, "/bak/usr/new", QPYBAK_O_WRITE), QPYBAK_ERR_ROFS);
    assert_int_equal(P->mkdir(P->ctx, "/bak/d"), QPYBAK_ERR_ROFS);
    assert_int_equal(P->remove(P->ctx, "/bak/usr/main.py"), QPYBAK_ERR_ROFS);
    px.bak_writable = true;
    assert_int_equal(P->mkdir(P->ctx, "/bak/d"), 0);
    assert_int_equal(P->remove(P->ctx, "/bak/d"), 0);
    qpybak_posix_close(&px);
}

static void test_writes_walk(void **state)
{
    (void)state;
    check_writes(true);
}

static void test_writes_openat2(void **state)
{
    struct qpybak_posix px;

    (void)state;
    assert_int_equal(qpybak_posix_open(&px, usr, bak), 0);
    if (!px.has_openat2) {
        qpybak_posix_close(&px);
        skip();
    }
    qpybak_posix_close(&px);
    check_writes(false);
}

/* Reads to the end: a short read that ends at the size fstat gave at open
 * is the end (no second read); a file that grew or shrank after the open
 * is read as the kernel has it. */
static int read_all(const struct qpybak_port *P, int h, char *buf, size_t cap, size_t chunk)
{
    size_t len = 0;
    int n;

    while ((n = P->read(P->ctx, h, buf + len, chunk < cap - len ? chunk : cap - len)) > 0)
        len += (size_t)n;
    return n < 0 ? n : (int)len;
}

static void test_read_to_end(void **state)
{
    struct qpybak_posix px;
    const struct qpybak_port *P = &px.port;
    char buf[256], path[600];
    int h;
    FILE *f;

    (void)state;
    put(usr, "grow.txt", "0123456789");
    snprintf(path, sizeof(path), "%s/grow.txt", usr);
    assert_int_equal(qpybak_posix_open(&px, usr, bak), 0);
    /* whole, in one short read; then 0, and 0 again */
    h = P->open(P->ctx, "/usr/grow.txt", QPYBAK_O_READ);
    assert_true(h >= 0);
    assert_int_equal(P->read(P->ctx, h, buf, sizeof(buf)), 10);
    assert_int_equal(P->read(P->ctx, h, buf, sizeof(buf)), 0);
    assert_int_equal(P->read(P->ctx, h, buf, sizeof(buf)), 0);
    P->close(P->ctx, h);
    /* in reads of exactly the size and smaller: every byte, then 0 */
    h = P->open(P->ctx, "/usr/grow.txt", QPYBAK_O_READ);
    assert_int_equal(read_all(P, h, buf, sizeof(buf), 10), 10);
    P->close(P->ctx, h);
    h = P->open(P->ctx, "/usr/grow.txt", QPYBAK_O_READ);
    assert_int_equal(read_all(P, h, buf, sizeof(buf), 3), 10);
    assert_int_equal(memcmp(buf, "0123456789", 10), 0);
    P->close(P->ctx, h);
    /* grown after the open: the new bytes are read too */
    h = P->open(P->ctx, "/usr/grow.txt", QPYBAK_O_READ);
    f = fopen(path, "a");
    assert_non_null(f);
    fputs("abcdef", f);
    fclose(f);
    assert_int_equal(read_all(P, h, buf, sizeof(buf), sizeof(buf)), 16);
    assert_int_equal(memcmp(buf, "0123456789abcdef", 16), 0);
    P->close(P->ctx, h);
    /* shrunk after the open: what is left */
    h = P->open(P->ctx, "/usr/grow.txt", QPYBAK_O_READ);
    assert_int_equal(truncate(path, 4), 0);
    assert_int_equal(read_all(P, h, buf, sizeof(buf), sizeof(buf)), 4);
    P->close(P->ctx, h);
    /* grown after a first short read that ended at the old size: that read
     * was the end of the file as it was */
    h = P->open(P->ctx, "/usr/grow.txt", QPYBAK_O_READ);
    assert_int_equal(P->read(P->ctx, h, buf, sizeof(buf)), 4);
    f = fopen(path, "a");
    fputs("xy", f);
    fclose(f);
    assert_int_equal(P->read(P->ctx, h, buf, sizeof(buf)), 0);
    P->close(P->ctx, h);
    qpybak_posix_close(&px);
    remove(path);
}

/* defer_sync: writes as usual, one qpybak_posix_sync at the end. */
static void test_deferred_sync(void **state)
{
    struct qpybak_posix px;
    const struct qpybak_port *P = &px.port;
    int h;

    (void)state;
    assert_int_equal(qpybak_posix_open(&px, usr, bak), 0);
    assert_int_equal(qpybak_posix_sync(&px), 0); /* nothing deferred: nothing to do */
    px.defer_sync = true;
    px.bak_writable = true;
    assert_int_equal(P->mkdir(P->ctx, "/bak/deferred"), 0);
    h = P->open(P->ctx, "/bak/deferred/f", QPYBAK_O_WRITE);
    assert_true(h >= 0);
    assert_int_equal(P->write(P->ctx, h, "f\n", 2), 2);
    assert_int_equal(P->sync(P->ctx, h), 0);
    assert_int_equal(P->close(P->ctx, h), 0);
    assert_int_equal(P->rename(P->ctx, "/bak/deferred/f", "/bak/deferred/g"), 0);
    assert_int_equal(qpybak_posix_sync(&px), 0);
    assert_int_equal(probe_stat(P, "/bak/deferred/g"), FILE_);
    assert_int_equal(P->remove(P->ctx, "/bak/deferred/g"), 0);
    assert_int_equal(P->remove(P->ctx, "/bak/deferred"), 0);
    qpybak_posix_close(&px);
    /* one root only */
    assert_int_equal(qpybak_posix_open(&px, NULL, bak), 0);
    px.defer_sync = true;
    assert_int_equal(qpybak_posix_sync(&px), 0);
    qpybak_posix_close(&px);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolvers_chosen), cmocka_unit_test(test_probes_walk),
        cmocka_unit_test(test_probes_openat2),   cmocka_unit_test(test_writes_walk),
        cmocka_unit_test(test_writes_openat2),   cmocka_unit_test(test_read_to_end),
        cmocka_unit_test(test_deferred_sync),
    };

    return cmocka_run_group_tests_name("posix port", tests, setup, teardown);
}
