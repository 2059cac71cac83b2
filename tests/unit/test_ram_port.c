/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RAM storage port of the tests (tests/support/ram_port.c) behaves like
 * a real file system and counts contract breaches: the boot and crash tests
 * rely on it, so it is tested first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "qpybak.h"
#include "ram_port.h"

static struct ram_port *ram;
static const struct qpybak_port *P;

static int setup(void **state)
{
    (void)state;
    ram = ram_port_new();
    P = &ram->port;
    return ram ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ram_port_free(ram);
    ram = NULL;
    return 0;
}

static int write_file(const char *path, const char *text)
{
    int h = P->open(P->ctx, path, QPYBAK_O_WRITE), n, err;

    if (h < 0)
        return h;
    n = P->write(P->ctx, h, text, strlen(text));
    err = P->sync(P->ctx, h);
    P->close(P->ctx, h);
    if (n < 0)
        return n;
    return err;
}

static size_t read_file(const char *path, char *buf, size_t cap, int *err)
{
    int h = P->open(P->ctx, path, QPYBAK_O_READ);
    size_t len = 0;

    *err = 0;
    if (h < 0) {
        *err = h;
        return 0;
    }
    for (;;) {
        int n = P->read(P->ctx, h, buf + len, cap - len);

        if (n < 0) {
            *err = n;
            break;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    P->close(P->ctx, h);
    return len;
}

static void test_init(void **state)
{
    struct qpybak_stat st;

    (void)state;
    assert_int_equal(P->stat(P->ctx, "/usr", &st), 0);
    assert_int_equal(st.type, QPYBAK_TYPE_DIR);
    assert_int_equal(P->stat(P->ctx, "/bak", &st), 0);
    assert_int_equal(st.type, QPYBAK_TYPE_DIR);
    assert_int_equal(P->stat(P->ctx, "/usr/x", &st), QPYBAK_ERR_NOENT);
    assert_int_equal(ram_port_count_files(ram, "/"), 0);
    assert_ptr_equal(P->ctx, ram);
}

static void test_write_read(void **state)
{
    char buf[64];
    int err;
    size_t n;
    struct qpybak_stat st;

    (void)state;
    assert_int_equal(write_file("/usr/a.py", "hello"), 0);
    n = read_file("/usr/a.py", buf, sizeof buf, &err);
    assert_int_equal(err, 0);
    assert_int_equal(n, 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(P->stat(P->ctx, "/usr/a.py", &st), 0);
    assert_int_equal(st.type, QPYBAK_TYPE_FILE);
    assert_int_equal(st.size, 5);
    assert_true(ram_port_file_is(ram, "/usr/a.py", "hello"));
    /* open for writing never truncates: the name is taken */
    assert_int_equal(write_file("/usr/a.py", "hi"), QPYBAK_ERR_EXIST);
    assert_true(ram_port_file_is(ram, "/usr/a.py", "hello"));
    assert_int_equal(ram->stats.exist_refusals, 1);
    /* a new file is created empty */
    assert_int_equal(P->remove(P->ctx, "/usr/a.py"), 0);
    {
        int h = P->open(P->ctx, "/usr/a.py", QPYBAK_O_WRITE);

        assert_true(h >= 0);
        assert_true(ram_port_file_is(ram, "/usr/a.py", ""));
        assert_int_equal(P->close(P->ctx, h), 0);
    }
    /* empty file */
    n = read_file("/usr/a.py", buf, sizeof buf, &err);
    assert_int_equal(err, 0);
    assert_int_equal(n, 0);
    assert_int_equal(ram_port_type(ram, "/usr/a.py"), QPYBAK_TYPE_FILE);
    assert_int_equal(ram_port_open_handles(ram), 0);
}

static void test_missing_and_dirs(void **state)
{
    (void)state;
    assert_int_equal(P->open(P->ctx, "/usr/none", QPYBAK_O_READ), QPYBAK_ERR_NOENT);
    assert_int_equal(P->open(P->ctx, "/usr/d/none", QPYBAK_O_WRITE), QPYBAK_ERR_NOENT);
    assert_int_equal(P->mkdir(P->ctx, "/usr/d/e"), QPYBAK_ERR_NOENT);
    assert_int_equal(P->mkdir(P->ctx, "/usr/d"), 0);
    assert_int_equal(P->mkdir(P->ctx, "/usr/d"), QPYBAK_ERR_EXIST);
    assert_int_equal(P->mkdir(P->ctx, "/usr"), QPYBAK_ERR_EXIST);
    assert_int_equal(P->mkdir(P->ctx, "/usr/d/e"), 0);
    assert_int_equal(write_file("/usr/d/e/f", "x"), 0);
    /* directories are not files */
    assert_int_equal(P->open(P->ctx, "/usr/d", QPYBAK_O_READ), QPYBAK_ERR_ISDIR);
    assert_int_equal(P->open(P->ctx, "/usr/d", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    assert_int_equal(P->open(P->ctx, "/usr", QPYBAK_O_READ), QPYBAK_ERR_ISDIR);
    assert_int_equal(ram_port_type(ram, "/usr/d"), QPYBAK_TYPE_DIR);
    /* a file is not a directory */
    assert_int_equal(P->mkdir(P->ctx, "/usr/d/e/f/g"), QPYBAK_ERR_NOTDIR);
    assert_int_equal(P->open(P->ctx, "/usr/d/e/f/g", QPYBAK_O_WRITE), QPYBAK_ERR_NOTDIR);
    assert_int_equal(P->open(P->ctx, "/usr/d/e/f/g", QPYBAK_O_READ), QPYBAK_ERR_NOTDIR);
    assert_int_equal(P->mkdir(P->ctx, "/usr/d/e/f"), QPYBAK_ERR_EXIST);
    /* remove */
    assert_int_equal(P->remove(P->ctx, "/usr/d"), RAM_ERR_NOTEMPTY);
    assert_int_equal(P->remove(P->ctx, "/usr/d/e/f"), 0);
    assert_int_equal(P->remove(P->ctx, "/usr/d/e/f"), QPYBAK_ERR_NOENT);
    assert_int_equal(P->remove(P->ctx, "/usr/d/e"), 0);
    assert_int_equal(P->remove(P->ctx, "/usr/d"), 0);
    assert_int_equal(ram_port_type(ram, "/usr/d"), 0);
    assert_int_equal(P->open(P->ctx, "/usr/x", 0), QPYBAK_ERR_INVAL);
    assert_int_equal(P->open(P->ctx, "/usr/x", 0x40), QPYBAK_ERR_INVAL);
}

static void test_rename(void **state)
{
    int h;

    (void)state;
    assert_int_equal(ram_port_put_str(ram, "/usr/a", "old"), 0);
    /* a synced temporary renamed over the target */
    assert_int_equal(write_file("/usr/a.tmp", "new"), 0);
    assert_int_equal(P->rename(P->ctx, "/usr/a.tmp", "/usr/a"), 0);
    assert_true(ram_port_file_is(ram, "/usr/a", "new"));
    assert_int_equal(ram_port_type(ram, "/usr/a.tmp"), 0);
    assert_int_equal(ram->stats.unsynced_renames, 0);
    assert_int_equal(ram->stats.renames, 1);
    /* renaming a file that was written and not synced is counted */
    h = P->open(P->ctx, "/usr/b.tmp", QPYBAK_O_WRITE);
    assert_true(h >= 0);
    assert_int_equal(P->write(P->ctx, h, "x", 1), 1);
    assert_int_equal(P->close(P->ctx, h), 0);
    assert_int_equal(P->rename(P->ctx, "/usr/b.tmp", "/usr/b"), 0);
    assert_int_equal(ram->stats.unsynced_renames, 1);
    /* errors */
    assert_int_equal(P->rename(P->ctx, "/usr/none", "/usr/a"), QPYBAK_ERR_NOENT);
    assert_true(ram_port_file_is(ram, "/usr/a", "new"));
    assert_int_equal(ram_port_mkdirs(ram, "/usr/dir"), 0);
    assert_int_equal(P->rename(P->ctx, "/usr/a", "/usr/dir"), QPYBAK_ERR_ISDIR);
    assert_int_equal(P->rename(P->ctx, "/usr/dir", "/usr/dir2"), QPYBAK_ERR_INVAL);
    assert_int_equal(P->rename(P->ctx, "/usr/a", "/usr/nodir/a"), QPYBAK_ERR_NOENT);
    assert_int_equal(ram->stats.cross_dir_renames, 0);
    /* between directories: done, but counted */
    assert_int_equal(P->rename(P->ctx, "/usr/a", "/usr/dir/a"), 0);
    assert_int_equal(ram->stats.cross_dir_renames, 1);
    /* onto itself: nothing happens */
    assert_int_equal(P->rename(P->ctx, "/usr/dir/a", "/usr/dir/a"), 0);
    assert_true(ram_port_file_is(ram, "/usr/dir/a", "new"));
}

static void test_open_file_survives_unlink(void **state)
{
    char buf[16];
    int h;

    (void)state;
    assert_int_equal(ram_port_put_str(ram, "/usr/a", "AAAA"), 0);
    assert_int_equal(ram_port_put_str(ram, "/usr/b", "BB"), 0);
    h = P->open(P->ctx, "/usr/a", QPYBAK_O_READ);
    assert_true(h >= 0);
    assert_int_equal(P->rename(P->ctx, "/usr/b", "/usr/a"), 0); /* replaces the open file */
    assert_int_equal(P->read(P->ctx, h, buf, sizeof buf), 4);
    assert_memory_equal(buf, "AAAA", 4);
    assert_int_equal(P->close(P->ctx, h), 0);
    assert_true(ram_port_file_is(ram, "/usr/a", "BB"));
    h = P->open(P->ctx, "/usr/a", QPYBAK_O_READ);
    assert_int_equal(P->remove(P->ctx, "/usr/a"), 0);
    assert_int_equal(ram_port_type(ram, "/usr/a"), 0);
    assert_int_equal(P->read(P->ctx, h, buf, sizeof buf), 2);
    assert_int_equal(P->close(P->ctx, h), 0);
    assert_int_equal(P->close(P->ctx, h), RAM_ERR_BADF);
    assert_int_equal(ram->stats.bad_handles, 1);
}

static void test_short_reads_and_writes(void **state)
{
    char data[1000], buf[1000];
    size_t i, n;
    int err, h, calls;

    (void)state;
    for (i = 0; i < sizeof data; i++)
        data[i] = (char)('a' + i % 26);
    assert_int_equal(ram_port_put(ram, "/usr/big", data, sizeof data), 0);
    ram->read_cap = 7;
    h = P->open(P->ctx, "/usr/big", QPYBAK_O_READ);
    assert_int_equal(P->read(P->ctx, h, buf, sizeof buf), 7);
    P->close(P->ctx, h);
    n = read_file("/usr/big", buf, sizeof buf, &err);
    assert_int_equal(n, sizeof data);
    assert_memory_equal(buf, data, sizeof data);
    ram->read_cap = 0;
    ram->jitter = 12345;
    calls = (int)ram->stats.ops[RAM_OP_READ];
    n = read_file("/usr/big", buf, sizeof buf, &err);
    assert_int_equal(n, sizeof data);
    assert_memory_equal(buf, data, sizeof data);
    assert_true(ram->stats.ops[RAM_OP_READ] - (unsigned long)calls > 3);
    ram->jitter = 0;
    ram->write_cap = 3;
    h = P->open(P->ctx, "/usr/w", QPYBAK_O_WRITE);
    assert_int_equal(P->write(P->ctx, h, "abcdef", 6), 3);
    assert_int_equal(P->write(P->ctx, h, "def", 3), 3);
    P->close(P->ctx, h);
    assert_true(ram_port_file_is(ram, "/usr/w", "abcdef"));
}

static void test_capacity(void **state)
{
    int h;

    (void)state;
    ram->capacity = 10;
    assert_int_equal(ram_port_put_str(ram, "/usr/a", "12345"), 0);
    h = P->open(P->ctx, "/usr/b", QPYBAK_O_WRITE);
    assert_int_equal(P->write(P->ctx, h, "abcdefgh", 8), 5); /* what fits */
    assert_int_equal(P->write(P->ctx, h, "x", 1), QPYBAK_ERR_NOSPC);
    P->close(P->ctx, h);
    /* removing frees the space */
    assert_int_equal(P->remove(P->ctx, "/usr/b"), 0);
    h = P->open(P->ctx, "/usr/b", QPYBAK_O_WRITE);
    assert_int_equal(P->write(P->ctx, h, "xyz", 3), 3);
    P->close(P->ctx, h);
    assert_int_equal(ram_port_put_str(ram, "/usr/c", "too long!"), QPYBAK_ERR_NOSPC);
    assert_int_equal(ram_port_delete(ram, "/usr/a"), 0);
    assert_int_equal(ram_port_put_str(ram, "/usr/c", "1234567"), 0);
}

static void test_contract_breaches(void **state)
{
    static const char *const bad[] = {"usr/a", "/usr//a", "/usr/./a", "/usr/../bak/a", "/usr/a/",
                                      "", "/", "/usr/.."};
    struct qpybak_stat st;
    size_t i;
    int h[4];

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(P->stat(P->ctx, bad[i], &st), QPYBAK_ERR_INVAL);
    assert_int_equal(ram->stats.bad_paths, sizeof bad / sizeof bad[0]);
    assert_int_equal(P->open(P->ctx, "/etc/passwd", QPYBAK_O_READ), QPYBAK_ERR_INVAL);
    assert_int_equal(P->mkdir(P->ctx, "/tmp"), QPYBAK_ERR_INVAL);
    assert_int_equal(P->stat(P->ctx, "/usrx", &st), QPYBAK_ERR_INVAL);
    assert_int_equal(ram->stats.outside_roots, 3);
    /* read-only /bak */
    assert_int_equal(ram_port_put_str(ram, "/bak/usr/a", "factory"), 0);
    ram->bak_readonly = true;
    assert_int_equal(P->open(P->ctx, "/bak/usr/a", QPYBAK_O_WRITE), QPYBAK_ERR_ROFS);
    assert_int_equal(P->open(P->ctx, "/bak/usr/b", QPYBAK_O_WRITE), QPYBAK_ERR_ROFS);
    assert_int_equal(P->remove(P->ctx, "/bak/usr/a"), QPYBAK_ERR_ROFS);
    assert_int_equal(P->mkdir(P->ctx, "/bak/x"), QPYBAK_ERR_ROFS);
    assert_int_equal(P->rename(P->ctx, "/bak/usr/a", "/bak/usr/c"), QPYBAK_ERR_ROFS);
    assert_int_equal(ram->stats.ro_violations, 5);
    assert_true(ram_port_file_is(ram, "/bak/usr/a", "factory"));
    ram->max_open = 3;
    h[0] = P->open(P->ctx, "/bak/usr/a", QPYBAK_O_READ);
    assert_true(h[0] >= 0);
    /* max_open files at most */
    h[1] = P->open(P->ctx, "/bak/usr/a", QPYBAK_O_READ);
    h[2] = P->open(P->ctx, "/bak/usr/a", QPYBAK_O_READ);
    assert_true(h[1] >= 0 && h[2] >= 0);
    h[3] = P->open(P->ctx, "/bak/usr/a", QPYBAK_O_READ);
    assert_int_equal(h[3], RAM_ERR_MFILE);
    assert_int_equal(ram->stats.too_many_open, 1);
    assert_int_equal(ram->stats.peak_open, 3);
    for (i = 0; i < 3; i++)
        assert_int_equal(P->close(P->ctx, h[i]), 0);
    assert_int_equal(ram_port_open_handles(ram), 0);
    /* wrong modes */
    h[0] = P->open(P->ctx, "/bak/usr/a", QPYBAK_O_READ);
    assert_int_equal(P->write(P->ctx, h[0], "x", 1), RAM_ERR_BADF);
    P->close(P->ctx, h[0]);
    assert_int_equal(ram->stats.mutations, 0);
}

struct listing {
    char names[16][32];
    int types[16];
    int n;
    int stop_at;
    bool remove_each;
};

static int on_entry(void *ctx, const char *name, enum qpybak_type type)
{
    struct listing *l = (struct listing *)ctx;

    snprintf(l->names[l->n], sizeof l->names[0], "%s", name);
    l->types[l->n] = (int)type;
    l->n++;
    if (l->remove_each) {
        char path[64];

        snprintf(path, sizeof path, "/usr/%s", name);
        if (type == QPYBAK_TYPE_FILE)
            assert_int_equal(P->remove(P->ctx, path), 0);
    }
    return l->n == l->stop_at ? 77 : 0;
}

static bool listed(const struct listing *l, const char *name, int type)
{
    int i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->names[i], name) == 0)
            return l->types[i] == type;
    return false;
}

static void test_list(void **state)
{
    struct listing l;

    (void)state;
    ram_port_put_str(ram, "/usr/a", "1");
    ram_port_put_str(ram, "/usr/b.qpybak-tmp", "2");
    ram_port_put_str(ram, "/usr/sub/c", "3");
    ram_port_put_str(ram, "/bak/usr/a", "4");
    memset(&l, 0, sizeof l);
    assert_int_equal(P->list(P->ctx, "/usr", on_entry, &l), 0);
    assert_int_equal(l.n, 3);
    assert_true(listed(&l, "a", QPYBAK_TYPE_FILE));
    assert_true(listed(&l, "b.qpybak-tmp", QPYBAK_TYPE_FILE));
    assert_true(listed(&l, "sub", QPYBAK_TYPE_DIR));
    memset(&l, 0, sizeof l);
    l.stop_at = 2;
    assert_int_equal(P->list(P->ctx, "/usr", on_entry, &l), 77);
    assert_int_equal(l.n, 2);
    assert_int_equal(P->list(P->ctx, "/usr/a", on_entry, &l), QPYBAK_ERR_NOTDIR);
    assert_int_equal(P->list(P->ctx, "/usr/none", on_entry, &l), QPYBAK_ERR_NOENT);
    /* removing while listing */
    memset(&l, 0, sizeof l);
    l.remove_each = true;
    assert_int_equal(P->list(P->ctx, "/usr", on_entry, &l), 0);
    assert_int_equal(l.n, 3);
    assert_int_equal(ram_port_count_files(ram, "/usr/"), 1); /* /usr/sub/c */
}

struct hook_state {
    enum ram_op fail_op;
    int calls;
};

static int failing_hook(void *ctx, enum ram_op op, const char *path, const char *path2)
{
    struct hook_state *s = (struct hook_state *)ctx;

    (void)path;
    (void)path2;
    s->calls++;
    return op == s->fail_op ? QPYBAK_ERR_IO : 0;
}

static void test_hook(void **state)
{
    struct hook_state hs = {RAM_OP_RENAME, 0};
    int h;

    (void)state;
    ram->hook = failing_hook;
    ram->hook_ctx = &hs;
    assert_int_equal(write_file("/usr/t", "new"), 0);
    assert_int_equal(P->rename(P->ctx, "/usr/t", "/usr/a"), QPYBAK_ERR_IO);
    assert_int_equal(ram_port_type(ram, "/usr/a"), 0);
    assert_true(ram_port_file_is(ram, "/usr/t", "new"));
    hs.fail_op = RAM_OP_WRITE;
    h = P->open(P->ctx, "/usr/t2", QPYBAK_O_WRITE);
    assert_int_equal(P->write(P->ctx, h, "x", 1), QPYBAK_ERR_IO);
    assert_int_equal(P->close(P->ctx, h), 0);
    hs.fail_op = RAM_OP_CLOSE;
    h = P->open(P->ctx, "/usr/t", QPYBAK_O_READ);
    assert_int_equal(P->close(P->ctx, h), QPYBAK_ERR_IO);
    assert_int_equal(ram_port_open_handles(ram), 0); /* released all the same */
    assert_true(hs.calls > 5);
}

static void collect(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                    size_t len)
{
    char *out = (char *)ctx;

    (void)data;
    (void)len;
    strcat(out, path);
    strcat(out, type == QPYBAK_TYPE_DIR ? "/ " : " ");
}

static void test_helpers(void **state)
{
    struct ram_port *copy = ram_port_new();
    char paths[512] = "";
    size_t len;
    const uint8_t *p;

    (void)state;
    assert_int_equal(ram_port_put(ram, "/usr/x/y/z.bin", "\0\1\2", 3), 0);
    assert_int_equal(ram_port_type(ram, "/usr/x/y"), QPYBAK_TYPE_DIR);
    p = ram_port_get(ram, "/usr/x/y/z.bin", &len);
    assert_non_null(p);
    assert_int_equal(len, 3);
    assert_memory_equal(p, "\0\1\2", 3);
    assert_true(ram_port_file_equals(ram, "/usr/x/y/z.bin", "\0\1\2", 3));
    assert_false(ram_port_file_equals(ram, "/usr/x/y/z.bin", "\0\1", 2));
    assert_null(ram_port_get(ram, "/usr/x/y", &len));
    assert_null(ram_port_get(ram, "/usr/none", &len));
    assert_int_equal(ram_port_put_str(ram, "/usr/empty", ""), 0);
    assert_non_null(ram_port_get(ram, "/usr/empty", &len));
    assert_int_equal(len, 0);
    assert_int_equal(ram_port_put_str(ram, "/usr/x/y", "file over dir"), QPYBAK_ERR_ISDIR);
    assert_int_equal(ram_port_put_str(ram, "/usr/empty/f", "under a file"), QPYBAK_ERR_NOTDIR);
    assert_int_equal(ram_port_put_str(ram, "/usr/bad//path", "x"), QPYBAK_ERR_INVAL);
    assert_int_equal(ram_port_walk(ram, collect, paths), 6);
    assert_string_equal(paths, "/bak/ /usr/ /usr/empty /usr/x/ /usr/x/y/ /usr/x/y/z.bin ");
    assert_int_equal(ram_port_count_files(ram, "/usr/"), 2);
    /* copy and compare */
    assert_false(ram_port_equal(ram, copy));
    assert_int_equal(ram_port_copy_tree(copy, ram), 0);
    assert_true(ram_port_equal(ram, copy));
    assert_int_equal(ram_port_put_str(copy, "/usr/empty", "changed"), 0);
    assert_false(ram_port_equal(ram, copy));
    assert_true(ram_port_file_is(ram, "/usr/empty", ""));
    /* recursive delete */
    assert_int_equal(ram_port_delete(ram, "/usr/x"), 0);
    assert_int_equal(ram_port_type(ram, "/usr/x/y/z.bin"), 0);
    assert_int_equal(ram_port_type(ram, "/usr/x"), 0);
    assert_int_equal(ram_port_delete(ram, "/usr/x"), QPYBAK_ERR_NOENT);
    /* helpers are not port calls */
    assert_int_equal(ram->stats.mutations, 0);
    ram_port_free(copy);
}

/* QPYBAK_O_WRITE creates exclusively: whatever has the name - a file, a
 * directory, a hard link - open fails with EXIST and writes nothing. */
static void test_exclusive_create(void **state)
{
    unsigned long mutations;
    int h;

    (void)state;
    assert_int_equal(ram_port_put_str(ram, "/usr/a", "keep me"), 0);
    assert_int_equal(ram_port_mkdirs(ram, "/usr/d"), 0);
    assert_int_equal(ram_port_put_str(ram, "/usr/empty", ""), 0);
    mutations = ram->stats.mutations;
    assert_int_equal(P->open(P->ctx, "/usr/a", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    assert_int_equal(P->open(P->ctx, "/usr/a", QPYBAK_O_WRITE | QPYBAK_O_READ), QPYBAK_ERR_EXIST);
    assert_int_equal(P->open(P->ctx, "/usr/d", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    assert_int_equal(P->open(P->ctx, "/usr/empty", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    assert_int_equal(ram->stats.exist_refusals, 4);
    assert_int_equal(ram->stats.mutations, mutations);
    assert_int_equal(ram->stats.write_opens, 0);
    assert_true(ram_port_file_is(ram, "/usr/a", "keep me"));
    assert_int_equal(ram_port_type(ram, "/usr/d"), QPYBAK_TYPE_DIR);
    assert_int_equal(ram_port_open_handles(ram), 0);
    /* a file being written is taken too */
    h = P->open(P->ctx, "/usr/new", QPYBAK_O_WRITE);
    assert_true(h >= 0);
    assert_int_equal(P->open(P->ctx, "/usr/new", QPYBAK_O_WRITE), QPYBAK_ERR_EXIST);
    assert_int_equal(P->close(P->ctx, h), 0);
    /* the usual errors come first: parents, paths, read-only /bak */
    assert_int_equal(P->open(P->ctx, "/usr/a/b", QPYBAK_O_WRITE), QPYBAK_ERR_NOTDIR);
    assert_int_equal(P->open(P->ctx, "/usr/none/b", QPYBAK_O_WRITE), QPYBAK_ERR_NOENT);
    assert_int_equal(ram->stats.exist_refusals, 5);
}

/* Hard links: one content, two names; the port never writes through one. */
static void test_hard_links(void **state)
{
    struct ram_port *copy = ram_port_new();
    char buf[32];
    size_t n;
    int err, h;

    (void)state;
    assert_int_equal(ram_port_put_str(ram, "/bak/checksum.json", "[]\n"), 0);
    /* the hostile scene of issue 8: a stale temporary that is a link to BAK */
    assert_int_equal(ram_port_link(ram, "/bak/checksum.json", "/usr/checksum.json.qpybak-tmp"), 0);
    assert_int_equal(ram_port_nlink(ram, "/bak/checksum.json"), 2);
    assert_int_equal(ram_port_nlink(ram, "/usr/checksum.json.qpybak-tmp"), 2);
    assert_true(ram_port_file_is(ram, "/usr/checksum.json.qpybak-tmp", "[]\n"));
    n = read_file("/usr/checksum.json.qpybak-tmp", buf, sizeof buf, &err);
    assert_int_equal(err, 0);
    assert_int_equal(n, 3);
    /* no write through the link: exclusive create refuses it */
    assert_int_equal(write_file("/usr/checksum.json.qpybak-tmp", "overwritten"), QPYBAK_ERR_EXIST);
    assert_true(ram_port_file_is(ram, "/bak/checksum.json", "[]\n"));
    /* what the core does on EXIST: remove what is in the way (the name
     * only), create again */
    assert_int_equal(P->remove(P->ctx, "/usr/checksum.json.qpybak-tmp"), 0);
    assert_int_equal(ram_port_nlink(ram, "/bak/checksum.json"), 1);
    assert_int_equal(write_file("/usr/checksum.json.qpybak-tmp", "new"), 0);
    assert_int_equal(P->rename(P->ctx, "/usr/checksum.json.qpybak-tmp", "/usr/checksum.json"), 0);
    assert_true(ram_port_file_is(ram, "/usr/checksum.json", "new"));
    assert_true(ram_port_file_is(ram, "/bak/checksum.json", "[]\n"));
    /* renaming over a link replaces that name only */
    assert_int_equal(ram_port_link(ram, "/bak/checksum.json", "/usr/link"), 0);
    assert_int_equal(write_file("/usr/t", "mine"), 0);
    assert_int_equal(P->rename(P->ctx, "/usr/t", "/usr/link"), 0);
    assert_true(ram_port_file_is(ram, "/usr/link", "mine"));
    assert_true(ram_port_file_is(ram, "/bak/checksum.json", "[]\n"));
    assert_int_equal(ram_port_nlink(ram, "/bak/checksum.json"), 1);
    /* two names of one file: rename does nothing (POSIX) */
    assert_int_equal(ram_port_link(ram, "/usr/link", "/usr/link2"), 0);
    assert_int_equal(P->rename(P->ctx, "/usr/link", "/usr/link2"), 0);
    assert_int_equal(ram_port_nlink(ram, "/usr/link"), 2);
    /* a link stays readable through an open handle after its name goes */
    h = P->open(P->ctx, "/usr/link2", QPYBAK_O_READ);
    assert_true(h >= 0);
    assert_int_equal(P->remove(P->ctx, "/usr/link2"), 0);
    assert_int_equal(P->remove(P->ctx, "/usr/link"), 0);
    assert_int_equal(P->read(P->ctx, h, buf, sizeof buf), 4);
    assert_int_equal(P->close(P->ctx, h), 0);
    /* a helper put gives the name new content of its own */
    assert_int_equal(ram_port_link(ram, "/bak/checksum.json", "/usr/l3"), 0);
    assert_int_equal(ram_port_put_str(ram, "/usr/l3", "edited"), 0);
    assert_true(ram_port_file_is(ram, "/bak/checksum.json", "[]\n"));
    assert_int_equal(ram_port_nlink(ram, "/usr/l3"), 1);
    /* copies keep links as links, independent of the original */
    assert_int_equal(ram_port_link(ram, "/bak/checksum.json", "/usr/sub/l4"), 0);
    assert_int_equal(ram_port_copy_tree(copy, ram), 0);
    assert_true(ram_port_equal(ram, copy));
    assert_int_equal(ram_port_nlink(copy, "/usr/sub/l4"), 2);
    assert_int_equal(ram_port_put_str(ram, "/bak/checksum.json", "changed"), 0);
    assert_true(ram_port_file_is(copy, "/usr/sub/l4", "[]\n"));
    /* errors */
    assert_int_equal(ram_port_link(ram, "/usr/none", "/usr/x"), QPYBAK_ERR_NOENT);
    assert_int_equal(ram_port_link(ram, "/usr/sub", "/usr/x"), QPYBAK_ERR_NOENT);
    assert_int_equal(ram_port_link(ram, "/usr/l3", "/usr/sub/l4"), QPYBAK_ERR_EXIST);
    assert_int_equal(ram_port_link(ram, "/usr/l3", "/usr//x"), QPYBAK_ERR_INVAL);
    assert_int_equal(ram_port_link(ram, "/usr/l3", "/usr/l3/x"), QPYBAK_ERR_NOTDIR);
    assert_int_equal(ram_port_nlink(ram, "/usr/sub"), 0);
    assert_int_equal(ram_port_nlink(ram, "/usr/none"), 0);
    /* a shared content is counted once */
    {
        size_t used = ram->used_bytes;

        assert_int_equal(ram_port_link(ram, "/usr/l3", "/usr/l5"), 0);
        assert_int_equal(ram->used_bytes, used);
        assert_int_equal(P->remove(P->ctx, "/usr/l3"), 0);
        assert_int_equal(ram->used_bytes, used);
        assert_int_equal(P->remove(P->ctx, "/usr/l5"), 0);
        assert_int_equal(ram->used_bytes, used - strlen("edited"));
    }
    ram_port_free(copy);
}

struct lock_hook_state {
    int lock_calls, unlock_calls;
    int fail_unlock;
};

static int lock_hook(void *ctx, enum ram_op op, const char *path, const char *path2)
{
    struct lock_hook_state *s = (struct lock_hook_state *)ctx;

    if (op == RAM_OP_LOCK || op == RAM_OP_UNLOCK) {
        assert_null(path);
        assert_null(path2);
    }
    if (op == RAM_OP_LOCK)
        s->lock_calls++;
    if (op == RAM_OP_UNLOCK) {
        s->unlock_calls++;
        return s->fail_unlock;
    }
    return 0;
}

/* The lock: shared holds and an exclusive flag; a conflict is BUSY. */
static void test_lock(void **state)
{
    struct ram_port *copy = ram_port_new();
    struct lock_hook_state hs = {0, 0, 0};
    struct qpybak_stat st;

    (void)state;
    assert_non_null(P->lock);
    assert_non_null(P->unlock);
    assert_int_equal(ram_port_locks_held(ram), 0);
    /* shared holds coexist; exclusive waits for none */
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_SHARED), 0);
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_SHARED), 0);
    assert_int_equal(ram_port_locks_held(ram), 2);
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_EXCLUSIVE), QPYBAK_ERR_BUSY);
    assert_int_equal(P->unlock(P->ctx), 0);
    assert_int_equal(P->unlock(P->ctx), 0);
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_EXCLUSIVE), 0);
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_EXCLUSIVE), QPYBAK_ERR_BUSY);
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_SHARED), QPYBAK_ERR_BUSY);
    assert_int_equal(ram_port_locks_held(ram), 1);
    assert_int_equal(P->unlock(P->ctx), 0);
    assert_int_equal(ram_port_locks_held(ram), 0);
    assert_int_equal(ram->stats.locks_shared, 2);
    assert_int_equal(ram->stats.locks_exclusive, 1);
    assert_int_equal(ram->stats.unlocks, 3);
    assert_int_equal(ram->stats.lock_busy, 3);
    assert_int_equal(ram->stats.bad_unlocks, 0);
    assert_int_equal(ram->stats.ops[RAM_OP_LOCK], 6);
    assert_int_equal(ram->stats.ops[RAM_OP_UNLOCK], 3);
    /* an unlock with nothing held is a breach */
    assert_int_equal(P->unlock(P->ctx), RAM_ERR_BADF);
    assert_int_equal(ram->stats.bad_unlocks, 1);
    assert_int_equal(ram->stats.unlocks, 3);
    assert_int_equal(P->lock(P->ctx, 0), QPYBAK_ERR_INVAL);
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_SHARED | QPYBAK_LOCK_EXCLUSIVE), QPYBAK_ERR_INVAL);
    /* another run holds it */
    ram->other_lock = QPYBAK_LOCK_EXCLUSIVE;
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_SHARED), QPYBAK_ERR_BUSY);
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_EXCLUSIVE), QPYBAK_ERR_BUSY);
    ram->other_lock = QPYBAK_LOCK_SHARED;
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_EXCLUSIVE), QPYBAK_ERR_BUSY);
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_SHARED), 0);
    assert_int_equal(P->unlock(P->ctx), 0);
    /* the other run's hold is not ours to release */
    assert_int_equal(P->unlock(P->ctx), RAM_ERR_BADF);
    ram->other_lock = 0;
    /* calls made with nothing held, changes made under a shared hold */
    ram_port_reset_stats(ram);
    assert_int_equal(P->stat(P->ctx, "/usr", &st), 0);
    assert_int_equal(ram->stats.unlocked_ops, 1);
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_SHARED), 0);
    assert_int_equal(P->stat(P->ctx, "/usr", &st), 0);
    assert_int_equal(P->mkdir(P->ctx, "/usr/d"), 0);
    assert_int_equal(ram->stats.unlocked_ops, 1);
    assert_int_equal(ram->stats.shared_mutations, 1);
    assert_int_equal(P->unlock(P->ctx), 0);
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_EXCLUSIVE), 0);
    assert_int_equal(write_file("/usr/d/f", "x"), 0);
    assert_int_equal(ram->stats.shared_mutations, 1);
    assert_int_equal(ram->stats.unlocked_ops, 1);
    /* a lock does not survive a power cut, nor a copy of the tree */
    assert_int_equal(ram_port_copy_tree(copy, ram), 0);
    assert_int_equal(ram_port_locks_held(copy), 0);
    assert_int_equal(copy->port.lock(copy->port.ctx, QPYBAK_LOCK_EXCLUSIVE), 0);
    assert_int_equal(ram_port_copy_tree(copy, ram), 0);
    assert_int_equal(ram_port_locks_held(copy), 0);
    assert_int_equal(ram_port_locks_held(ram), 1);
    ram_port_power_cut(ram);
    assert_int_equal(ram_port_locks_held(ram), 0);
    assert_true(ram_port_file_is(ram, "/usr/d/f", "x"));
    /* the hook sees lock and unlock; a failed unlock still releases */
    ram->hook = lock_hook;
    ram->hook_ctx = &hs;
    assert_int_equal(P->lock(P->ctx, QPYBAK_LOCK_EXCLUSIVE), 0);
    hs.fail_unlock = QPYBAK_ERR_IO;
    assert_int_equal(P->unlock(P->ctx), QPYBAK_ERR_IO);
    assert_int_equal(ram_port_locks_held(ram), 0);
    assert_int_equal(hs.lock_calls, 1);
    assert_int_equal(hs.unlock_calls, 1);
    ram->hook = NULL;
    ram_port_free(copy);
}

