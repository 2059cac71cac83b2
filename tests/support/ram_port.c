/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RAM storage port for tests (see ram_port.h).
 */
#include "ram_port.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* A file's content: one block, shared by the file's hard links. */
struct ram_blob {
    uint8_t *data;
    size_t size, cap;
    unsigned refs; /* nodes using it (names, and removed files still open) */
    bool dirty;    /* written since the last sync */
};

/* ------------------------------------------------------------------ paths */

/* Canonical: starts with '/', no empty, "." or ".." component, no trailing
 * '/', fits RAM_PORT_PATH_MAX.  "/" itself is not a valid node path. */
static bool path_canonical(const char *path)
{
    size_t i, start, len;

    if (path == NULL || path[0] != '/')
        return false;
    len = strlen(path);
    if (len < 2 || len >= RAM_PORT_PATH_MAX)
        return false;
    start = 1;
    for (i = 1; i <= len; i++) {
        if (i == len || path[i] == '/') {
            size_t clen = i - start;

            if (clen == 0)
                return false;
            if (path[start] == '.' && (clen == 1 || (clen == 2 && path[start + 1] == '.')))
                return false;
            start = i + 1;
        }
    }
    return true;
}

static bool has_prefix_dir(const char *path, const char *root)
{
    size_t n = strlen(root);

    return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool path_in_roots(const char *path)
{
    return has_prefix_dir(path, "/usr") || has_prefix_dir(path, "/bak");
}

/* Length of the parent part of path ("/usr/a" -> 4, "/usr" -> 0). */
static size_t parent_len(const char *path)
{
    const char *slash = strrchr(path, '/');

    return (size_t)(slash - path);
}

/* ------------------------------------------------------------------ nodes */

static char fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Compares the first len bytes of two paths as the file system does:
 * byte for byte, or ignoring ASCII case in FAT mode.  True when equal. */
static bool same_n(const struct ram_port *ram, const char *a, const char *b, size_t len)
{
    size_t i;

    if (!ram->fat)
        return memcmp(a, b, len) == 0;
    for (i = 0; i < len; i++)
        if (fold(a[i]) != fold(b[i]))
            return false;
    return true;
}

/* True when node path lies below dir (dir + '/' + more). */
static bool below(const struct ram_port *ram, const char *path, const char *dir, size_t dir_len)
{
    return strlen(path) > dir_len && path[dir_len] == '/' && same_n(ram, path, dir, dir_len);
}

static int find_n(const struct ram_port *ram, const char *path, size_t len)
{
    int i;

    for (i = 0; i < RAM_PORT_MAX_NODES; i++) {
        const struct ram_node *n = &ram->nodes[i];

        if (n->used && n->linked && strlen(n->path) == len && same_n(ram, n->path, path, len))
            return i;
    }
    return -1;
}

static int find(const struct ram_port *ram, const char *path)
{
    return find_n(ram, path, strlen(path));
}

/* Every proper ancestor of path must be a directory: 0, NOENT or NOTDIR. */
static int walk_parents(const struct ram_port *ram, const char *path)
{
    size_t i;

    for (i = 1; path[i]; i++) {
        if (path[i] == '/') {
            int n = find_n(ram, path, i);

            if (n < 0)
                return QPYBAK_ERR_NOENT;
            if (ram->nodes[n].type != QPYBAK_TYPE_DIR)
                return QPYBAK_ERR_NOTDIR;
        }
    }
    return 0;
}

static bool dir_has_children(const struct ram_port *ram, const char *path)
{
    size_t len = strlen(path);
    int i;

    for (i = 0; i < RAM_PORT_MAX_NODES; i++) {
        const struct ram_node *n = &ram->nodes[i];

        if (n->used && n->linked && below(ram, n->path, path, len))
            return true;
    }
    return false;
}

static struct ram_blob *new_blob(void)
{
    struct ram_blob *b = (struct ram_blob *)calloc(1, sizeof *b);

    if (b) {
        b->refs = 1;
        b->dirty = true; /* a new file is not durable until synced */
    }
    return b;
}

/* Drops one user of a blob; frees it with the last. */
static void put_blob(struct ram_port *ram, struct ram_blob *b)
{
    if (b == NULL || --b->refs > 0)
        return;
    ram->used_bytes -= b->size;
    free(b->data);
    free(b);
}

/* Gives node n the path; in FAT mode the folders along it keep the case
 * they were created with (one directory entry each), so that a listing and
 * the prefix matches see one spelling of every folder. */
static void set_path(const struct ram_port *ram, struct ram_node *n, const char *path)
{
    size_t plen = parent_len(path);
    int parent;

    strcpy(n->path, path);
    if (!ram->fat || plen == 0)
        return;
    parent = find_n(ram, path, plen);
    if (parent >= 0)
        memcpy(n->path, ram->nodes[parent].path, plen);
}

/* A new node; a file gets blob (shared: a hard link) or a new, empty one. */
static int new_node_with(struct ram_port *ram, const char *path, enum qpybak_type type,
                         struct ram_blob *blob)
{
    int i;

    for (i = 0; i < RAM_PORT_MAX_NODES; i++) {
        struct ram_node *n = &ram->nodes[i];

        if (!n->used) {
            memset(n, 0, sizeof *n);
            if (type == QPYBAK_TYPE_FILE) {
                if (blob) {
                    blob->refs++;
                } else if ((blob = new_blob()) == NULL) {
                    return QPYBAK_ERR_NOSPC;
                }
                n->blob = blob;
            }
            n->used = true;
            n->linked = true;
            n->type = type;
            set_path(ram, n, path);
            return i;
        }
    }
    return QPYBAK_ERR_NOSPC;
}

static int new_node(struct ram_port *ram, const char *path, enum qpybak_type type)
{
    return new_node_with(ram, path, type, NULL);
}

static void free_node(struct ram_port *ram, int i)
{
    struct ram_node *n = &ram->nodes[i];

    put_blob(ram, n->blob);
    memset(n, 0, sizeof *n);
}

/* Takes a node out of the namespace; frees it unless a handle still uses it. */
static void unlink_node(struct ram_port *ram, int i)
{
    struct ram_node *n = &ram->nodes[i];

    if (n->open_count > 0) {
        n->linked = false;
        n->path[0] = '\0';
    } else {
        free_node(ram, i);
    }
}

/* Makes room for size bytes in a content block. */
static int reserve(struct ram_blob *n, size_t size)
{
    uint8_t *p;
    size_t cap;

    if (size <= n->cap)
        return 0;
    cap = n->cap ? n->cap : 64;
    while (cap < size)
        cap *= 2;
    p = (uint8_t *)realloc(n->data, cap);
    if (p == NULL)
        return QPYBAK_ERR_NOSPC;
    n->data = p;
    n->cap = cap;
    return 0;
}

/* ------------------------------------------------------------ operations */

static int hook(struct ram_port *ram, enum ram_op op, const char *path, const char *path2)
{
    ram->stats.ops[op]++;
    if (op != RAM_OP_LOCK && op != RAM_OP_UNLOCK && ram_port_locks_held(ram) == 0)
        ram->stats.unlocked_ops++;
    return ram->hook ? ram->hook(ram->hook_ctx, op, path, path2) : 0;
}

/* Counts a successful change. */
static void mutated(struct ram_port *ram)
{
    ram->stats.mutations++;
    if (ram->lock_shared > 0 && !ram->lock_exclusive)
        ram->stats.shared_mutations++;
}

/* Checks a path given to the port; 0 or QPYBAK_ERR_INVAL (counted). */
static int check_path(struct ram_port *ram, const char *path)
{
    if (!path_canonical(path)) {
        ram->stats.bad_paths++;
        return QPYBAK_ERR_INVAL;
    }
    if (!path_in_roots(path)) {
        ram->stats.outside_roots++;
        return QPYBAK_ERR_INVAL;
    }
    return 0;
}

static int check_writable(struct ram_port *ram, const char *path)
{
    if (ram->bak_readonly && has_prefix_dir(path, "/bak")) {
        ram->stats.ro_violations++;
        return QPYBAK_ERR_ROFS;
    }
    return 0;
}

static struct ram_handle *get_handle(struct ram_port *ram, int h)
{
    if (h < 0 || h >= RAM_PORT_MAX_HANDLES || !ram->handles[h].used) {
        ram->stats.bad_handles++;
        return NULL;
    }
    return &ram->handles[h];
}

static const char *handle_path(struct ram_port *ram, int h)
{
    if (h < 0 || h >= RAM_PORT_MAX_HANDLES || !ram->handles[h].used)
        return NULL;
    return ram->nodes[ram->handles[h].node].path;
}

static int op_open(void *ctx, const char *path, int flags)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    size_t open_now = ram_port_open_handles(ram);
    int err, n, h;

    err = hook(ram, RAM_OP_OPEN, path, NULL);
    if (err)
        return err;
    err = check_path(ram, path);
    if (err)
        return err;
    if (flags == 0 || (flags & ~(QPYBAK_O_READ | QPYBAK_O_WRITE)) != 0)
        return QPYBAK_ERR_INVAL;
    if (flags & QPYBAK_O_WRITE) {
        err = check_writable(ram, path);
        if (err)
            return err;
    }
    err = walk_parents(ram, path);
    if (err)
        return err;
    n = find(ram, path);
    if (n >= 0 && (flags & QPYBAK_O_WRITE)) {
        /* O_CREAT | O_EXCL: whatever has the name, nothing is written
         * through it (issue 8: no write through a link) */
        ram->stats.exist_refusals++;
        return QPYBAK_ERR_EXIST;
    }
    if (n >= 0 && ram->nodes[n].type != QPYBAK_TYPE_FILE)
        return QPYBAK_ERR_ISDIR;
    if (n < 0 && !(flags & QPYBAK_O_WRITE))
        return QPYBAK_ERR_NOENT;
    if (open_now >= (ram->max_open ? ram->max_open : RAM_PORT_DEFAULT_MAX_OPEN)) {
        ram->stats.too_many_open++;
        return RAM_ERR_MFILE;
    }
    for (h = 0; h < RAM_PORT_MAX_HANDLES && ram->handles[h].used; h++)
        ;
    if (h == RAM_PORT_MAX_HANDLES) {
        ram->stats.too_many_open++;
        return RAM_ERR_MFILE;
    }
    if (n < 0) {
        n = new_node(ram, path, QPYBAK_TYPE_FILE);
        if (n < 0)
            return n;
    }
    if (flags & QPYBAK_O_WRITE) {
        mutated(ram);
        ram->stats.write_opens++;
    }
    ram->handles[h].used = true;
    ram->handles[h].node = n;
    ram->handles[h].flags = flags;
    ram->handles[h].pos = 0;
    ram->nodes[n].open_count++;
    if (open_now + 1 > ram->stats.peak_open)
        ram->stats.peak_open = open_now + 1;
    return h;
}

