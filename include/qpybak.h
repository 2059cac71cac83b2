/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * qpybak - backup and restore of important files on embedded devices.
 *
 * This header is the integrator's manual: configuration, the storage port,
 * the four procedures, their results and events, CRC-32.  The building
 * blocks of host tools, tests and benchmarks (manifest reader and writer,
 * report writer, flag reader, the individual CRC implementations, device
 * path constants) are in qpybak_tools.h.
 *
 * A read-only backup partition (mounted at /bak) holds the factory copies of
 * the tracked files and their checksums; at every boot qpybak checks the
 * read-write user partition (mounted at /usr) and puts back, from the backup
 * partition, every tracked file that is missing or damaged.  The formats and
 * paths are those of QuecPython's "backup restoration" feature.
 *
 *   /bak/backup_restore.json    enable flag            {"enable": 1}
 *   /bak/checksum.json          backup manifest        factory checksums
 *   /bak/usr/...                factory copies         /bak/usr/main.py
 *   /usr/checksum.json          user manifest          current checksums
 *   /usr/.qpybak/checksum.json  shadow user manifest   (qpybak's own)
 *   /usr/.qpybak/boot.json      last boot report       (only when needed)
 *
 * Rules that hold for every function here:
 * - No heap, no global mutable state.  Every function works in the caller's
 *   work buffer (struct qpybak_config.buffer) and a bounded amount of stack;
 *   neither grows with the number or the size of the tracked files.
 * - All storage goes through the port (struct qpybak_port).  Paths given to
 *   the port are device paths ("/usr/main.py", "/bak/checksum.json").
 * - Errors are negative values; a port's own negative error codes are passed
 *   through unchanged.  Zero is success; positive values are results.
 * - Nothing here prints.  Progress and outcomes reach the caller through the
 *   result structure and the optional event callback.
 *
 * RAM cost: the work buffer (QPYBAK_BUFFER_MIN bytes is always enough, see
 * qpybak_buffer_min()) plus a bounded stack: about 0.9 KiB on Cortex-M4
 * (docs/design.md has the measurement).  A larger buffer makes the
 * duplicate-name check and the file reads faster; nothing else changes.
 */
#ifndef QPYBAK_H
#define QPYBAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The release; CMake's project() is the source, the test package.version
 * checks these against it. */
#define QPYBAK_VERSION_MAJOR 0
#define QPYBAK_VERSION_MINOR 2
#define QPYBAK_VERSION_PATCH 0
#define QPYBAK_VERSION "0.2.0"

/* --------------------------------------------------------- build options */
/*
 * Parts an image can leave out, as littlefs's LFS_READONLY does: define
 * them for every file of the core (and every file that includes this
 * header).  docs/design.md, "Build profiles", has what each one saves.
 *
 * QPYBAK_NO_FOTA    No FOTA apply (qpybak_fota_apply is not declared) and
 *                   no roll-forward of a FOTA journal at boot: a journal
 *                   left on the device by a build with FOTA is neither
 *                   finished nor removed, and every file is checked against
 *                   the user manifest as usual.  The work buffer loses the
 *                   journal's path buffer (qpybak_buffer_min() shrinks).
 * QPYBAK_NO_REPORT  No boot report (/usr/.qpybak/boot.json is never
 *                   written): boot says what it did through its result and
 *                   the on_file callback only; the work buffer loses the
 *                   report's output buffer.  The JSON report writer of
 *                   qpybak_tools.h is not built either.
 */

/* ---------------------------------------------------------------- errors */

/* Negative errno-style values, as littlefs does, so that a port built on a
 * POSIX-like file system can return -errno unchanged. */
enum qpybak_error {
    QPYBAK_ERR_OK = 0,
    QPYBAK_ERR_NOENT = -2,        /* no such file or directory */
    QPYBAK_ERR_IO = -5,           /* the medium failed */
    QPYBAK_ERR_NOMEM = -12,       /* the work buffer is too small */
    QPYBAK_ERR_ACCES = -13,       /* permission denied */
    QPYBAK_ERR_BUSY = -16,        /* another run holds the lock (port.lock) */
    QPYBAK_ERR_EXIST = -17,       /* already exists */
    QPYBAK_ERR_NOTDIR = -20,      /* a path component is not a directory */
    QPYBAK_ERR_ISDIR = -21,       /* a directory where a file belongs */
    QPYBAK_ERR_INVAL = -22,       /* invalid argument or path */
    QPYBAK_ERR_FBIG = -27,        /* file larger than 4 GiB - 1 */
    QPYBAK_ERR_NOSPC = -28,       /* no space left */
    QPYBAK_ERR_ROFS = -30,        /* read-only file system */
    QPYBAK_ERR_NAMETOOLONG = -36, /* path longer than the name limit */
    QPYBAK_ERR_NOTEMPTY = -39,    /* remove of a directory that is not empty */
    QPYBAK_ERR_LOOP = -40,        /* a symbolic link where none may be */
    QPYBAK_ERR_CORRUPT = -84      /* not valid JSON of the expected shape */
};

/* A short human-readable name for an error ("no such file"), never NULL. */
const char *qpybak_strerror(int err);
/* The same for the codes above only; NULL for any other value (a port may
 * pass its own codes through: the caller names those itself). */
const char *qpybak_strerror_known(int err);

/* ---------------------------------------------------------------- CRC-32 */

/* The seed QuecPython's file_crc32.calc uses.  With it the CRC register starts
 * at zero, and the result equals zlib's crc32(0xFFFFFFFF, data, len). */
#define QPYBAK_CRC_SEED 0xFFFFFFFFu

/* CRC-32 (reflected polynomial 0xEDB88320, pre- and post-inverted) chained
 * like zlib's: crc = qpybak_crc32(crc, buf, len) over the chunks in order.
 * Start a QuecPython-compatible checksum with QPYBAK_CRC_SEED.  Which
 * implementation runs is a build choice (see QPYBAK_CRC_TABLE in
 * src/crc32.c); all give the same results. */
uint32_t qpybak_crc32(uint32_t crc, const void *buf, size_t len);


/* Writes the checksum the way QuecPython prints it, "0x%08x" (11 bytes with
 * the terminating NUL), and returns out. */
#define QPYBAK_CRC_STR_SIZE 11
char *qpybak_crc_format(uint32_t crc, char out[QPYBAK_CRC_STR_SIZE]);

/* ------------------------------------------------------------------ port */

/* Modes of qpybak_port.lock. */
#define QPYBAK_LOCK_SHARED 1    /* status: reads only */
#define QPYBAK_LOCK_EXCLUSIVE 2 /* boot, calc, FOTA apply */

/* Flags of qpybak_port.open.  QPYBAK_O_WRITE always means: create a new,
 * empty regular file, exclusively (O_CREAT | O_EXCL).  When anything already
 * exists under the name - a file, a hard link to another file, a symbolic
 * link, a directory, a FIFO - open fails with QPYBAK_ERR_EXIST and nothing
 * is written through that name.  The core only ever opens its temporary
 * names for writing; it removes what is in the way and tries once more. */
#define QPYBAK_O_READ 0x1
#define QPYBAK_O_WRITE 0x2

enum qpybak_type { QPYBAK_TYPE_FILE = 1, QPYBAK_TYPE_DIR = 2, QPYBAK_TYPE_OTHER = 3 };

struct qpybak_stat {
    enum qpybak_type type;
    uint64_t size; /* bytes, for files */
};

/*
 * The storage port: a table of file operations and a context pointer.  Paths
 * are device paths under "/usr" or "/bak" (NUL-terminated, '/'-separated,
 * already validated: no "." or ".." components, no empty components).  Each
 * operation returns zero or a non-negative result on success and a negative
 * error on failure (QPYBAK_ERR_NOENT when a path does not exist; any other
 * negative value, its own codes included, is passed through to the caller).
 *
 * The contract, which the core relies on and docs/porting.md explains:
 * - open:   returns a non-negative handle.  At most five files are open at
 *           once (two manifests, the report, a copy's source and target).  It must not follow a symbolic link anywhere in the path,
 *           and must not open anything but a regular file (a directory is
 *           QPYBAK_ERR_ISDIR).  QPYBAK_O_WRITE creates a new file
 *           exclusively (QPYBAK_ERR_EXIST when the name is taken).
 * - read:   reads up to len bytes at the current position; returns the count,
 *           0 at end of file.  Short reads are allowed anywhere.
 * - write:  writes up to len bytes, returns the count; a short count is
 *           retried by the core, zero or negative is an error.  After a
 *           failed write the file's content is undefined, but it is never
 *           made visible under the target name: the core only writes
 *           temporary files and renames them after a successful sync.
 * - sync:   returns only when everything written to the handle is durable.
 * - close:  releases the handle (also after errors).
 * - stat:   type and size of a path, without following a symbolic link.
 * - rename: atomically replaces `to` with `from` (both in one directory): after
 *           a power cut, `to` is either the old or the new file, never torn
 *           or missing.  littlefs and POSIX rename give this.  A file
 *           system that cannot rename over a file (FAT) returns
 *           QPYBAK_ERR_EXIST when `to` exists: the core then removes `to`
 *           and renames again, and the next boot finishes a cut between the
 *           two (docs/design.md, "Renames that cannot replace").
 * - remove: removes a file, or an empty directory (QPYBAK_ERR_NOTEMPTY
 *           when it is not empty).
 * - mkdir:  creates one directory; QPYBAK_ERR_EXIST if it is there.
 * - lock, unlock: optional (both NULL, or both set).  Every procedure
 *           takes the lock before its first storage call and releases it
 *           after its last: boot, calc and FOTA apply exclusively, status
 *           shared.  lock waits for another holder or returns
 *           QPYBAK_ERR_BUSY; the procedure then returns that error having
 *           touched nothing.  The lock must not outlive a power cut or a
 *           killed process (flock(2) on the /usr root, a RAM flag, an RTOS
 *           mutex - never a lock file), else a cut run would stop every
 *           later boot.  NULL: the integrator guarantees that no two
 *           procedures ever run at once (one boot task, say).
 * - list:   optional (may be NULL).  Calls fn once for each entry of a
 *           directory with its name (no path) and type; fn returning
 *           non-zero stops the listing with that value.  Used only by FOTA
 *           apply, to find the staged files; without it FOTA apply
 *           returns QPYBAK_ERR_INVAL.
 */
struct qpybak_port {
    void *ctx;
    int (*open)(void *ctx, const char *path, int flags);
    int (*read)(void *ctx, int handle, void *buf, size_t len);
    int (*write)(void *ctx, int handle, const void *buf, size_t len);
    int (*sync)(void *ctx, int handle);
    int (*close)(void *ctx, int handle);
    int (*stat)(void *ctx, const char *path, struct qpybak_stat *st);
    int (*rename)(void *ctx, const char *from, const char *to);
    int (*remove)(void *ctx, const char *path);
    int (*mkdir)(void *ctx, const char *path);
    int (*list)(void *ctx, const char *path,
                int (*fn)(void *fn_ctx, const char *name, enum qpybak_type type),
                void *fn_ctx);
    int (*lock)(void *ctx, int mode);
    int (*unlock)(void *ctx);
};

/* -------------------------------------------------------------- outcomes */

/* What became of one manifest entry.  Status reports ok, missing, modified
 * and invalid; boot reports ok, restored, unrecoverable and invalid. */
enum qpybak_state {
    QPYBAK_STATE_OK = 0,        /* size (when recorded) and CRC match */
    QPYBAK_STATE_MISSING,       /* status: the file is not there */
    QPYBAK_STATE_MODIFIED,      /* status: the file differs from its entry */
    QPYBAK_STATE_RESTORED,      /* boot: a verified backup copy was installed */
    QPYBAK_STATE_UNRECOVERABLE, /* boot: damaged, and no usable backup copy */
    QPYBAK_STATE_INVALID,       /* the entry itself is invalid: skipped */
    QPYBAK_STATE_COUNT
};

/* "ok", "missing", "modified", "restored", "unrecoverable", "invalid". */
const char *qpybak_state_name(enum qpybak_state state);

/* Why an entry is invalid, or why a file could not be restored. */
enum qpybak_reason {
    QPYBAK_REASON_NONE = 0,
    QPYBAK_REASON_NOT_OBJECT,     /* entry: not a JSON object */
    QPYBAK_REASON_NO_NAME,        /* entry: "name" missing or not a string */
    QPYBAK_REASON_BAD_NAME,       /* entry: the path is not a valid name */
    QPYBAK_REASON_NAME_TOO_LONG,  /* entry: longer than the name limit */
    QPYBAK_REASON_NO_CRC,         /* entry: "crc32" missing */
    QPYBAK_REASON_BAD_CRC,        /* entry: "crc32" not a string of 1-8 hex digits */
    QPYBAK_REASON_BAD_SIZE,       /* entry: "size" not an integer < 2^32 */
    QPYBAK_REASON_DUPLICATE_KEY,  /* entry: a member given twice */
    QPYBAK_REASON_DUPLICATE_NAME, /* entry: the name was listed before */
    QPYBAK_REASON_NO_BACKUP,      /* restore: backup copy missing */
    QPYBAK_REASON_BACKUP_BAD,     /* restore: backup copy fails its checksum */
    QPYBAK_REASON_IO,             /* restore: storage error, see event.error */
    QPYBAK_REASON_NOT_FILE,       /* a directory or special file is there */
    QPYBAK_REASON_RESERVED,       /* entry: a name qpybak keeps for itself */
    QPYBAK_REASON_STAGED_BAD,     /* FOTA: staged copy fails its journal checksum */
    QPYBAK_REASON_STAGED_MISSING, /* FOTA: staged copy gone, target not updated */
    QPYBAK_REASON_UNREADABLE,     /* boot: the file cannot be read and its entry
                                     records an edit or update: kept as it is */
    QPYBAK_REASON_HOLDS_TRACKED,  /* FOTA: the staging folder holds tracked files */
    QPYBAK_REASON_TOO_LARGE,      /* FOTA: staged file of 4 GiB or more */
    QPYBAK_REASON_LEADING_ZEROS,  /* the CRC matches, but the file is longer
                                     than its entry by leading zero bytes,
                                     and the entry records an edit: kept */
    QPYBAK_REASON_COUNT
};

/* A short phrase for a reason ("backup copy fails its checksum"). */
const char *qpybak_reason_text(enum qpybak_reason reason);

/* Where the user manifest that boot used came from. */
enum qpybak_source {
    QPYBAK_SOURCE_NONE = 0, /* no manifest at all: nothing was checked */
    QPYBAK_SOURCE_PRIMARY,  /* /usr/checksum.json */
    QPYBAK_SOURCE_SHADOW,   /* /usr/.qpybak/checksum.json */
    QPYBAK_SOURCE_BACKUP    /* a copy of /bak/checksum.json */
};

/* The state of one manifest file as found. */
enum qpybak_mstate {
    QPYBAK_MANIFEST_OK = 0,
    QPYBAK_MANIFEST_MISSING,
    QPYBAK_MANIFEST_CORRUPT, /* not valid JSON of the manifest's shape */
    QPYBAK_MANIFEST_STALE,   /* shadow only: valid but differs from primary */
    QPYBAK_MANIFEST_UNREADABLE /* a storage error other than "missing" */
};

/* "ok", "missing", "corrupt", "stale", "unreadable". */
const char *qpybak_mstate_name(enum qpybak_mstate state);

/* Why the feature is off (qpybak_result.enabled == false). */
enum qpybak_off {
    QPYBAK_OFF_NONE = 0,
    QPYBAK_OFF_DISABLED,  /* "enable" is 0 or false */
    QPYBAK_OFF_MISSING,   /* /bak/backup_restore.json does not exist */
    QPYBAK_OFF_MALFORMED, /* not a JSON object with an enable member */
    QPYBAK_OFF_TOO_LARGE, /* larger than QPYBAK_FLAG_MAX bytes */
    QPYBAK_OFF_UNREADABLE /* a storage error */
};

/* "disabled", "flag missing", ... */
const char *qpybak_off_text(enum qpybak_off why);

/* Warnings (docs/format.md, "QuecPython compatibility"): a form qpybak
 * reads the way QuecPython does but never writes itself, or a fact a
 * device that also runs QuecPython's code should know.  Bits of
 * qpybak_file_event.warnings (entry bits) and qpybak_result.warnings (all
 * bits met in the run). */
#define QPYBAK_WARN_NAME_FORM 0x01u      /* entry: name in a form QuecPython
                                            resolves (usr/x, //, /./), read
                                            as the normalised /usr/x */
#define QPYBAK_WARN_CRC_SPACES 0x02u     /* entry: white space around crc32 */
#define QPYBAK_WARN_SIZE_STALE 0x04u     /* entry: its size disagrees with a
                                            file whose CRC matches, and was
                                            not trusted (a writer that does
                                            not know size updated crc32) */
#define QPYBAK_WARN_DROPPED 0x08u        /* entry: listed by the backup
                                            manifest, missing from the user
                                            manifest: checked against its
                                            factory value */
#define QPYBAK_WARN_TRAILING_COMMA 0x10u /* a manifest had a trailing comma */
#define QPYBAK_WARN_FLAG_FORM 0x20u      /* the flag was read as QuecPython
                                            reads it: a string, null, array
                                            or object enable, a missing
                                            colon, a trailing comma, enable
                                            given twice */
#define QPYBAK_WARN_FLAG_QUECPYTHON 0x40u /* QuecPython's own code decides
                                            otherwise for this flag file (it
                                            reads 64 bytes, no byte order
                                            mark) */

/* The highest bit in use, for a loop over them. */
#define QPYBAK_WARN_LAST QPYBAK_WARN_FLAG_QUECPYTHON

/* The bits about the run rather than one entry. */
#define QPYBAK_WARN_DOCUMENT \
    (QPYBAK_WARN_TRAILING_COMMA | QPYBAK_WARN_FLAG_FORM | QPYBAK_WARN_FLAG_QUECPYTHON)

/* A short phrase for one warning bit ("name normalised"), "" for others. */
const char *qpybak_warning_text(unsigned bit);

/* A larger enable flag than this turns the feature off (QPYBAK_OFF_TOO_LARGE). */
#define QPYBAK_FLAG_MAX 4096

/* One outcome, reported through qpybak_config.on_file as boot, status and
 * calc go.  Pointers are valid only during the call. */
struct qpybak_file_event {
    const char *name;        /* device path; NULL when not a string */
    uint32_t index;          /* position in the user manifest, from 0 */
    enum qpybak_state state;
    enum qpybak_reason reason;   /* INVALID / UNRECOVERABLE: why */
    enum qpybak_state found;     /* RESTORED / UNRECOVERABLE: MISSING or MODIFIED */
    uint32_t expected_crc;   /* user manifest value (valid entries) */
    uint32_t expected_size;
    bool has_expected_size;
    bool has_actual;         /* false when the file is missing */
    uint32_t actual_crc;     /* the user file as found */
    uint64_t actual_size;
    bool actual_crc_unknown; /* the file is longer than its entry records:
                                reading stopped there, actual_crc is 0 */
    uint32_t restored_crc;   /* RESTORED: the installed copy's checksum */
    bool downgraded;         /* RESTORED: the entry held another checksum than
                                the factory one (an update or a calc'd edit),
                                and the factory copy replaced it */
    bool from_last_good;     /* RESTORED: from the last-known-good copy */
    int error;               /* the storage error behind REASON_IO, else 0 */
    const char *error_path;  /* the device path that error is about (the
                                tracked file, its backup copy, a temporary
                                name), NULL when there is none */
    unsigned warnings;       /* QPYBAK_WARN_* entry bits; with
                                QPYBAK_WARN_DROPPED, index is the position
                                in the backup manifest */
};

/* What FOTA apply did, or boot's roll-forward of an interrupted apply. */
struct qpybak_fota_result {
    bool journal;       /* a journal was processed */
    bool resumed;       /* apply: an earlier, interrupted apply was finished first */
    uint32_t installed; /* files now holding their staged content */
    uint32_t failed;    /* staged files not installed (reported one by one) */
    uint32_t skipped;   /* staged names that cannot be device paths */
    bool pending;       /* a journal stays: the next boot tries again */
    enum qpybak_reason refused; /* apply: why the staging folder was refused
                                   (QPYBAK_REASON_NONE: it was not) */
    int error;          /* first storage error met (0: none) */
    const char *error_path; /* the device path behind error, or NULL; points
                               into the work buffer, valid until it is reused */
};

/* One staged file, reported through qpybak_config.on_update. */
struct qpybak_fota_event {
    const char *name;  /* the target, /usr/... */
    const char *from;  /* the staged copy (NULL when the name was refused) */
    bool installed;
    enum qpybak_reason reason; /* when not installed */
    uint32_t crc;      /* the journal's checksum */
    uint32_t size;
    int error;
    const char *error_path; /* the device path that error is about, or NULL */
};

#define QPYBAK_REPAIRED_PRIMARY 0x1u /* /usr/checksum.json from shadow or backup */
#define QPYBAK_REPAIRED_SHADOW 0x2u  /* the shadow from /usr/checksum.json */

/* Totals of a run. */
struct qpybak_result {
    bool enabled;               /* false: the flag says off (see off) */
    enum qpybak_off off;
    enum qpybak_source source;  /* which user manifest was used */
    enum qpybak_mstate primary; /* each manifest as found */
    enum qpybak_mstate shadow;
    enum qpybak_mstate backup;
    uint32_t counts[QPYBAK_STATE_COUNT];
    uint32_t stale_temps;       /* temporary files of a cut run, removed */
    unsigned repaired;          /* QPYBAK_REPAIRED_* bits: manifests boot rewrote
                                   from another copy before checking files */
    bool manifest_written;      /* boot/calc replaced the user manifest */
    bool report_written;        /* boot wrote /usr/.qpybak/boot.json */
    struct qpybak_fota_result fota; /* boot: an interrupted apply finished */
    int error;                  /* first storage error met (0: none) */
    const char *error_path;     /* the device path behind error, or NULL;
                                   points into the work buffer, valid until
                                   the buffer is used again */
    unsigned warnings;          /* QPYBAK_WARN_* bits met in the run */
    uint32_t dropped;           /* backup manifest entries missing from the
                                   user manifest, checked all the same */
};

/* ---------------------------------------------------------------- config */

/* The name limit that name_max = 0 stands for.  A build may set its own
 * (-DQPYBAK_NAME_MAX_DEFAULT=N, the Zephyr and ESP-IDF options do): a
 * smaller one makes the work buffer smaller. */
#ifndef QPYBAK_NAME_MAX_DEFAULT
#define QPYBAK_NAME_MAX_DEFAULT 255
#endif
/* A work buffer size that is always enough for a name limit of 255 or less
 * (the exact minimum depends on the target's pointer size:
 * qpybak_buffer_min() gives it for any limit). */
#define QPYBAK_BUFFER_MIN 3072

/* The configuration.  Zero means default for every optional member. */
struct qpybak_config {
    const struct qpybak_port *port; /* required */
    void *buffer;                   /* required: the work buffer */
    size_t buffer_size;             /* at least qpybak_buffer_min(name_max) */
    size_t name_max;                /* longest device path, default 255 */
    /* Optional: called once per manifest entry with its outcome.  Without
     * it, boot and status check the files while they validate the user
     * manifest and read that manifest once instead of twice (the events
     * of a manifest not yet known valid could not be sent). */
    void (*on_file)(void *ctx, const struct qpybak_file_event *event);
    /* Optional: called once per staged file by FOTA apply and boot. */
    void (*on_update)(void *ctx, const struct qpybak_fota_event *event);
    void *ctx;                      /* passed to the callbacks */
    /* Opt-in: FOTA apply keeps each installed file as a last-known-good
     * copy under /usr/.qpybak/good/ (the path below /usr kept).  Boot always
     * restores a damaged file from such a copy first when the copy matches
     * the user manifest, so an update is not rolled back to the factory
     * version.  Costs the flash of every updated file once more. */
    bool keep_last_good;
};

/* The work buffer size needed for a name limit (0: the default). */
size_t qpybak_buffer_min(size_t name_max);

/* The device path behind the error that the last procedure run with this
 * configuration returned or recorded (a temporary name, a manifest, the
 * file itself), or NULL when none is known.  It lives in the work buffer:
 * valid until the buffer is used again.  Known only when the buffer has a
 * path's worth of bytes beyond qpybak_buffer_min(); result->error_path and
 * the events' error_path give the same for boot, status and FOTA apply. */
const char *qpybak_error_path(const struct qpybak_config *cfg);

/* ------------------------------------------------------------ procedures */

/*
 * Boot: check every tracked file and restore the damaged ones (docs/design.md,
 * "Boot, step by step").  Run it early at start-up, before the application opens any tracked
 * file.  Returns 0 when it ran (the outcome is in *result, which may be
 * NULL), or a negative error when it could not start (a config error or a
 * buffer that is too small).  Storage errors on single files do not stop it;
 * they are reported per file and in result->error.
 */
int qpybak_boot(const struct qpybak_config *cfg, struct qpybak_result *result);

/*
 * Status: the same checks as boot, changing nothing.  Files are reported as
 * ok, missing, modified or invalid.
 */
int qpybak_status(const struct qpybak_config *cfg, struct qpybak_result *result);

/*
 * Calc: after a legitimate edit of a tracked file, record its new checksum.
 * Computes the CRC of `path` (a device path under /usr) into *crc and, when
 * the path is tracked, records the CRC and size in the user manifest
 * (atomically, primary then shadow).  A file /bak/checksum.json lists is
 * tracked even when a writer dropped its entry from the user manifest: the
 * entry is listed again.  Returns 1 when the entry was recorded
 * (or already matched), 0 when the path is not tracked (nothing written),
 * QPYBAK_ERR_NOENT when the file is missing, another negative error else.
 */
int qpybak_calc(const struct qpybak_config *cfg, const char *path, uint32_t *crc);

/*
 * FOTA apply (docs/design.md, "FOTA apply"): installs the files staged under stage (a
 * device directory under /usr laid out like /usr; NULL: QPYBAK_STAGE_DEFAULT)
 * as one unit.  It writes a journal (/usr/.qpybak/fota.json) atomically -
 * the commit point - then installs every staged file atomically, records
 * the new checksums of tracked files in one manifest rewrite, removes the
 * staged files and the staging folder, then the journal.  A power cut after
 * the commit point is finished by the next boot, before any check.  A
 * pending journal found at the start is finished first.  Untracked staged
 * files are installed and stay untracked (a file /bak/checksum.json lists
 * is tracked, whatever the user manifest says: docs/design.md, "The
 * factory floor").
 * Returns 0 when it ran (see result->failed), QPYBAK_ERR_NOENT when the
 * staging folder does not exist, another negative error else.
 */
#define QPYBAK_STAGE_DEFAULT "/usr/.updater"

#ifndef QPYBAK_NO_FOTA
int qpybak_fota_apply(const struct qpybak_config *cfg, const char *stage,
                      struct qpybak_fota_result *result);
#endif

/* ------------------------------------------------------------------ names */

/*
 * Name validation (docs/format.md, "Device paths and names"): a valid manifest name starts with "/usr/",
 * has no empty, "." or ".." component, no backslash, no control character,
 * is valid UTF-8 and is at most name_max bytes long (0: the default).
 * Names qpybak keeps for itself are refused too (QPYBAK_REASON_RESERVED,
 * compared ASCII case-insensitively, as FAT resolves them):
 * /usr/checksum.json, /usr/.qpybak and anything under it, the default
 * staging folder /usr/.updater and anything under it (FOTA apply removes
 * what it installs from there), and names ending in ".qpybak-tmp" (the
 * temporary files of atomic replacements).  The command's pack refuses
 * exactly these names.
 * Returns QPYBAK_REASON_NONE when valid, else the reason.
 */
enum qpybak_reason qpybak_name_check(const char *name, size_t len, size_t name_max);

#ifdef __cplusplus
}
#endif

#endif /* QPYBAK_H */