/* A power cut closes every handle (a removed file still open goes) and
 * keeps the tree. */
static void test_power_cut(void **state)
{
    int h1, h2;

    (void)state;
    assert_int_equal(ram_port_put_str(ram, "/usr/a", "AAAA"), 0);
    h1 = P->open(P->ctx, "/usr/a", QPYBAK_O_READ);
    h2 = P->open(P->ctx, "/usr/b.qpybak-tmp", QPYBAK_O_WRITE);
    assert_true(h1 >= 0 && h2 >= 0);
    assert_int_equal(P->write(P->ctx, h2, "half", 4), 4);
    assert_int_equal(P->remove(P->ctx, "/usr/a"), 0);
    assert_int_equal(ram_port_open_handles(ram), 2);
    ram_port_power_cut(ram);
    assert_int_equal(ram_port_open_handles(ram), 0);
    assert_int_equal(ram_port_type(ram, "/usr/a"), 0);
    assert_true(ram_port_file_is(ram, "/usr/b.qpybak-tmp", "half"));
    assert_int_equal(P->close(P->ctx, h1), RAM_ERR_BADF);
    assert_int_equal(ram_port_count_files(ram, "/"), 1);
}

static int collect_name(void *ctx, const char *name, enum qpybak_type type)
{
    char(*names)[32] = (char(*)[32])ctx;
    int i;

    (void)type;
    for (i = 0; i < 4; i++) {
        if (names[i][0] == '\0') {
            snprintf(names[i], sizeof names[i], "%s", name);
            return 0;
        }
    }
    return -1;
}

