/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal: the state of one boot, status or calc run, carved out of the
 * caller's work buffer (workspace.c), and the helpers every procedure shares.
 */
#ifndef QPYBAK_CORE_H
#define QPYBAK_CORE_H

#include "prefix.h"
#include "qpybak_tools.h"

#include "value.h"

/* Device paths qpybak owns (qpybak_tools.h), in the core's short names. */
#define PATH_FLAG QPYBAK_PATH_FLAG
#define PATH_BACKUP_MANIFEST QPYBAK_PATH_BACKUP_MANIFEST
#define PATH_PRIMARY QPYBAK_PATH_PRIMARY
#define PATH_QPYBAK_DIR QPYBAK_PATH_OWN_DIR
#define PATH_SHADOW QPYBAK_PATH_SHADOW
#define PATH_REPORT QPYBAK_PATH_REPORT
#define PATH_JOURNAL QPYBAK_PATH_JOURNAL
#define TEMP_SUFFIX_LEN (sizeof QPYBAK_TEMP_SUFFIX - 1)

/* The longest temporary name of qpybak's own files, with its NUL:
 * "/usr/.qpybak/checksum.json.qpybak-tmp". */
#define OWN_NAME_SIZE 40

/* A file being read as a manifest: a reader on a port handle. */
struct mfile {
    struct qpybak_reader reader;
    struct run *run;
    const char *path;
    uint32_t next; /* index of the entry the reader gives next */
    int handle;    /* -1: closed */
};

/* A buffered output file of qpybak's own (outfile.c), written under
 * NAME.qpybak-tmp. */
struct outfile {
    struct run *run;
    uint8_t *buf;
    size_t cap, len;
    int handle; /* -1: closed */
    int error;
    const char *target;
};

/* The names of a manifest's valid entries as a sum and a count of their
 * keys (name_key): the same names in any order give the same two, other
 * names a chance match of 2^-64. */
struct name_sum {
    uint64_t sum;
    uint32_t count;
};

/* The installer (install.c): file reads and atomic installs, with the
 * buffers they need and nothing else uses. */
struct installer {
    struct run *run;
    uint8_t *io;      /* file reads and copies */
    size_t io_size;
    char *scratch;    /* names derived from a target: folders, temporary name */
    char *composed;   /* a path built from a tracked name, for the caller */
};

struct run {
    const struct qpybak_config *cfg;
    const struct qpybak_port *port;
    struct qpybak_result *result;
    size_t name_max;

    /* Manifest cursors, by role: `pass` goes through a manifest entry by
     * entry (the user manifest being checked or rewritten, the journal
     * being rolled forward); `rescan` reads one again beside it (the
     * shadow compared while the primary is validated, earlier entries for
     * a duplicate name, the manifests a staging folder is checked
     * against); `lookup` finds names (in the backup manifest, the
     * journal). */
    struct mfile pass, rescan, lookup;
    const char *source_path; /* the user manifest in use */
    uint32_t source_entries; /* its entry count, sizes the duplicate filter */

    struct outfile out;    /* the new user manifest, or the FOTA journal */
#ifndef QPYBAK_NO_REPORT
    struct outfile report; /* boot.json, opened at the first thing to report */
    struct qpybak_report rep;
#endif
    struct qpybak_writer writer;

    struct installer inst;
    char *from;          /* the FOTA journal entry's staged copy (reader_from) */
    size_t path_size;    /* of every path buffer: the longest path built */


    /* The path of the last failed step of a files.c operation (one of its
     * arguments or its temporary name), for note_error; err_path holds a
     * copy of the path behind result->error (path_size bytes). */
    const char *fail_path;
    char *err_path;

    uint8_t *bloom;      /* names seen so far (duplicate check), may be 0: */
    size_t bloom_bits;   /* the first bits of the spare buffer (index.c) */
    uint8_t bloom_k;

    uint8_t report_state; /* REPORT_*, below */
    bool floor_proven;    /* every factory name is in the primary, which
                             is in use (floor.c) */
    bool fota_retry;      /* an install failed on a storage error */
};
enum { REPORT_NONE, REPORT_OPEN, REPORT_FAILED };

/* What a procedure lays out of the work buffer besides the run, its three
 * cursors and the I/O buffer (workspace.c); qpybak_buffer_min() is the
 * largest layout, boot's. */