/* xorshift32: the jitter PRNG, its state in the port. */
static uint32_t next_random(struct ram_port *ram)
{
    uint32_t x = ram->jitter;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    ram->jitter = x;
    return x;
}

static int op_read(void *ctx, int handle, void *buf, size_t len)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    struct ram_handle *h;
    struct ram_blob *n;
    size_t avail;
    int err;

    err = hook(ram, RAM_OP_READ, handle_path(ram, handle), NULL);
    if (err)
        return err;
    h = get_handle(ram, handle);
    if (h == NULL || !(h->flags & QPYBAK_O_READ))
        return RAM_ERR_BADF;
    n = ram->nodes[h->node].blob;
    avail = h->pos < n->size ? n->size - h->pos : 0;
    if (len > avail)
        len = avail;
    if (ram->read_cap && len > ram->read_cap)
        len = ram->read_cap;
    if (len > INT_MAX)
        len = INT_MAX;
    if (ram->jitter && len > 1)
        len = 1 + next_random(ram) % len;
    if (len)
        memcpy(buf, n->data + h->pos, len);
    h->pos += len;
    return (int)len;
}

static int op_write(void *ctx, int handle, const void *buf, size_t len)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    struct ram_handle *h;
    struct ram_blob *n;
    size_t end, grow;
    int err;

    err = hook(ram, RAM_OP_WRITE, handle_path(ram, handle), NULL);
    if (err)
        return err;
    h = get_handle(ram, handle);
    if (h == NULL || !(h->flags & QPYBAK_O_WRITE))
        return RAM_ERR_BADF;
    n = ram->nodes[h->node].blob;
    if (ram->write_cap && len > ram->write_cap)
        len = ram->write_cap;
    if (len > INT_MAX)
        len = INT_MAX;
    end = h->pos + len;
    grow = end > n->size ? end - n->size : 0;
    if (ram->capacity && grow > 0 && ram->used_bytes + grow > ram->capacity) {
        size_t room = ram->capacity > ram->used_bytes ? ram->capacity - ram->used_bytes : 0;

        if (room == 0)
            return QPYBAK_ERR_NOSPC;
        len -= grow - room; /* a short write, as a file system that fills up */
        end = h->pos + len;
        grow = room;
    }
    if (len == 0)
        return 0;
    if (reserve(n, end) != 0)
        return QPYBAK_ERR_NOSPC;
    if (h->pos > n->size)
        memset(n->data + n->size, 0, h->pos - n->size);
    memcpy(n->data + h->pos, buf, len);
    h->pos = end;
    if (end > n->size) {
        ram->used_bytes += end - n->size;
        n->size = end;
    }
    n->dirty = true;
    mutated(ram);
    return (int)len;
}

