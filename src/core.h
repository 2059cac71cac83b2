/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal: the state of one boot, status or calc run, carved out of the
 * caller's work buffer (workspace.c), and the helpers every procedure shares.
 */
#ifndef QPYBAK_CORE_H
#define QPYBAK_CORE_H

#include "qpybak_tools.h"

/* Device paths qpybak owns. */
#define PATH_FLAG "/bak/backup_restore.json"
#define PATH_BACKUP_MANIFEST "/bak/checksum.json"
#define PATH_PRIMARY "/usr/checksum.json"
#define PATH_QPYBAK_DIR "/usr/.qpybak"
#define PATH_SHADOW "/usr/.qpybak/checksum.json"
#define PATH_REPORT "/usr/.qpybak/boot.json"
#define PATH_BACKUP_PREFIX "/bak"
#define PATH_JOURNAL "/usr/.qpybak/fota.json"
#define PATH_LAST_GOOD "/usr/.qpybak/good" /* + the name without "/usr" */

/* Every file qpybak replaces is first written to a temporary file in the
 * same directory, synced, then renamed over it: NAME.qpybak-tmp for its own
 * files, DIR/.qpybak-tmp for installs (see install_temp_path). */
#define TEMP_SUFFIX ".qpybak-tmp"
#define TEMP_SUFFIX_LEN 11

/* A file being read as a manifest: a reader on a port handle. */
struct mfile {
    struct qpybak_reader reader;
    struct core *core;
    const char *path;
    uint32_t next; /* index of the entry the reader gives next */
    int handle;    /* -1: closed */
};

/* A buffered output file, written under its temporary name. */
struct ofile {
    struct core *core;
    uint8_t *buf;
    size_t cap, len;
    int handle; /* -1: closed */
    int error;
};

struct core {
    const struct qpybak_config *cfg;
    const struct qpybak_port *port;
    struct qpybak_result *result;
    size_t name_max;

    /* Manifest readers: the user manifest being checked, a second pass over
     * the same file (duplicate names), the backup manifest (look-ups). */
    struct mfile user, aux, backup;
    const char *source_path; /* the user manifest in use */
    uint32_t source_entries; /* its entry count, sizes the duplicate filter */

    struct ofile out;    /* the new user manifest */
    struct ofile report; /* boot.json, opened at the first thing to report */
    enum { REPORT_NONE, REPORT_OPEN, REPORT_FAILED } report_state;
    struct qpybak_report rep;
    struct qpybak_writer writer;

    uint8_t *io;         /* file reads and copies */
    size_t io_size;
    char *path;          /* scratch paths, path_size bytes each: */
    char *temp;          /* a backup copy's, a temporary file's, */
    char *dir;           /* and a parent directory's */
    size_t path_size;

    bool fota_retry;     /* an install failed on a storage error */

    /* The path of the last failed step of a files.c operation (one of its
     * arguments or its temporary name), for note_error; err_path holds a
     * copy of the path behind result->error (path_size bytes). */
    const char *fail_path;
    char *err_path;

    uint8_t *bloom;      /* names seen so far (duplicate check), may be 0: */
    size_t bloom_bits;   /* the first bits of the spare buffer (index.c) */
    unsigned bloom_k;
};

/* workspace.c: places the core at the start of cfg->buffer and carves the
 * rest; clears *result.  NULL with *err set when the config is unusable. */
struct core *core_init(const struct qpybak_config *cfg, struct qpybak_result *result, int *err);

/* errors.c: what a port error means, for every caller alike. */
enum err_class {
    ERR_NONE = 0,
    ERR_ABSENT,    /* NOENT, NOTDIR (a file where a folder of the path is) */
    ERR_NOT_FILE,  /* ISDIR, LOOP, INVAL: a folder, link or special file */
    ERR_PASSING,   /* IO, NOSPC, BUSY: may succeed on a later try */
    ERR_PERMANENT  /* anything else: access, read-only, name too long... */
};
enum err_class err_class(int err);
/* Records the first error of a run and the path it is about (copied: the
 * caller's buffer may be reused). */
void note_error(struct core *c, int err, const char *path);

