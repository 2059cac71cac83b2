/*
 * A RAM storage port for tests: an in-memory file system behind
 * struct qpybak_port, with the semantics of a real one and counters that let
 * a test check what the core did to it.
 *
 * The file system
 * - A fixed table of RAM_PORT_MAX_NODES nodes (files and directories), each
 *   named by its full device path ("/usr/a.py", "/bak/usr/a.py").  The root
 *   "/" exists implicitly; ram_port_init creates "/usr" and "/bak".
 * - File contents live on the heap, one block per file, freed when the file
 *   is removed or replaced and by ram_port_destroy: no leaks.  An optional
 *   byte capacity (capacity) makes writes fail with QPYBAK_ERR_NOSPC.
 * - Like a real file system: a file or directory can only be created in an
 *   existing directory (QPYBAK_ERR_NOENT otherwise, QPYBAK_ERR_NOTDIR when a
 *   path component is a file); mkdir creates one level and says
 *   QPYBAK_ERR_EXIST when the path is taken; open refuses a directory with
 *   QPYBAK_ERR_ISDIR; remove refuses a non-empty directory
 *   (RAM_ERR_NOTEMPTY); rename replaces its target atomically (a single
 *   step: there is no instant where the target is missing) and renames files
 *   only (a directory gives QPYBAK_ERR_INVAL).
 * - A removed or replaced file that is still open stays readable through its
 *   handle until it is closed (POSIX unlink semantics).
 * - Writes are visible at once.  A file is "dirty" from its creation or last
 *   write until it is synced; renaming a dirty file is counted
 *   (stats.unsynced_renames) because on real flash it could be torn.
 *
 * The port operations check the contract of struct qpybak_port and count
 * every breach instead of crashing:
 * - paths must be canonical ('/'-separated, no empty, "." or ".."
 *   component, no trailing '/'): else QPYBAK_ERR_INVAL, stats.bad_paths;
 * - paths must lie in "/usr" or "/bak": else QPYBAK_ERR_INVAL,
 *   stats.outside_roots;
 * - with bak_readonly, any change under "/bak" fails with QPYBAK_ERR_ROFS,
 *   counted in stats.ro_violations;
 * - at most max_open handles (default RAM_PORT_DEFAULT_MAX_OPEN, the
 *   contract) may be open at once:
 *   one more fails with RAM_ERR_MFILE, counted in stats.too_many_open;
 * - a rename between two directories is done but counted
 *   (stats.cross_dir_renames).
 *
 * Knobs for tests: read_cap and write_cap limit the bytes one read or write
 * call moves (short reads and writes); jitter != 0 makes every read return a
 * pseudo-random count from 1 to the allowed maximum (seeded by jitter, kept
 * in the port: no global state).  hook, when set, is called first by every
 * port operation; a non-zero return fails that operation with that value
 * and no effect (except close, which still releases the handle) - the base
 * for fault injection.
 *
 * For crash tests: a hook that fails every operation from the Nth on (or
 * snapshots the tree with ram_port_copy_tree at the Nth) stands for a power
 * cut at any instant; ram_port_equal compares the outcome with an
 * uninterrupted run.
 *
 * Helpers (ram_port_put, _get, _delete, ...) work on the tree directly: they
 * bypass the hook, the read-only rule and the counters, and create missing
 * parent directories, so that a test can set a scene in one line.
 */
#ifndef RAM_PORT_H
#define RAM_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "qpybak.h"

#define RAM_PORT_MAX_NODES 160
#define RAM_PORT_PATH_MAX 512
#define RAM_PORT_MAX_HANDLES 16

/* Files open at once that struct qpybak_port's contract allows (qpybak.h:
 * two manifests, the report, a copy's source and target). */
#define RAM_PORT_DEFAULT_MAX_OPEN 5

/* Errors of the RAM port that qpybak has no name for (errno values). */
#define RAM_ERR_BADF (-9)      /* not an open handle, or the wrong mode */
#define RAM_ERR_MFILE (-24)    /* more than max_open files open at once */
#define RAM_ERR_NOTEMPTY (-39) /* remove of a non-empty directory */

enum ram_op {
    RAM_OP_OPEN,
    RAM_OP_READ,
    RAM_OP_WRITE,
    RAM_OP_SYNC,
    RAM_OP_CLOSE,
    RAM_OP_STAT,
    RAM_OP_RENAME,
    RAM_OP_REMOVE,
    RAM_OP_MKDIR,
    RAM_OP_LIST,
    RAM_OP_COUNT
};

struct ram_node {
    bool used;   /* the slot holds a node */
    bool linked; /* the node has its path (false: removed while still open) */
    enum qpybak_type type;
    char path[RAM_PORT_PATH_MAX];
    uint8_t *data;
    size_t size, cap;
    bool dirty;     /* written since the last sync */
    int open_count; /* handles on it */
};

struct ram_handle {
    bool used;
    int node;
    int flags; /* QPYBAK_O_READ / QPYBAK_O_WRITE */
    size_t pos;
};