static int op_sync(void *ctx, int handle)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    struct ram_handle *h;
    int err;

    err = hook(ram, RAM_OP_SYNC, handle_path(ram, handle), NULL);
    if (err)
        return err;
    h = get_handle(ram, handle);
    if (h == NULL)
        return RAM_ERR_BADF;
    ram->nodes[h->node].blob->dirty = false;
    return 0;
}

static int op_close(void *ctx, int handle)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    struct ram_handle *h;
    int err, n;

    err = hook(ram, RAM_OP_CLOSE, handle_path(ram, handle), NULL);
    h = get_handle(ram, handle);
    if (h == NULL)
        return err ? err : RAM_ERR_BADF;
    n = h->node;
    memset(h, 0, sizeof *h);
    if (--ram->nodes[n].open_count == 0 && !ram->nodes[n].linked)
        free_node(ram, n);
    return err;
}

static int op_stat(void *ctx, const char *path, struct qpybak_stat *st)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    int err, n;

    err = hook(ram, RAM_OP_STAT, path, NULL);
    if (err)
        return err;
    err = check_path(ram, path);
    if (err)
        return err;
    err = walk_parents(ram, path);
    if (err)
        return err;
    n = find(ram, path);
    if (n < 0)
        return QPYBAK_ERR_NOENT;
    st->type = ram->nodes[n].type;
    st->size = ram->nodes[n].type == QPYBAK_TYPE_FILE ? ram->nodes[n].blob->size : 0;
    return 0;
}

