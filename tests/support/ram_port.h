/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
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
 *   step: there is no instant where the target is missing; FAT mode below
 *   refuses instead) and renames files only (a directory gives
 *   QPYBAK_ERR_INVAL).
 * - open with QPYBAK_O_WRITE creates a new, empty regular file exclusively,
 *   as the port contract says (O_CREAT | O_EXCL): when anything has the
 *   name already - a file, a hard link, a directory - it fails with
 *   QPYBAK_ERR_EXIST (counted in stats.exist_refusals) and changes nothing.
 *   Nothing is ever truncated or written through an existing name.
 * - A file's content is a block that several names can share: hard links
 *   (ram_port_link).  Removing or renaming over one name leaves the content
 *   to the others; a write through a link would show under every name.
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
 * The lock (port.lock / port.unlock, both set by ram_port_init) is a RAM
 * flag set: a count of shared holds and an exclusive flag.  A lock that
 * conflicts with a hold - the port's own or other_lock, which a test sets
 * to stand for another run - fails with QPYBAK_ERR_BUSY (stats.lock_busy).
 * unlock releases the exclusive hold, else one shared hold; an unlock with
 * nothing held is a contract breach (stats.bad_unlocks, RAM_ERR_BADF).  A
 * lock does not survive a power cut: ram_port_copy_tree, ram_port_destroy
 * and ram_port_power_cut leave the copy unlocked.  Every other port call
 * made while the port holds nothing is counted (stats.unlocked_ops), and so
 * is every change made under a shared hold only (stats.shared_mutations):
 * with these a test checks that a procedure did all its work under the
 * right lock, and ram_port_locks_held that it released it.  Set port.lock
 * and port.unlock to NULL for a port without a lock.
 *
 * Knobs for tests: read_cap and write_cap limit the bytes one read or write
 * call moves (short reads and writes); jitter != 0 makes every read return a
 * pseudo-random count from 1 to the allowed maximum (seeded by jitter, kept
 * in the port: no global state).  hook, when set, is called first by every
 * port operation; a non-zero return fails that operation with that value
 * and no effect (except close and unlock, which still release the handle
 * or the lock) - the base for fault injection.  lock and unlock reach the
 * hook as RAM_OP_LOCK and RAM_OP_UNLOCK with NULL paths.
 *
 * For crash tests: a hook that fails every operation from the Nth on (or
 * snapshots the tree with ram_port_copy_tree at the Nth) stands for a power
 * cut at any instant; ram_port_power_cut then drops what a cut loses (open
 * handles, the lock), and ram_port_equal compares the outcome with an
 * uninterrupted run.
 *
 * FAT mode (fat = true, set after ram_port_init; the crash sweeps run in it
 * too) has the semantics a FatFs volume gives a port (docs/porting.md,
 * "FatFs"):
 * - rename never replaces: when anything has the target name it fails with
 *   QPYBAK_ERR_EXIST (stats.rename_refusals) and changes nothing, as
 *   f_rename's FR_EXIST;
 * - names are case-insensitive (ASCII letters only, the short-name rule of
 *   every code page): a lookup finds "/usr/Main.py" as "/usr/main.py", a
 *   name that differs from an existing one only in case is taken
 *   (QPYBAK_ERR_EXIST on create and mkdir), and a listing gives each name
 *   as it was created; a rename to another spelling of the same name
 *   changes its case;
 * - no hard links: ram_port_link fails with QPYBAK_ERR_INVAL;
 * - removing or renaming a file that is open fails with QPYBAK_ERR_ACCES
 *   and is counted (stats.open_changes): FatFs refuses it with FR_LOCKED
 *   when built with FF_FS_LOCK, and damages the volume without it.
 * The helpers follow the same name rules (case-insensitive lookups).
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
/* (QPYBAK_ERR_NOTEMPTY has the same value.) */

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
    RAM_OP_LOCK,
    RAM_OP_UNLOCK,
    RAM_OP_COUNT
};

/* A file's content, shared by its hard links (private). */
struct ram_blob;