static bool has_name(char names[4][32], const char *name)
{
    int i;

    for (i = 0; i < 4; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* FAT mode: what a FatFs volume gives a port (ram_port.h). */
static void test_fat_mode(void **state)
{
    struct qpybak_stat st;
    char names[4][32];
    int n_names = 0, h;
    char buf[16];
    int err;

    (void)state;
    ram->fat = true;
    assert_int_equal(write_file("/usr/Main.py", "new"), 0);
    assert_int_equal(write_file("/usr/boot.py", "old"), 0);
    /* rename never replaces, and changes nothing when refused */
    assert_int_equal(P->rename(P->ctx, "/usr/Main.py", "/usr/boot.py"), QPYBAK_ERR_EXIST);
    assert_int_equal(ram->stats.rename_refusals, 1);
    assert_true(ram_port_file_is(ram, "/usr/boot.py", "old"));
    assert_true(ram_port_file_is(ram, "/usr/Main.py", "new"));
    /* remove then rename: the install a FAT port needs */
    assert_int_equal(P->remove(P->ctx, "/usr/boot.py"), 0);
    assert_int_equal(P->rename(P->ctx, "/usr/Main.py", "/usr/boot.py"), 0);
    assert_true(ram_port_file_is(ram, "/usr/boot.py", "new"));
    /* case-insensitive lookups; the stored case is kept */
    assert_int_equal(write_file("/usr/Main.py", "m"), 0);
    assert_int_equal(P->stat(P->ctx, "/usr/MAIN.PY", &st), 0);
    assert_int_equal(st.type, QPYBAK_TYPE_FILE);
    assert_int_equal(read_file("/usr/main.py", buf, sizeof buf, &err), 1);
    assert_int_equal(err, 0);
    assert_true(ram_port_file_is(ram, "/usr/mAiN.py", "m"));
    /* a name that differs only in case is taken */
    assert_int_equal(write_file("/usr/main.py", "x"), QPYBAK_ERR_EXIST);
    assert_int_equal(P->mkdir(P->ctx, "/usr/Lib"), 0);
    assert_int_equal(P->mkdir(P->ctx, "/usr/LIB"), QPYBAK_ERR_EXIST);
    assert_int_equal(P->rename(P->ctx, "/usr/boot.py", "/usr/MAIN.py"), QPYBAK_ERR_EXIST);
    /* a file made through another spelling of its folder lists under it */
    assert_int_equal(write_file("/usr/lib/net.py", "n"), 0);
    assert_int_equal(ram_port_type(ram, "/usr/Lib/net.py"), QPYBAK_TYPE_FILE);
    assert_int_equal(P->remove(P->ctx, "/usr/LIB"), RAM_ERR_NOTEMPTY);
    /* a listing gives the names as created */
    n_names = 0;
    memset(names, 0, sizeof names);
    assert_int_equal(P->list(P->ctx, "/usr", collect_name, names), 0);
    for (h = 0; h < 4 && names[h][0]; h++)
        n_names++;
    assert_int_equal(n_names, 3);
    assert_true(has_name(names, "Main.py"));
    assert_true(has_name(names, "boot.py"));
    assert_true(has_name(names, "Lib"));
    memset(names, 0, sizeof names);
    assert_int_equal(P->list(P->ctx, "/usr/LIB", collect_name, names), 0);
    assert_true(has_name(names, "net.py"));
    /* renaming to another spelling of the same name changes its case */
    assert_int_equal(P->rename(P->ctx, "/usr/Main.py", "/usr/main.py"), 0);
    memset(names, 0, sizeof names);
    assert_int_equal(P->list(P->ctx, "/usr", collect_name, names), 0);
    assert_true(has_name(names, "main.py"));
    assert_false(has_name(names, "Main.py"));
    /* no hard links */
    assert_int_equal(ram_port_link(ram, "/usr/boot.py", "/usr/boot2.py"), QPYBAK_ERR_INVAL);
    assert_int_equal(ram_port_type(ram, "/usr/boot2.py"), 0);
    /* an open file is neither removed nor renamed */
    h = P->open(P->ctx, "/usr/boot.py", QPYBAK_O_READ);
    assert_true(h >= 0);
    assert_int_equal(P->remove(P->ctx, "/usr/boot.py"), QPYBAK_ERR_ACCES);
    assert_int_equal(P->rename(P->ctx, "/usr/boot.py", "/usr/b.py"), QPYBAK_ERR_ACCES);
    assert_int_equal(ram->stats.open_changes, 2);
    assert_int_equal(P->close(P->ctx, h), 0);
    assert_int_equal(P->remove(P->ctx, "/usr/BOOT.PY"), 0);
    assert_int_equal(ram_port_type(ram, "/usr/boot.py"), 0);
    /* the helpers follow the same rules */
    assert_int_equal(ram_port_put_str(ram, "/usr/LIB/Util.py", "u"), 0);
    assert_int_equal(ram_port_count_files(ram, "/usr/lib/"), 2);
    assert_int_equal(ram_port_delete(ram, "/USR/lib"), 0);
    assert_int_equal(ram_port_count_files(ram, "/usr/"), 1);
    assert_int_equal(ram_port_open_handles(ram), 0);
}

/* Without FAT mode names are case-sensitive and rename replaces. */
static void test_fat_mode_off(void **state)
{
    (void)state;
    assert_int_equal(write_file("/usr/Main.py", "a"), 0);
    assert_int_equal(write_file("/usr/main.py", "b"), 0);
    assert_int_equal(P->rename(P->ctx, "/usr/Main.py", "/usr/main.py"), 0);
    assert_true(ram_port_file_is(ram, "/usr/main.py", "a"));
    assert_int_equal(ram_port_type(ram, "/usr/Main.py"), 0);
    assert_int_equal(ram->stats.rename_refusals, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_and_dirs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_file_survives_unlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_reads_and_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capacity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contract_breaches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helpers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exclusive_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hard_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_power_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fat_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fat_mode_off, setup, teardown),
    };

    return cmocka_run_group_tests_name("ram_port", tests, NULL, NULL);
}