static int op_rename(void *ctx, const char *from, const char *to)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    int err, f, t;

    err = hook(ram, RAM_OP_RENAME, from, to);
    if (err)
        return err;
    err = check_path(ram, from);
    if (!err)
        err = check_path(ram, to);
    if (!err)
        err = check_writable(ram, from);
    if (!err)
        err = check_writable(ram, to);
    if (!err)
        err = walk_parents(ram, from);
    if (err)
        return err;
    f = find(ram, from);
    if (f < 0)
        return QPYBAK_ERR_NOENT;
    if (ram->nodes[f].type != QPYBAK_TYPE_FILE)
        return QPYBAK_ERR_INVAL; /* directories are never renamed by the core */
    err = walk_parents(ram, to);
    if (err)
        return err;
    t = find(ram, to);
    if (t >= 0 && ram->nodes[t].type != QPYBAK_TYPE_FILE)
        return QPYBAK_ERR_ISDIR;
    if (parent_len(from) != parent_len(to) || !same_n(ram, from, to, parent_len(from)))
        ram->stats.cross_dir_renames++;
    if (ram->fat && (ram->nodes[f].open_count > 0 || (t >= 0 && t != f && ram->nodes[t].open_count > 0))) {
        ram->stats.open_changes++;
        return QPYBAK_ERR_ACCES; /* FatFs: FR_LOCKED, or a damaged volume */
    }
    if (ram->fat && t >= 0 && t != f) {
        ram->stats.rename_refusals++;
        return QPYBAK_ERR_EXIST; /* FAT: rename never replaces */
    }
    if (ram->nodes[f].blob->dirty)
        ram->stats.unsynced_renames++;
    if (t == f) {
        if (ram->fat && strcmp(ram->nodes[f].path, to) != 0) {
            set_path(ram, &ram->nodes[f], to); /* a new spelling of the name */
            mutated(ram);
            ram->stats.renames++;
        }
        return 0;
    }
    if (t >= 0 && ram->nodes[t].blob == ram->nodes[f].blob) {
        /* two links to one file: POSIX rename does nothing */
        return 0;
    }
    if (t >= 0)
        unlink_node(ram, t);
    set_path(ram, &ram->nodes[f], to);
    mutated(ram);
    ram->stats.renames++;
    return 0;
}

