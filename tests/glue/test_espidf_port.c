/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ESP-IDF port (ports/esp-idf/qpybak_espidf.c) is plain POSIX, so it
 * runs here against the host's real POSIX calls, over a temporary folder.
 *
 * Each scene is built as a RAM tree (tests/support/ram_port.h), run once on
 * the RAM port - the reference - and once on a copy of it written into
 * <tmp>/usr and <tmp>/bak through the ESP-IDF port; the two results and the
 * two trees afterwards (the folder read back into a RAM tree) must be the
 * same.  Scenes: a clean boot, the application note's damage, status,
 * calc, FOTA apply (the port's list), the feature off.  Then the port's
 * contract, call by call: exclusive create, a folder opened, /bak
 * read-only, paths outside the roots, remove of a full folder, rename over
 * a file, mkdir of a taken name, a host's link and FIFO.
 *
 * Usage: test_espidf_port [TMPDIR]   (default: $TMPDIR or /tmp)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qpybak.h"
#include "qpybak_espidf.h"
#include "ram_port.h"

static int failures;

#define CHECK(what, cond)                                                        \
    do {                                                                         \
        if (!(cond)) {                                                           \
            failures++;                                                          \
            fprintf(stderr, "FAIL %s:%d: %s (%s)\n", __FILE__, __LINE__, what, #cond); \
        }                                                                        \
    } while (0)

static char base[256];      /* the temporary folder */
static char usr_root[300], bak_root[300];
static uint8_t work[8192];

/* ------------------------------------------------------------ host trees */

/* out = a + sep + b (out is neither a nor b). */
static void join3(char *out, size_t size, const char *a, const char *sep, const char *b)
{
    if ((size_t)snprintf(out, size, "%s%s%s", a, sep, b) >= size) {
        fprintf(stderr, "path too long: %s%s%s\n", a, sep, b);
        exit(2);
    }
}

static void join(char *out, size_t size, const char *a, const char *b)
{
    join3(out, size, a, "", b);
}

static void remove_tree(const char *path)
{
    struct stat sb;
    DIR *dir;
    struct dirent *de;
    char sub[1024];

    if (lstat(path, &sb) != 0)
        return;
    if (!S_ISDIR(sb.st_mode)) {
        unlink(path);
        return;
    }
    dir = opendir(path);
    while (dir != NULL && (de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        join3(sub, sizeof sub, path, "/", de->d_name);
        remove_tree(sub);
    }
    if (dir != NULL)
        closedir(dir);
    rmdir(path);
}

/* Writes one node of a RAM tree under base ("/usr/a" -> base/usr/a). */
static void put_node(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                     size_t len)
{
    char host[1024];
    int fd;

    (void)ctx;
    join(host, sizeof host, base, path);
    if (type == QPYBAK_TYPE_DIR) {
        if (mkdir(host, 0755) != 0 && errno != EEXIST)
            perror(host);
        return;
    }
    fd = open(host, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || (len > 0 && write(fd, data, len) != (ssize_t)len))
        perror(host);
    if (fd >= 0)
        close(fd);
}

/* The RAM tree written into a fresh base (the walk is sorted: parents
 * come first). */
static void load(const struct ram_port *ram)
{
    remove_tree(usr_root);
    remove_tree(bak_root);
    mkdir(usr_root, 0755);
    mkdir(bak_root, 0755);
    ram_port_walk(ram, put_node, NULL);
}

/* base/<dev> read back into the RAM tree out, as device path dev. */
static void read_back(struct ram_port *out, const char *dev)
{
    char host[1024], sub[512];
    struct dirent *de;
    struct stat sb;
    DIR *dir;

    join(host, sizeof host, base, dev);
    dir = opendir(host);
    while (dir != NULL && (de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        join3(sub, sizeof sub, dev, "/", de->d_name);
        join(host, sizeof host, base, sub);
        if (lstat(host, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            ram_port_mkdirs(out, sub);
            read_back(out, sub);
        } else {
            static uint8_t data[65536];
            int fd = open(host, O_RDONLY);
            ssize_t n = fd >= 0 ? read(fd, data, sizeof data) : -1;

            if (fd >= 0)
                close(fd);
            ram_port_put(out, sub, data, n > 0 ? (size_t)n : 0);
        }
    }
    if (dir != NULL)
        closedir(dir);
}

/* ---------------------------------------------------------------- scenes */

static const char *const files[][2] = {
    {"/usr/main.py", "import app\napp.run()\n"},
    {"/usr/apn_cfg.json", "{\"apn\": \"cmnet\", \"user\": \"\"}"},
    {"/usr/lib/app.py", "def run():\n    return 1\n"},
    {"/usr/lib/net/cfg.json", "{\"server\": \"10.0.0.1\"}"},
};
#define N_FILES (sizeof files / sizeof files[0])

static void put_manifest(struct ram_port *ram, const char *path)
{
    char text[2048], crc[QPYBAK_CRC_STR_SIZE];
    size_t i, n = 0;

    n += (size_t)snprintf(text + n, sizeof text - n, "[");
    for (i = 0; i < N_FILES; i++) {
        size_t len = strlen(files[i][1]);

        qpybak_crc_format(qpybak_crc32(QPYBAK_CRC_SEED, files[i][1], len), crc);
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "%s\n{\"name\": \"%s\", \"crc32\": \"%s\", \"size\": %zu}",
                              i ? "," : "", files[i][0], crc, len);
    }
    snprintf(text + n, sizeof text - n, "\n]\n");
    ram_port_put_str(ram, path, text);
}

/* The factory image, as `qpybak pack` lays it out (the shadow comes with
 * the first boot). */
static void scene_factory(struct ram_port *ram, const char *flag)
{
    char bak[256];
    size_t i;

    ram_port_destroy(ram);
    ram_port_init(ram);
    for (i = 0; i < N_FILES; i++) {
        join(bak, sizeof bak, "/bak", files[i][0]);
        ram_port_put_str(ram, bak, files[i][1]);
        ram_port_put_str(ram, files[i][0], files[i][1]);
    }
    put_manifest(ram, "/bak/checksum.json");
    put_manifest(ram, "/usr/checksum.json");
    ram_port_put_str(ram, "/bak/backup_restore.json", flag);
}

enum proc { BOOT, STATUS, CALC, FOTA };

struct outcome {
    int ret;
    struct qpybak_result res;
    struct qpybak_fota_result fota;
    uint32_t crc;
};

static void run(const struct qpybak_port *port, enum proc proc, struct outcome *o);

/* The application note's damage after a first boot (which wrote the
 * shadow): checksum.json deleted, a file lost, a file garbled, a folder
 * gone, an edit not recorded. */
static void scene_damage(struct ram_port *ram)
{
    struct outcome o;

    scene_factory(ram, "{\"enable\": 1}");
    run(&ram->port, BOOT, &o);
    CHECK("first boot on the RAM port", o.ret == 0 && o.res.counts[QPYBAK_STATE_OK] == N_FILES);
    ram_port_delete(ram, "/usr/checksum.json");
    ram_port_delete(ram, "/usr/apn_cfg.json");
    ram_port_put_str(ram, "/usr/lib/app.py", "def run():\n    return 2\n");
    ram_port_delete(ram, "/usr/lib/net");
    ram_port_put_str(ram, "/usr/main.py", "\xff\xff\xff");
}

static void scene_fota(struct ram_port *ram)
{
    scene_factory(ram, "{\"enable\": 1}");
    ram_port_put_str(ram, "/usr/.updater/main.py", "import app\napp.run(2)\n");
    ram_port_put_str(ram, "/usr/.updater/lib/app.py", "def run():\n    return 3\n");
    ram_port_put_str(ram, "/usr/.updater/new/extra.txt", "new");
}

static void run(const struct qpybak_port *port, enum proc proc, struct outcome *o)
{
    struct qpybak_config cfg;

    memset(&cfg, 0, sizeof cfg);
    memset(o, 0, sizeof *o);
    cfg.port = port;
    cfg.buffer = work;
    cfg.buffer_size = sizeof work;
    switch (proc) {
    case BOOT: o->ret = qpybak_boot(&cfg, &o->res); break;
    case STATUS: o->ret = qpybak_status(&cfg, &o->res); break;
    case CALC: o->ret = qpybak_calc(&cfg, "/usr/apn_cfg.json", &o->crc); break;
    case FOTA: o->ret = qpybak_fota_apply(&cfg, NULL, &o->fota); break;
    }
}

static bool same_outcome(const struct outcome *a, const struct outcome *b)
{
    int i;

    if (a->ret != b->ret || a->crc != b->crc || a->res.enabled != b->res.enabled ||
        a->res.source != b->res.source || a->res.repaired != b->res.repaired ||
        a->res.manifest_written != b->res.manifest_written ||
        a->res.report_written != b->res.report_written || a->res.error != b->res.error ||
        a->fota.installed != b->fota.installed || a->fota.failed != b->fota.failed ||
        a->fota.pending != b->fota.pending || a->fota.error != b->fota.error)
        return false;
    for (i = 0; i < QPYBAK_STATE_COUNT; i++)
        if (a->res.counts[i] != b->res.counts[i])
            return false;
    return true;
}

/* Runs proc on the scene through both ports, then once more (the next
 * boot), and compares. */
static void compare(const char *name, struct ram_port *ref, enum proc proc, enum proc next)
{
    static struct ram_port back;
    struct qpybak_espidf px;
    struct outcome a, b;
    enum proc step[2];
    int i;

    step[0] = proc;
    step[1] = next;
    load(ref);
    if (qpybak_espidf_init(&px, usr_root, bak_root) != 0) {
        CHECK("init", false);
        return;
    }
    for (i = 0; i < 2; i++) {
        run(&ref->port, step[i], &a);
        run(&px.port, step[i], &b);
        if (!same_outcome(&a, &b)) {
            failures++;
            fprintf(stderr, "FAIL %s, step %d: RAM port ret %d ok %u restored %u error %d; "
                    "ESP-IDF port ret %d ok %u restored %u error %d\n", name, i, a.ret,
                    (unsigned)a.res.counts[QPYBAK_STATE_OK],
                    (unsigned)a.res.counts[QPYBAK_STATE_RESTORED], a.res.error, b.ret,
                    (unsigned)b.res.counts[QPYBAK_STATE_OK],
                    (unsigned)b.res.counts[QPYBAK_STATE_RESTORED], b.res.error);
        }
    }
    ram_port_destroy(&back);
    ram_port_init(&back);
    read_back(&back, "/usr");
    read_back(&back, "/bak");
    if (!ram_port_equal(ref, &back)) {
        failures++;
        fprintf(stderr, "FAIL %s: the trees differ\nRAM port:\n", name);
        ram_port_dump(ref, stderr);
        fprintf(stderr, "through the ESP-IDF port:\n");
        ram_port_dump(&back, stderr);
    }
    printf("%s: %u ok, %u restored, %u installed\n", name, (unsigned)b.res.counts[QPYBAK_STATE_OK],
           (unsigned)b.res.counts[QPYBAK_STATE_RESTORED], (unsigned)b.fota.installed);
}

static void scenes(void)
{
    static struct ram_port ram;

    ram_port_init(&ram);
    scene_factory(&ram, "{\"enable\": 1}");
    compare("clean boot", &ram, BOOT, BOOT);
    scene_damage(&ram);
    compare("damage, status then boot", &ram, STATUS, BOOT);
    scene_damage(&ram);
    compare("damage, boot twice", &ram, BOOT, BOOT);
    scene_factory(&ram, "{\"enable\": 1}");
    ram_port_put_str(&ram, "/usr/apn_cfg.json", "{\"apn\": \"3gnet\"}");
    compare("calc, then boot keeps the edit", &ram, CALC, BOOT);
    CHECK("edit kept", ram_port_file_is(&ram, "/usr/apn_cfg.json", "{\"apn\": \"3gnet\"}"));
    scene_fota(&ram);
    compare("FOTA apply, then boot", &ram, FOTA, BOOT);
    CHECK("staged file installed", ram_port_file_is(&ram, "/usr/new/extra.txt", "new"));
    scene_factory(&ram, "{\"enable\": 0}");
    ram_port_delete(&ram, "/usr/main.py");
    compare("disabled", &ram, BOOT, STATUS);
    ram_port_destroy(&ram);
}

/* ------------------------------------------------------------- the contract */

static int count_entry(void *ctx, const char *name, enum qpybak_type type)
{
    int *seen = ctx;

    if (strcmp(name, "a.txt") == 0 && type == QPYBAK_TYPE_FILE)
        seen[0]++;
    else if (strcmp(name, "sub") == 0 && type == QPYBAK_TYPE_DIR)
        seen[1]++;
    else
        seen[2]++;
    return 0;
}

static int stop_at_first(void *ctx, const char *name, enum qpybak_type type)
{
    (void)ctx;
    (void)name;
    (void)type;
    return 7;
}

static void contract(void)
{
    static struct ram_port ram;
    struct qpybak_espidf px;
    const struct qpybak_port *p = &px.port;
    struct qpybak_stat st;
    char host[1024], buf[16];
    int h, seen[3] = {0, 0, 0};

    ram_port_init(&ram);
    ram_port_put_str(&ram, "/usr/a.txt", "hello");
    ram_port_put_str(&ram, "/usr/sub/b.txt", "b");
    ram_port_put_str(&ram, "/usr/l/a.txt", "a");
    ram_port_put_str(&ram, "/usr/l/other", "o");
    ram_port_mkdirs(&ram, "/usr/l/sub");
    ram_port_put_str(&ram, "/bak/x.txt", "x");
    ram_port_mkdirs(&ram, "/usr/empty");
    load(&ram);
    ram_port_destroy(&ram);
    if (qpybak_espidf_init(&px, usr_root, bak_root) != 0) {
        CHECK("init", false);
        return;
    }

    CHECK("exclusive create", p->open(p->ctx, "/usr/a.txt", QPYBAK_O_WRITE) == QPYBAK_ERR_EXIST);
    CHECK("create over a folder", p->open(p->ctx, "/usr/sub", QPYBAK_O_WRITE) == QPYBAK_ERR_EXIST);
    CHECK("open a folder", p->open(p->ctx, "/usr/sub", QPYBAK_O_READ) == QPYBAK_ERR_ISDIR);
    CHECK("open missing", p->open(p->ctx, "/usr/none", QPYBAK_O_READ) == QPYBAK_ERR_NOENT);
    CHECK("file in the path", p->open(p->ctx, "/usr/a.txt/x", QPYBAK_O_READ) == QPYBAK_ERR_NOTDIR);
    CHECK("write to /bak", p->open(p->ctx, "/bak/y.txt", QPYBAK_O_WRITE) == QPYBAK_ERR_ROFS);
    CHECK("rename in /bak", p->rename(p->ctx, "/bak/x.txt", "/bak/z.txt") == QPYBAK_ERR_ROFS);
    CHECK("remove in /bak", p->remove(p->ctx, "/bak/x.txt") == QPYBAK_ERR_ROFS);
    CHECK("mkdir in /bak", p->mkdir(p->ctx, "/bak/d") == QPYBAK_ERR_ROFS);
    CHECK("outside the roots", p->open(p->ctx, "/etc/passwd", QPYBAK_O_READ) == QPYBAK_ERR_INVAL);
    CHECK("a root itself", p->stat(p->ctx, "/usr", &st) == QPYBAK_ERR_INVAL);
    CHECK("/bak reads", p->stat(p->ctx, "/bak/x.txt", &st) == 0 && st.size == 1);

    h = p->open(p->ctx, "/usr/a.txt", QPYBAK_O_READ);
    CHECK("open", h >= 0);
    CHECK("read", p->read(p->ctx, h, buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK("read at the end", p->read(p->ctx, h, buf, sizeof buf) == 0);
    CHECK("close", p->close(p->ctx, h) == 0);
    CHECK("closed handle", p->read(p->ctx, h, buf, sizeof buf) < 0);

    h = p->open(p->ctx, "/usr/t.tmp", QPYBAK_O_WRITE);
    CHECK("create", h >= 0);
    CHECK("write", p->write(p->ctx, h, "new!", 4) == 4);
    CHECK("sync", p->sync(p->ctx, h) == 0);
    CHECK("close new", p->close(p->ctx, h) == 0);
    CHECK("rename over a file", p->rename(p->ctx, "/usr/t.tmp", "/usr/a.txt") == 0);
    CHECK("renamed", p->stat(p->ctx, "/usr/a.txt", &st) == 0 && st.type == QPYBAK_TYPE_FILE &&
                         st.size == 4);
    CHECK("old name gone", p->stat(p->ctx, "/usr/t.tmp", &st) == QPYBAK_ERR_NOENT);

    CHECK("stat a folder", p->stat(p->ctx, "/usr/sub", &st) == 0 && st.type == QPYBAK_TYPE_DIR);
    CHECK("mkdir taken", p->mkdir(p->ctx, "/usr/sub") == QPYBAK_ERR_EXIST);
    CHECK("mkdir", p->mkdir(p->ctx, "/usr/new") == 0);
    CHECK("remove a full folder", p->remove(p->ctx, "/usr/sub") == QPYBAK_ERR_NOTEMPTY);
    CHECK("remove an empty folder", p->remove(p->ctx, "/usr/empty") == 0);
    CHECK("remove a file", p->remove(p->ctx, "/usr/sub/b.txt") == 0);
    CHECK("remove missing", p->remove(p->ctx, "/usr/sub/b.txt") == QPYBAK_ERR_NOENT);

    CHECK("list", p->list(p->ctx, "/usr/l", count_entry, seen) == 0);
    CHECK("list saw the file and the folder", seen[0] == 1 && seen[1] == 1 && seen[2] == 1);
    CHECK("list stops", p->list(p->ctx, "/usr/l", stop_at_first, NULL) == 7);
    CHECK("list missing", p->list(p->ctx, "/usr/none", count_entry, seen) == QPYBAK_ERR_NOENT);

    join(host, sizeof host, usr_root, "/link");
    if (symlink("a.txt", host) == 0)
        CHECK("a link is not opened", p->open(p->ctx, "/usr/link", QPYBAK_O_READ) == QPYBAK_ERR_LOOP);
    join(host, sizeof host, usr_root, "/fifo");
    if (mkfifo(host, 0644) == 0) {
        CHECK("a FIFO is not a file", p->open(p->ctx, "/usr/fifo", QPYBAK_O_READ) == QPYBAK_ERR_INVAL);
        CHECK("stat a FIFO", p->stat(p->ctx, "/usr/fifo", &st) == 0 && st.type == QPYBAK_TYPE_OTHER);
    }
    memset(host, 'r', QPYBAK_ESPIDF_ROOT_MAX);
    host[0] = '/';
    host[QPYBAK_ESPIDF_ROOT_MAX] = '\0';
    CHECK("root too long", qpybak_espidf_init(&px, host, "/bak") == QPYBAK_ERR_NAMETOOLONG);
    printf("contract: checked\n");
}

int main(int argc, char **argv)
{
    const char *tmp = argc > 1 ? argv[1] : getenv("TMPDIR");

    join(base, sizeof base, tmp && *tmp ? tmp : "/tmp", "/qpybak-espidf-XXXXXX");
    if (mkdtemp(base) == NULL) {
        perror(base);
        return 2;
    }
    join(usr_root, sizeof usr_root, base, "/usr");
    join(bak_root, sizeof bak_root, base, "/bak");
    scenes();
    contract();
    remove_tree(base);
    printf("%s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