struct ram_stats {
    unsigned long ops[RAM_OP_COUNT]; /* calls of each port operation */
    unsigned long mutations;         /* successful changes: open for write, write,
                                        rename, remove, mkdir */
    unsigned long write_opens;       /* successful opens with QPYBAK_O_WRITE */
    unsigned long renames;           /* successful renames */
    unsigned long peak_open;         /* most handles open at once */
    unsigned long unsynced_renames;  /* renames of a dirty file */
    unsigned long cross_dir_renames; /* renames between two directories */
    unsigned long bad_paths;         /* non-canonical paths given to the port */
    unsigned long outside_roots;     /* paths outside /usr and /bak */
    unsigned long ro_violations;     /* attempted changes under a read-only /bak */
    unsigned long too_many_open;     /* opens refused by max_open */
    unsigned long bad_handles;       /* operations on a handle that is not open */
};

struct ram_port {
    struct qpybak_port port; /* the operations, ctx = this port: pass &ram->port */

    /* Knobs (set after ram_port_init; zero means "no limit" unless noted). */
    size_t read_cap;   /* at most this many bytes per read */
    size_t write_cap;  /* at most this many bytes per write */
    uint32_t jitter;   /* non-zero: random short reads, the PRNG state */
    size_t max_open;   /* handles open at once, default RAM_PORT_DEFAULT_MAX_OPEN */
    size_t capacity;   /* total bytes of all files */
    bool bak_readonly; /* refuse changes under /bak (default false) */
    int (*hook)(void *hook_ctx, enum ram_op op, const char *path, const char *path2);
    void *hook_ctx;

    struct ram_stats stats;

    /* Private. */
    size_t used_bytes;
    struct ram_node nodes[RAM_PORT_MAX_NODES];
    struct ram_handle handles[RAM_PORT_MAX_HANDLES];
};

/* Prepares an empty file system with "/usr" and "/bak" (any memory: the
 * structure is large, prefer static or heap storage to the stack). */
void ram_port_init(struct ram_port *ram);

/* Frees every file's content and closes every handle. */
void ram_port_destroy(struct ram_port *ram);

/* ram_port_init on the heap; ram_port_free destroys and frees (NULL-safe). */
struct ram_port *ram_port_new(void);
void ram_port_free(struct ram_port *ram);

/* Sets the counters back to zero. */
void ram_port_reset_stats(struct ram_port *ram);

/* ----- helpers: direct access to the tree (no hook, counters or rules) ----- */

/* Creates or replaces a file with len bytes of data, creating its parent
 * directories.  0, QPYBAK_ERR_INVAL for a bad path, QPYBAK_ERR_ISDIR when a
 * directory has that path, QPYBAK_ERR_NOTDIR when a parent is a file,
 * QPYBAK_ERR_NOSPC when the node table or capacity is full. */
int ram_port_put(struct ram_port *ram, const char *path, const void *data, size_t len);
int ram_port_put_str(struct ram_port *ram, const char *path, const char *text);

/* Creates a directory and its parents (existing ones are fine). */
int ram_port_mkdirs(struct ram_port *ram, const char *path);

/* A file's content and size (len may be NULL), or NULL when path is not a
 * file.  Never NULL for a file, even an empty one.  The pointer is valid
 * until the file changes. */
const uint8_t *ram_port_get(const struct ram_port *ram, const char *path, size_t *len);

/* True when path is a file whose content equals the NUL-terminated text. */
bool ram_port_file_is(const struct ram_port *ram, const char *path, const char *text);

/* True when path is a file with exactly len bytes equal to data. */
bool ram_port_file_equals(const struct ram_port *ram, const char *path, const void *data,
                          size_t len);

/* QPYBAK_TYPE_FILE, QPYBAK_TYPE_DIR, or 0 when nothing has that path. */
int ram_port_type(const struct ram_port *ram, const char *path);

/* Removes a file, or a directory with everything in it.  0 or NOENT. */
int ram_port_delete(struct ram_port *ram, const char *path);

/* Calls fn for every file and directory, sorted by path.  Returns the count. */
size_t ram_port_walk(const struct ram_port *ram,
                     void (*fn)(void *ctx, const char *path, enum qpybak_type type,
                                const uint8_t *data, size_t len),
                     void *ctx);

/* Number of files (not directories) whose path starts with prefix. */
size_t ram_port_count_files(const struct ram_port *ram, const char *prefix);

/* Handles currently open (a finished core run must leave none). */
size_t ram_port_open_handles(const struct ram_port *ram);

/* Replaces dst's tree with a deep copy of src's (files and directories
 * only: no handles, counters or knobs).  0 or QPYBAK_ERR_NOSPC. */
int ram_port_copy_tree(struct ram_port *dst, const struct ram_port *src);

/* True when both trees hold the same paths, types and contents. */
bool ram_port_equal(const struct ram_port *a, const struct ram_port *b);

/* Prints the tree (path, type, size, start of content) for a failing test. */
void ram_port_dump(const struct ram_port *ram, FILE *out);

#endif