static int op_remove(void *ctx, const char *path)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    int err, n;

    err = hook(ram, RAM_OP_REMOVE, path, NULL);
    if (err)
        return err;
    err = check_path(ram, path);
    if (!err)
        err = check_writable(ram, path);
    if (!err)
        err = walk_parents(ram, path);
    if (err)
        return err;
    n = find(ram, path);
    if (n < 0)
        return QPYBAK_ERR_NOENT;
    if (ram->nodes[n].type == QPYBAK_TYPE_DIR && dir_has_children(ram, path))
        return RAM_ERR_NOTEMPTY;
    if (ram->fat && ram->nodes[n].open_count > 0) {
        ram->stats.open_changes++;
        return QPYBAK_ERR_ACCES; /* FatFs: FR_LOCKED, or a damaged volume */
    }
    unlink_node(ram, n);
    mutated(ram);
    return 0;
}

static int op_mkdir(void *ctx, const char *path)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    int err, n;

    err = hook(ram, RAM_OP_MKDIR, path, NULL);
    if (err)
        return err;
    err = check_path(ram, path);
    if (!err)
        err = check_writable(ram, path);
    if (!err)
        err = walk_parents(ram, path);
    if (err)
        return err;
    if (find(ram, path) >= 0)
        return QPYBAK_ERR_EXIST;
    n = new_node(ram, path, QPYBAK_TYPE_DIR);
    if (n < 0)
        return n;
    mutated(ram);
    return 0;
}

static int op_list(void *ctx, const char *path,
                   int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type),
                   void *fn_ctx)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    size_t len;
    int err, n, i;

    err = hook(ram, RAM_OP_LIST, path, NULL);
    if (err)
        return err;
    err = check_path(ram, path);
    if (!err)
        err = walk_parents(ram, path);
    if (err)
        return err;
    n = find(ram, path);
    if (n < 0)
        return QPYBAK_ERR_NOENT;
    if (ram->nodes[n].type != QPYBAK_TYPE_DIR)
        return QPYBAK_ERR_NOTDIR;
    len = strlen(path);
    /* By slot: entries removed by fn are skipped safely; entries fn creates
     * may or may not be listed, as with readdir. */
    for (i = 0; i < RAM_PORT_MAX_NODES; i++) {
        const struct ram_node *c = &ram->nodes[i];
        char name[RAM_PORT_PATH_MAX];

        if (!c->used || !c->linked || !below(ram, c->path, path, len) ||
            strchr(c->path + len + 1, '/') != NULL)
            continue;
        strcpy(name, c->path + len + 1); /* a copy: fn may remove or rename it */
        err = fn(fn_ctx, name, c->type);
        if (err)
            return err;
    }
    return 0;
}

unsigned ram_port_locks_held(const struct ram_port *ram)
{
    return ram->lock_shared + (ram->lock_exclusive ? 1u : 0u);
}

static int op_lock(void *ctx, int mode)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    bool busy;
    int err;

    err = hook(ram, RAM_OP_LOCK, NULL, NULL);
    if (err)
        return err;
    if (mode == QPYBAK_LOCK_EXCLUSIVE)
        busy = ram->lock_exclusive || ram->lock_shared > 0 || ram->other_lock != 0;
    else if (mode == QPYBAK_LOCK_SHARED)
        busy = ram->lock_exclusive || ram->other_lock == QPYBAK_LOCK_EXCLUSIVE;
    else
        return QPYBAK_ERR_INVAL;
    if (busy) {
        ram->stats.lock_busy++;
        return QPYBAK_ERR_BUSY;
    }
    if (mode == QPYBAK_LOCK_EXCLUSIVE) {
        ram->lock_exclusive = true;
        ram->stats.locks_exclusive++;
    } else {
        ram->lock_shared++;
        ram->stats.locks_shared++;
    }
    return 0;
}

/* Releases the lock even when the hook fails it, as close does: an unlock
 * that fails must not leave the lock held for ever. */
static int op_unlock(void *ctx)
{
    struct ram_port *ram = (struct ram_port *)ctx;
    int err = hook(ram, RAM_OP_UNLOCK, NULL, NULL);

    if (ram->lock_exclusive) {
        ram->lock_exclusive = false;
    } else if (ram->lock_shared > 0) {
        ram->lock_shared--;
    } else {
        ram->stats.bad_unlocks++;
        return err ? err : RAM_ERR_BADF;
    }
    ram->stats.unlocks++;
    return err;
}