/* lock.c: the port lock around a whole procedure (see qpybak_port.lock). */
int core_lock(struct core *c, int mode);
void core_unlock(struct core *c);
/* The clean-up every writing procedure runs first, holding the lock: the
 * temporary names of qpybak's own files, and anything but a regular file
 * (or a folder, for /usr/.qpybak) where qpybak's own paths belong. */
void cleanup_own_paths(struct core *c);
/* Removes whatever is at path unless it is of the type that belongs there
 * (want: QPYBAK_TYPE_FILE or _DIR; 0: nothing belongs there).  Removing a
 * link or FIFO removes that name only; what cannot go (a non-empty folder)
 * is noted with its path.  Returns 1 when something was removed. */
int clear_unless(struct core *c, const char *path, int want);

/* io.c: the one wrapper through which every storage call goes. */
int io_open(struct core *c, const char *path, int flags);
int io_read(struct core *c, int handle, void *buf, size_t len);
int io_write(struct core *c, int handle, const void *buf, size_t len); /* all or error */
int io_sync(struct core *c, int handle);
int io_close(struct core *c, int handle);
int io_stat(struct core *c, const char *path, struct qpybak_stat *st);
int io_rename(struct core *c, const char *from, const char *to);
int io_remove(struct core *c, const char *path);
int io_mkdir(struct core *c, const char *path);
int io_list(struct core *c, const char *path,
            int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type), void *fn_ctx);

/* files.c: whole-file operations on top of io. */
/* The CRC and size of a file.  A file longer than limit bytes is not read
 * to its end: QPYBAK_ERR_FBIG, *size = its size from stat.  file_checksum
 * uses the largest size an entry can record (4 GiB - 1). */
int file_checksum_upto(struct core *c, const char *path, uint64_t limit, uint32_t *crc,
                       uint64_t *size);
int file_checksum(struct core *c, const char *path, uint32_t *crc, uint64_t *size);
int make_parents(struct core *c, const char *path);
/* The temporary file of qpybak's own files: NAME.qpybak-tmp. */
int temp_path(struct core *c, const char *path, char *out);
/* The temporary file of an install (restore, update, last-known-good copy):
 * .qpybak-tmp in the target's folder, one install at a time. */
int install_temp_path(struct core *c, const char *path, char *out);
int remove_if_present(struct core *c, const char *path);
/* Opens a temporary name for writing: created exclusively; whatever a cut
 * run left under the name is removed first (never written through). */
int open_temp(struct core *c, const char *temp);
/* Copies src to dst atomically.  The copy must match one of the accept_n
 * accepted checksums (0: no check) or it is not installed; *crc and *size
 * receive the copy's.  Returns 0, or QPYBAK_ERR_CORRUPT when none matches. */
struct accept {
    uint32_t crc;
    uint32_t size;
    bool has_size;
};
int install_copy(struct core *c, const char *src, const char *dst, const struct accept *accept,
                 int accept_n, uint32_t *crc, uint64_t *size);
int copy_file(struct core *c, const char *src, const char *dst);

int ofile_open(struct core *c, struct ofile *o, const char *target);
int ofile_write(void *ofile, const void *buf, size_t len); /* a qpybak_write_fn */
int ofile_commit(struct ofile *o, const char *target);
void ofile_abort(struct ofile *o, const char *target);

/* manifests.c: opening, validating and searching manifests. */
int mfile_open(struct core *c, struct mfile *m, const char *path);
void mfile_close(struct mfile *m);
int mfile_next(struct mfile *m, struct qpybak_entry *e);
enum qpybak_mstate manifest_check(struct core *c, const char *path, const char *compare_with,
                                  bool *same, uint32_t *entries);
void choose_source(struct core *c);
/* Finds the first valid entry of name, searching on from the last find:
 * 1 and *found, 0 when absent, or an error. */
int mfile_lookup(struct core *c, struct mfile *m, const char *path, const char *name, size_t len,
                 struct qpybak_entry *found);
int backup_lookup(struct core *c, const char *name, size_t len, struct qpybak_entry *found);
void dedupe_reset(struct core *c);
int dedupe_seen(struct core *c, const struct qpybak_entry *e, bool *duplicate);