#define PIECE_OUT 0x1u    /* out: the manifest rewrite, the journal */
#define PIECE_REPORT 0x2u /* report: boot.json */
#define PIECE_NAMES 0x4u  /* the installer's scratch and composed names */
#define PIECE_FROM 0x8u   /* the journal's from buffer */
#ifdef QPYBAK_NO_FOTA
#define PIECES_FOTA 0u
#else
#define PIECES_FOTA PIECE_FROM
#endif
#ifdef QPYBAK_NO_REPORT
#define PIECES_REPORT 0u
#else
#define PIECES_REPORT PIECE_REPORT
#endif
#define LAYOUT_STATUS PIECE_NAMES /* the size rule stats a backup copy */
#define LAYOUT_CALC (PIECE_OUT | PIECE_NAMES)
#define LAYOUT_FOTA (PIECE_OUT | PIECE_NAMES | PIECE_FROM)
#define LAYOUT_BOOT (PIECE_OUT | PIECES_REPORT | PIECE_NAMES | PIECES_FOTA)

/* workspace.c: places the run at the start of cfg->buffer and carves the
 * rest for a procedure's layout (LAYOUT_*); clears *result.  NULL with
 * *err set when the config is unusable. */
struct run *run_init(const struct qpybak_config *cfg, struct qpybak_result *result, int *err,
                     unsigned pieces);

/* errors.c: what a port error means, for every caller alike. */
enum err_class {
    ERR_NONE = 0,
    ERR_ABSENT,    /* NOENT, NOTDIR (a file where a folder of the path is) */
    ERR_NOT_FILE,  /* ISDIR, LOOP, INVAL: a folder, link or special file */
    ERR_PASSING,   /* IO, NOSPC, BUSY: may succeed on a later try */
    ERR_PERMANENT  /* anything else: access, read-only, name too long... */
};
enum err_class err_class(int err); /* ERR_NONE for any err >= 0 */
/* Records the first error of a run and the path it is about (copied: the
 * caller's buffer may be reused). */
void note_error(struct run *c, int err, const char *path);

/* lock.c: the port lock around a whole procedure (see qpybak_port.lock). */
int run_lock(struct run *c, int mode);
void run_unlock(struct run *c);
/* The clean-up every writing procedure runs first, holding the lock: the
 * temporary names of qpybak's own files, and anything but a regular file
 * (or a folder, for /usr/.qpybak) where qpybak's own paths belong. */
void cleanup_own_paths(struct run *c);
/* Removes whatever is at path unless it is of the type that belongs there
 * (want: QPYBAK_TYPE_FILE or _DIR; 0: nothing belongs there).  Removing a
 * link or FIFO removes that name only; what cannot go (a non-empty folder)
 * is noted with its path.  Returns 1 when something was removed. */
int clear_unless(struct run *c, const char *path, int want);

/* io.c: the one wrapper through which every storage call goes. */
int io_open(struct run *c, const char *path, int flags);
int io_read(struct run *c, int handle, void *buf, size_t len);
int io_write(struct run *c, int handle, const void *buf, size_t len); /* all or error */
int io_sync(struct run *c, int handle);
int io_close(struct run *c, int handle);
int io_stat(struct run *c, const char *path, struct qpybak_stat *st);
int io_rename(struct run *c, const char *from, const char *to);
/* Renames from over an existing file to, on any port (see io.c). */
int io_replace(struct run *c, const char *from, const char *to);
int io_remove(struct run *c, const char *path);
int io_mkdir(struct run *c, const char *path);
int io_list(struct run *c, const char *path,
            int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type), void *fn_ctx);

/* install.c: the installer. */
/* The CRC and size of a file: 0, or an error.  A file longer than limit
 * bytes is not read to its end: CHECKSUM_PAST_LIMIT, *size = its size from
 * stat, *crc of the part read only.  *zeros (may be NULL): how many bytes
 * at its start are zero (of the part read).  file_checksum uses the largest
 * size an entry can record (4 GiB - 1) and says QPYBAK_ERR_FBIG past it. */
#define CHECKSUM_PAST_LIMIT 1
int file_checksum_upto(struct installer *in, const char *path, uint64_t limit, uint32_t *crc,
                       uint64_t *size, uint64_t *zeros);