/* ------------------------------------------------------------- lifetime */

void ram_port_init(struct ram_port *ram)
{
    memset(ram, 0, sizeof *ram);
    ram->port.ctx = ram;
    ram->port.open = op_open;
    ram->port.read = op_read;
    ram->port.write = op_write;
    ram->port.sync = op_sync;
    ram->port.close = op_close;
    ram->port.stat = op_stat;
    ram->port.rename = op_rename;
    ram->port.remove = op_remove;
    ram->port.mkdir = op_mkdir;
    ram->port.list = op_list;
    ram->port.lock = op_lock;
    ram->port.unlock = op_unlock;
    ram->max_open = RAM_PORT_DEFAULT_MAX_OPEN;
    new_node(ram, "/usr", QPYBAK_TYPE_DIR);
    new_node(ram, "/bak", QPYBAK_TYPE_DIR);
}

void ram_port_destroy(struct ram_port *ram)
{
    int i;

    for (i = 0; i < RAM_PORT_MAX_NODES; i++)
        if (ram->nodes[i].used)
            free_node(ram, i);
    memset(ram->handles, 0, sizeof ram->handles);
    ram->used_bytes = 0;
    ram->lock_shared = 0;
    ram->lock_exclusive = false;
}

void ram_port_power_cut(struct ram_port *ram)
{
    int h;

    for (h = 0; h < RAM_PORT_MAX_HANDLES; h++) {
        struct ram_handle *hd = &ram->handles[h];

        if (!hd->used)
            continue;
        if (--ram->nodes[hd->node].open_count == 0 && !ram->nodes[hd->node].linked)
            free_node(ram, hd->node);
        memset(hd, 0, sizeof *hd);
    }
    ram->lock_shared = 0;
    ram->lock_exclusive = false;
}

struct ram_port *ram_port_new(void)
{
    struct ram_port *ram = (struct ram_port *)malloc(sizeof *ram);

    if (ram)
        ram_port_init(ram);
    return ram;
}

void ram_port_free(struct ram_port *ram)
{
    if (ram) {
        ram_port_destroy(ram);
        free(ram);
    }
}

void ram_port_reset_stats(struct ram_port *ram)
{
    memset(&ram->stats, 0, sizeof ram->stats);
}

/* ---------------------------------------------------------------- helpers */

int ram_port_mkdirs(struct ram_port *ram, const char *path)
{
    char part[RAM_PORT_PATH_MAX];
    size_t i, len;

    if (!path_canonical(path))
        return QPYBAK_ERR_INVAL;
    len = strlen(path);
    for (i = 1; i <= len; i++) {
        if (i == len || path[i] == '/') {
            int n;

            memcpy(part, path, i);
            part[i] = '\0';
            n = find(ram, part);
            if (n >= 0) {
                if (ram->nodes[n].type != QPYBAK_TYPE_DIR)
                    return QPYBAK_ERR_NOTDIR;
                continue;
            }
            n = new_node(ram, part, QPYBAK_TYPE_DIR);
            if (n < 0)
                return n;
        }
    }
    return 0;
}

int ram_port_put(struct ram_port *ram, const char *path, const void *data, size_t len)
{
    char parent[RAM_PORT_PATH_MAX];
    struct ram_blob *node;
    size_t plen;
    bool shared;
    int err, n;

    if (!path_canonical(path))
        return QPYBAK_ERR_INVAL;
    plen = parent_len(path);
    if (plen > 0) {
        memcpy(parent, path, plen);
        parent[plen] = '\0';
        err = ram_port_mkdirs(ram, parent);
        if (err)
            return err;
    }
    n = find(ram, path);
    if (n >= 0 && ram->nodes[n].type != QPYBAK_TYPE_FILE)
        return QPYBAK_ERR_ISDIR;
    shared = n >= 0 && ram->nodes[n].blob->refs > 1;
    if (ram->capacity &&
        ram->used_bytes - (n >= 0 && !shared ? ram->nodes[n].blob->size : 0) + len > ram->capacity)
        return QPYBAK_ERR_NOSPC;
    if (n < 0) {
        n = new_node(ram, path, QPYBAK_TYPE_FILE);
        if (n < 0)
            return n;
    } else if (shared) {
        /* new content for this name only: the link is broken */
        struct ram_blob *b = new_blob();

        if (b == NULL)
            return QPYBAK_ERR_NOSPC;
        put_blob(ram, ram->nodes[n].blob);
        ram->nodes[n].blob = b;
    }
    node = ram->nodes[n].blob;
    if (reserve(node, len) != 0)
        return QPYBAK_ERR_NOSPC;
    ram->used_bytes -= node->size;
    if (len)
        memcpy(node->data, data, len);
    node->size = len;
    ram->used_bytes += len;
    node->dirty = false; /* a scene set by a test is durable */
    return 0;
}