/* Does a file with this checksum and size match the entry? */
bool entry_matches(const struct qpybak_entry *e, uint32_t crc, uint64_t size);
/* Does the entry carry exactly this name (a truncated long name never does)? */
bool entry_named(const struct qpybak_entry *e, const char *name, size_t len);

/* manifest_write.c: an entry with a "from" member (FOTA journal). */
int writer_entry_from(struct qpybak_writer *w, const char *name, size_t name_len, uint32_t crc,
                      bool has_size, uint32_t size, const char *from, size_t from_len);

/* fota.c: finishes an interrupted FOTA apply (boot step 2); 1 when a
 * journal was processed, 0 when none, or an error. */
int fota_resume(struct core *c);
/* Does the pending journal give the name this checksum (a file its
 * update already installed)? */
int journal_matches(struct core *c, const struct qpybak_entry *e, uint32_t crc, uint64_t size);
/* 1 when a tracked name lies at stage or below it, 0 when none, or an
 * error; reads the user manifest in use (choose_source first). */
int stage_holds_tracked(struct core *c, const char *stage, size_t len);
/* Builds the last-known-good path of a name into out. */
int last_good_path(struct core *c, const char *name, size_t len, char *out);

/* rewrite.c: writes a new user manifest from the one in use, dropping
 * invalid and duplicate entries; fn may change each entry's checksum.  Then
 * replaces the primary and copies it to the shadow.  0 or an error. */
typedef void (*rewrite_fn)(struct core *c, const struct qpybak_entry *e, struct accept *value,
                           void *ctx);
int manifest_rewrite(struct core *c, rewrite_fn fn, void *ctx);
/* The same walk without writing: how many entries fn would change. */
int manifest_changes(struct core *c, rewrite_fn fn, void *ctx);

/* ---- index.c: the spare work buffer (issue 8.7) ------------------------ */
/* The spare buffer runs from c->bloom (core_init) to the end of the work
 * buffer; its last bytes hold the index's state, set up here. */
void index_init(struct core *c);
#define INDEX_NONE 2  /* index_find: no index for this manifest, scan it */
#define INDEX_BUILD 3 /* index_find: fill the index first (index_add) */
/* The entry count validation found for a manifest (manifest_check). */
void index_note(struct core *c, const char *path, uint32_t entries);
/* Shares the spare buffer between the duplicate filter (c->bloom) and the
 * index; dedupe_reset calls it.  A new share drops the tables. */
void spare_split(struct core *c);
/* The tables are gone (the spare buffer is used for something else). */
void index_forget(struct core *c);
/* 1 and *found, 0 when absent, INDEX_NONE, or INDEX_BUILD: the caller
 * passes the manifest's entries to index_add, then calls index_done. */
int index_find(struct core *c, const char *path, const char *name, size_t len,
               struct qpybak_entry *found);
bool index_add(struct core *c, const struct qpybak_entry *e);
void index_done(struct core *c, bool ok);

/* A batch of the next smallest names of a directory listing (FOTA staging
 * walk), in the spare buffer, or one name in `one` without one. */
struct batch {
    uint8_t *mem;            /* NULL: one name at a time, in one */
    size_t size;
    char *one;
    enum qpybak_type one_type;
    size_t name_max;         /* longer names are counted in too_long */
    const char *after;       /* names sorting after this one (NULL: all) */
    uint32_t count, next;    /* names held; the next one to take */
    uint32_t top, garbage;   /* bytes of records; of those, dropped ones */
    uint32_t too_long;
    bool bounded;            /* names after the batch were left out */
    bool listed;             /* holds a listing of the current folder */
};
/* Takes the spare buffer (the index is dropped); one holds one_size bytes. */
void batch_init(struct core *c, struct batch *b, char *one, size_t one_size);
void batch_begin(struct batch *b, const char *after);
int batch_add(void *ctx, const char *name, enum qpybak_type type); /* io_list callback */
void batch_end(struct batch *b);
const char *batch_take(struct batch *b, enum qpybak_type *type);
/* ---- end index.c ---- */

#endif