int file_checksum(struct installer *in, const char *path, uint32_t *crc, uint64_t *size);
/* A file as read for a check: file_checksum_upto's outputs. */
struct file_sum {
    int err; /* 0, CHECKSUM_PAST_LIMIT or an error */
    uint32_t crc;
    uint64_t size, zeros;
};
/* size_rule.c: the verdict on a file that matches its entry's CRC but not
 * its size, or is longer than the entry records (docs/format.md, "The
 * size member"); may read the whole file into *sum. */
enum size_verdict {
    SIZE_DAMAGED, /* damaged like any other: the content or the size differs */
    SIZE_STALE,   /* the CRC matches; the size was not written with it: intact */
    SIZE_ZEROS    /* the CRC matches, the file is longer by leading zero bytes,
                     and the entry records an edit: reported, kept */
};
enum size_verdict size_rule(struct run *c, const struct qpybak_entry *e, struct file_sum *sum);
/* Copies src to dst atomically through DIR/.qpybak-tmp.  The copy must
 * match one of the accept_n values (0: no check) or it is not installed;
 * *crc and *size receive the copy's.  0, QPYBAK_ERR_CORRUPT when none
 * matches, or an error with c->fail_path naming where it was met. */
int install_copy(struct installer *in, const char *src, const char *dst,
                 const struct value *accept, int accept_n, uint32_t *crc, uint64_t *size);
int copy_file(struct installer *in, const char *src, const char *dst);
/* Clears whatever a cut install left at target's temporary name
 * (DIR/.qpybak-tmp); 1 when something was removed. */
int install_sweep(struct installer *in, const char *target);
/* /bak + name, or the last-known-good path of name (NULL: too long), in
 * in->composed. */
const char *installer_backup_path(struct installer *in, const char *name, size_t len);
const char *installer_good_path(struct installer *in, const char *name, size_t len);

/* outfile.c: qpybak's own files. */
/* Opens a temporary name for writing: created exclusively; whatever a cut
 * run left under the name is removed first (never written through). */
int open_temp(struct run *c, const char *temp);
/* NAME.qpybak-tmp of one of qpybak's own files. */
int own_temp_name(const char *path, char out[OWN_NAME_SIZE]);
int outfile_open(struct outfile *o, const char *target);
int outfile_write(void *outfile, const void *buf, size_t len); /* a qpybak_write_fn */
int outfile_commit(struct outfile *o);
void outfile_abort(struct outfile *o);

/* name.c: qpybak_name_check for paths in the staging folder: the same rule
 * but for the default staging folder, which only manifests may not name
 * (a staging folder and its staged copies live there). */
enum qpybak_reason staging_name_check(const char *name, size_t len, size_t name_max);

/* cursor.c, choose.c, dedupe.c: reading, validating and searching manifests. */
int mfile_open(struct run *c, struct mfile *m, const char *path);
void mfile_close(struct mfile *m);
int mfile_next(struct mfile *m, struct qpybak_entry *e);
/* Validates a manifest and counts its entries. */
enum qpybak_mstate manifest_check(struct run *c, const char *path, uint32_t *entries);
/* Chooses the user manifest (docs/design.md, "Choosing the user
 * manifest"); ahead, when not NULL, is given each entry of the primary as
 * it is validated - before anyone knows whether the primary is valid
 * (boot.c: reading files ahead). */
typedef void (*entry_fn)(struct run *c, const struct qpybak_entry *e, void *ctx);
void choose_source(struct run *c, entry_fn ahead, void *ctx);
/* Finds the first valid entry of name, searching on from the last find:
 * 1 and *found, 0 when absent, or an error. */
int mfile_lookup(struct run *c, struct mfile *m, const char *path, const char *name, size_t len,
                 struct qpybak_entry *found);
int backup_lookup(struct run *c, const char *name, size_t len, struct qpybak_entry *found);
void dedupe_reset(struct run *c);
/* Duplicate names (dedupe.c): dedupe_note for every valid entry in order,
 * dedupe_confirm for a "maybe" whose answer matters; dedupe_seen is both. */
bool dedupe_note(struct run *c, const struct qpybak_entry *e);
int dedupe_confirm(struct run *c, const struct qpybak_entry *e, bool *duplicate);
int dedupe_seen(struct run *c, const struct qpybak_entry *e, bool *duplicate);

/* Does the entry carry exactly this name (a truncated long name never does)? */
bool entry_named(const struct qpybak_entry *e, const char *name, size_t len);

/* manifest_write.c: an entry with a "from" member (FOTA journal). */
int writer_entry_from(struct qpybak_writer *w, const char *name, size_t name_len, uint32_t crc,
                      bool has_size, uint32_t size, const char *from, size_t from_len);