int ram_port_put_str(struct ram_port *ram, const char *path, const char *text)
{
    return ram_port_put(ram, path, text, strlen(text));
}

int ram_port_link(struct ram_port *ram, const char *existing, const char *new_path)
{
    char parent[RAM_PORT_PATH_MAX];
    size_t plen;
    int err, n;

    if (!path_canonical(existing) || !path_canonical(new_path))
        return QPYBAK_ERR_INVAL;
    if (ram->fat)
        return QPYBAK_ERR_INVAL; /* FAT has no hard links */
    n = find(ram, existing);
    if (n < 0 || ram->nodes[n].type != QPYBAK_TYPE_FILE)
        return QPYBAK_ERR_NOENT;
    plen = parent_len(new_path);
    if (plen > 0) {
        memcpy(parent, new_path, plen);
        parent[plen] = '\0';
        err = ram_port_mkdirs(ram, parent);
        if (err)
            return err;
    }
    if (find(ram, new_path) >= 0)
        return QPYBAK_ERR_EXIST;
    err = new_node_with(ram, new_path, QPYBAK_TYPE_FILE, ram->nodes[n].blob);
    return err < 0 ? err : 0;
}

unsigned ram_port_nlink(const struct ram_port *ram, const char *path)
{
    int n = find(ram, path), i;
    unsigned count = 0;

    if (n < 0 || ram->nodes[n].type != QPYBAK_TYPE_FILE)
        return 0;
    for (i = 0; i < RAM_PORT_MAX_NODES; i++)
        if (ram->nodes[i].used && ram->nodes[i].linked && ram->nodes[i].blob == ram->nodes[n].blob)
            count++;
    return count;
}

const uint8_t *ram_port_get(const struct ram_port *ram, const char *path, size_t *len)
{
    int n = find(ram, path);
    static const uint8_t empty[1];

    if (n < 0 || ram->nodes[n].type != QPYBAK_TYPE_FILE) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = ram->nodes[n].blob->size;
    return ram->nodes[n].blob->data ? ram->nodes[n].blob->data : empty;
}

bool ram_port_file_equals(const struct ram_port *ram, const char *path, const void *data,
                          size_t len)
{
    size_t have;
    const uint8_t *p = ram_port_get(ram, path, &have);

    return p != NULL && have == len && (len == 0 || memcmp(p, data, len) == 0);
}

bool ram_port_file_is(const struct ram_port *ram, const char *path, const char *text)
{
    return ram_port_file_equals(ram, path, text, strlen(text));
}

int ram_port_type(const struct ram_port *ram, const char *path)
{
    int n = find(ram, path);

    return n < 0 ? 0 : (int)ram->nodes[n].type;
}

int ram_port_delete(struct ram_port *ram, const char *path)
{
    size_t len = strlen(path);
    int i, n = find(ram, path);

    if (n < 0)
        return QPYBAK_ERR_NOENT;
    if (ram->nodes[n].type == QPYBAK_TYPE_DIR) {
        for (i = 0; i < RAM_PORT_MAX_NODES; i++) {
            struct ram_node *c = &ram->nodes[i];

            if (c->used && c->linked && below(ram, c->path, path, len))
                unlink_node(ram, i);
        }
    }
    unlink_node(ram, n);
    return 0;
}

/* Fills order with the linked nodes sorted by path; returns their count. */
static size_t sorted_nodes(const struct ram_port *ram, int order[RAM_PORT_MAX_NODES])
{
    size_t count = 0, j;
    int i;

    for (i = 0; i < RAM_PORT_MAX_NODES; i++) {
        if (!ram->nodes[i].used || !ram->nodes[i].linked)
            continue;
        /* insertion sort: a few hundred nodes at most */
        for (j = count; j > 0 && strcmp(ram->nodes[order[j - 1]].path, ram->nodes[i].path) > 0; j--)
            order[j] = order[j - 1];
        order[j] = i;
        count++;
    }
    return count;
}