struct ram_node {
    bool used;   /* the slot holds a node */
    bool linked; /* the node has its path (false: removed while still open) */
    enum qpybak_type type;
    char path[RAM_PORT_PATH_MAX];
    struct ram_blob *blob; /* files: the content (data, size, dirty flag) */
    int open_count;        /* handles on it */
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
    unsigned long exist_refusals;    /* opens for writing refused: the name exists */
    unsigned long locks_shared;      /* shared locks granted */
    unsigned long locks_exclusive;   /* exclusive locks granted */
    unsigned long unlocks;           /* locks released by unlock */
    unsigned long lock_busy;         /* locks refused with QPYBAK_ERR_BUSY */
    unsigned long bad_unlocks;       /* unlocks with nothing held (a breach) */
    unsigned long unlocked_ops;      /* other port calls made with nothing held */
    unsigned long shared_mutations;  /* changes made under a shared hold only */
    unsigned long rename_refusals;   /* FAT mode: renames refused, the target exists */
    unsigned long open_changes;      /* FAT mode: removes or renames of an open file */
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
    bool fat;          /* FAT mode (see above; default false) */
    int (*hook)(void *hook_ctx, enum ram_op op, const char *path, const char *path2);
    void *hook_ctx;
    int other_lock;    /* another run's hold: 0, QPYBAK_LOCK_SHARED or
                          QPYBAK_LOCK_EXCLUSIVE (a conflicting lock is BUSY) */

    struct ram_stats stats;

    /* The port's own holds (read them; ram_port_locks_held sums them). */
    unsigned lock_shared;  /* shared holds */
    bool lock_exclusive;   /* the exclusive hold */

    /* Private. */
    size_t used_bytes;
    struct ram_node nodes[RAM_PORT_MAX_NODES];
    struct ram_handle handles[RAM_PORT_MAX_HANDLES];
};

/* Prepares an empty file system with "/usr" and "/bak" (any memory: the
 * structure is large, prefer static or heap storage to the stack). */
void ram_port_init(struct ram_port *ram);

/* Frees every file's content, closes every handle, drops the lock. */
void ram_port_destroy(struct ram_port *ram);

/* What a power cut or a reset loses besides unsynced data: every handle is
 * closed (a removed file still open is freed) and the lock is released.
 * The tree and the counters stay. */
void ram_port_power_cut(struct ram_port *ram);

/* The port's own lock holds now: shared holds plus one for the exclusive
 * hold (a finished procedure must leave 0). */
unsigned ram_port_locks_held(const struct ram_port *ram);

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

/* Gives the file at existing a second name, new_path (a hard link: one
 * content, two names), creating new_path's parent directories.  0,
 * QPYBAK_ERR_NOENT when existing is not a file, QPYBAK_ERR_EXIST when
 * new_path is taken, QPYBAK_ERR_INVAL for a bad path and in FAT mode (no
 * links there), QPYBAK_ERR_NOTDIR,
 * QPYBAK_ERR_NOSPC.  ram_port_put on either name gives that name new
 * content of its own (the link is broken, as an editor that replaces the
 * file would); only port writes could go through a link, and the port
 * never writes through an existing name. */
int ram_port_link(struct ram_port *ram, const char *existing, const char *new_path);

/* How many names the file at path has (1 without hard links), 0 when path
 * is not a file. */
unsigned ram_port_nlink(const struct ram_port *ram, const char *path);

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

/* Replaces dst's tree with a deep copy of src's (files and directories,
 * hard links kept as links; no handles, counters, knobs or lock: dst is
 * left unlocked, as after a power cut).  0 or QPYBAK_ERR_NOSPC. */
int ram_port_copy_tree(struct ram_port *dst, const struct ram_port *src);

/* True when both trees hold the same paths, types and contents. */
bool ram_port_equal(const struct ram_port *a, const struct ram_port *b);

/* Prints the tree (path, type, size, start of content) for a failing test. */
void ram_port_dump(const struct ram_port *ram, FILE *out);

#endif