#ifndef QPYBAK_NO_FOTA
/* journal.c: finishes an interrupted FOTA apply (boot, step 3); 1 when a
 * journal was processed, 0 when none, or an error. */
int fota_resume(struct run *c);
/* Does the pending journal give the name this checksum (a file its
 * update already installed)? */
int journal_matches(struct run *c, const struct qpybak_entry *e, uint32_t crc, uint64_t size);
#else
/* Built without FOTA: no journal is ever followed. */
static inline int fota_resume(struct run *c)
{
    (void)c;
    return 0;
}
static inline int journal_matches(struct run *c, const struct qpybak_entry *e, uint32_t crc,
                                  uint64_t size)
{
    (void)c;
    (void)e;
    (void)crc;
    (void)size;
    return 0;
}
#endif
/* 1 when a tracked name lies at stage or below it, 0 when none, or an
 * error; reads the user manifest in use (choose_source first). */
int stage_holds_tracked(struct run *c, const char *stage, size_t len);
/* One staged file's outcome: counted, and reported through on_update. */
void fota_report_update(struct run *c, const struct qpybak_fota_event *ev);

/* floor.c: adds a valid entry's name to a sum (choose.c). */
void name_sum_add(struct name_sum *s, const struct qpybak_entry *e);
/* floor.c: the entries the backup manifest lists and the user manifest in
 * use (c->source_path) does not.  floor_open puts the pass cursor on the
 * backup manifest; floor_next gives 1 and *f for the next such entry (the
 * first of its name), 0 at the end, or an error.  Uses the lookup and
 * rescan cursors. */
/* Can the user manifest in use lack a factory entry (the floor is not
 * proven, the backup manifest is usable and is not the one in use)? */
bool floor_pending(const struct run *c);
int floor_open(struct run *c);
int floor_next(struct run *c, struct qpybak_entry *f);
/* What the stale shadow records for a dropped entry, if anything, replaces
 * its factory value in *f (the primary is in use).  Uses the rescan
 * cursor. */
void floor_recorded(struct run *c, struct qpybak_entry *f);

/* rewrite.c: writes a new user manifest from the one in use, dropping
 * invalid and duplicate entries; fn may change each entry's checksum.  Then
 * replaces the primary and copies it to the shadow.  0 or an error. */
typedef void (*rewrite_fn)(struct run *c, const struct qpybak_entry *e, struct value *value,
                           void *ctx);
int manifest_rewrite(struct run *c, rewrite_fn fn, void *ctx);
/* The same walk without writing: how many entries fn would change. */
int manifest_changes(struct run *c, rewrite_fn fn, void *ctx);

/* ---- index.c: the spare work buffer (issue 8.7) ------------------------ */
/* The 64-bit key of a name (never 0), as the index and the floor's
 * proof (struct name_sum) use it. */
void name_key(const char *name, size_t len, uint32_t *lo, uint32_t *hi);
/* The spare buffer runs from c->bloom (run_init) to the end of the work
 * buffer; its last bytes hold the index's state, set up here. */
void index_init(struct run *c);
#define INDEX_NONE 2  /* index_find: no index for this manifest, scan it */
#define INDEX_BUILD 3 /* index_find: fill the index first (index_add) */
/* The entry count validation found for a manifest (manifest_check). */
void index_note(struct run *c, const char *path, uint32_t entries);
/* Shares the spare buffer between the duplicate filter (c->bloom) and the
 * index; dedupe_reset calls it.  A new share drops the tables. */
void spare_split(struct run *c);
/* The tables are gone (the spare buffer is used for something else). */
void index_forget(struct run *c);
/* 1 and *found, 0 when absent, INDEX_NONE, or INDEX_BUILD: the caller
 * passes the manifest's entries to index_add, then calls index_done. */
int index_find(struct run *c, const char *path, const char *name, size_t len,
               struct qpybak_entry *found);
bool index_add(struct run *c, const struct qpybak_entry *e);
void index_done(struct run *c, bool ok);

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
void batch_init(struct run *c, struct batch *b, char *one, size_t one_size);
void batch_begin(struct batch *b, const char *after);
int batch_add(void *ctx, const char *name, enum qpybak_type type); /* io_list callback */
void batch_end(struct batch *b);
const char *batch_take(struct batch *b, enum qpybak_type *type);
/* ---- end index.c ---- */

#endif