size_t ram_port_walk(const struct ram_port *ram,
                     void (*fn)(void *ctx, const char *path, enum qpybak_type type,
                                const uint8_t *data, size_t len),
                     void *ctx)
{
    int order[RAM_PORT_MAX_NODES];
    size_t count = sorted_nodes(ram, order), i;

    for (i = 0; i < count; i++) {
        const struct ram_node *n = &ram->nodes[order[i]];

        fn(ctx, n->path, n->type, n->blob ? n->blob->data : NULL, n->blob ? n->blob->size : 0);
    }
    return count;
}

size_t ram_port_count_files(const struct ram_port *ram, const char *prefix)
{
    size_t count = 0, len = strlen(prefix);
    int i;

    for (i = 0; i < RAM_PORT_MAX_NODES; i++) {
        const struct ram_node *n = &ram->nodes[i];

        if (n->used && n->linked && n->type == QPYBAK_TYPE_FILE && strlen(n->path) >= len &&
            same_n(ram, n->path, prefix, len))
            count++;
    }
    return count;
}

size_t ram_port_open_handles(const struct ram_port *ram)
{
    size_t count = 0;
    int i;

    for (i = 0; i < RAM_PORT_MAX_HANDLES; i++)
        if (ram->handles[i].used)
            count++;
    return count;
}

int ram_port_copy_tree(struct ram_port *dst, const struct ram_port *src)
{
    int i, j;

    /* Drop dst's tree; its open handles (if any) are closed, its lock
     * released (a lock does not survive a power cut). */
    ram_port_destroy(dst);
    for (i = 0; i < RAM_PORT_MAX_NODES; i++) {
        const struct ram_node *s = &src->nodes[i];
        struct ram_node *d = &dst->nodes[i];
        struct ram_blob *b;

        if (!s->used || !s->linked)
            continue;
        *d = *s;
        d->blob = NULL;
        d->open_count = 0;
        if (s->type != QPYBAK_TYPE_FILE)
            continue;
        /* a hard link: share the copy made for the earlier name */
        for (j = 0; s->blob->refs > 1 && j < i; j++) {
            if (src->nodes[j].used && src->nodes[j].linked && src->nodes[j].blob == s->blob) {
                d->blob = dst->nodes[j].blob;
                d->blob->refs++;
                break;
            }
        }
        if (d->blob)
            continue;
        b = new_blob();
        if (b == NULL) {
            d->used = false;
            return QPYBAK_ERR_NOSPC;
        }
        d->blob = b;
        b->dirty = s->blob->dirty;
        if (s->blob->size) {
            b->data = (uint8_t *)malloc(s->blob->size);
            if (b->data == NULL)
                return QPYBAK_ERR_NOSPC;
            memcpy(b->data, s->blob->data, s->blob->size);
            b->cap = b->size = s->blob->size;
        }
        dst->used_bytes += b->size;
    }
    return 0;
}

bool ram_port_equal(const struct ram_port *a, const struct ram_port *b)
{
    int oa[RAM_PORT_MAX_NODES], ob[RAM_PORT_MAX_NODES];
    size_t na = sorted_nodes(a, oa), nb = sorted_nodes(b, ob), i;

    if (na != nb)
        return false;
    for (i = 0; i < na; i++) {
        const struct ram_node *x = &a->nodes[oa[i]], *y = &b->nodes[ob[i]];

        size_t xs = x->blob ? x->blob->size : 0, ys = y->blob ? y->blob->size : 0;

        if (strcmp(x->path, y->path) != 0 || x->type != y->type || xs != ys ||
            (xs && memcmp(x->blob->data, y->blob->data, xs) != 0))
            return false;
    }
    return true;
}

static void dump_one(void *ctx, const char *path, enum qpybak_type type, const uint8_t *data,
                     size_t len)
{
    FILE *out = (FILE *)ctx;
    size_t i;

    if (type == QPYBAK_TYPE_DIR) {
        fprintf(out, "  %s/\n", path);
        return;
    }
    fprintf(out, "  %s  (%zu bytes)  \"", path, len);
    for (i = 0; i < len && i < 80; i++)
        fputc(data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '.', out);
    fprintf(out, "%s\"\n", len > 80 ? "..." : "");
}

void ram_port_dump(const struct ram_port *ram, FILE *out)
{
    fprintf(out, "ram port tree:\n");
    ram_port_walk(ram, dump_one, out);
}
