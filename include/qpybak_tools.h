/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * qpybak's building blocks for host tools, tests and benchmarks: the
 * streaming checksum.json reader and writer, the JSON report writer, the
 * enable-flag reader, the individual CRC-32 implementations and the device
 * paths qpybak owns.  A firmware integrator needs none of this: qpybak.h
 * is the integrator's manual.  Structures here are allocated by the caller
 * but their members are private: use the functions.
 */
#ifndef QPYBAK_TOOLS_H
#define QPYBAK_TOOLS_H

#include "qpybak.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ device paths
 * The files qpybak owns, as device paths (docs/format.md, "Partition
 * layout").  The core and the command use these and no other spelling. */
#define QPYBAK_PATH_FLAG "/bak/backup_restore.json"
#define QPYBAK_PATH_BACKUP_MANIFEST "/bak/checksum.json"
#define QPYBAK_PATH_BACKUP_PREFIX "/bak" /* /usr/x's factory copy is /bak/usr/x */
#define QPYBAK_PATH_PRIMARY "/usr/checksum.json"
#define QPYBAK_PATH_OWN_DIR "/usr/.qpybak"
#define QPYBAK_PATH_SHADOW "/usr/.qpybak/checksum.json"
#define QPYBAK_PATH_REPORT "/usr/.qpybak/boot.json"
#define QPYBAK_PATH_JOURNAL "/usr/.qpybak/fota.json"
#define QPYBAK_PATH_LAST_GOOD "/usr/.qpybak/good" /* + the name without "/usr" */
/* Format versions of qpybak's own files (docs/format.md, "Format
 * versions"): boot.json (and --json) carries "format"; the journal's
 * format is fixed by its name; the shadow is a checksum.json. */
#define QPYBAK_REPORT_FORMAT 1
#define QPYBAK_JOURNAL_FORMAT 1
/* Every file qpybak replaces is first written under a temporary name that
 * ends so: NAME.qpybak-tmp for its own files, DIR/.qpybak-tmp for installs. */
#define QPYBAK_TEMP_SUFFIX ".qpybak-tmp"

/* ----------------------------------------------------------------- CRC-32 */

/* The portable implementations, always available for tests and benchmarks:
 * one 256-entry (1 KiB) table, or slicing-by-8 over eight tables (8 KiB).
 * qpybak_crc32() (qpybak.h) is the one the build chose. */
uint32_t qpybak_crc32_table1(uint32_t crc, const void *buf, size_t len);
uint32_t qpybak_crc32_slice8(uint32_t crc, const void *buf, size_t len);
/* The braided implementation (zlib's speed in portable C): in the library
 * when it is built with QPYBAK_CRC_TABLE=braid. */
uint32_t qpybak_crc32_braid(uint32_t crc, const void *buf, size_t len);

/* ---------------------------------------------------------------- readers */

/* Length of the valid UTF-8 sequence that starts at s (n bytes available),
 * 0 when it is not valid UTF-8: truncated, overlong, a surrogate, above
 * U+10FFFF.  The one UTF-8 rule of the library and the command. */
size_t qpybak_utf8_len(const void *s, size_t n);

/* A byte source for the streaming readers: read up to len bytes into buf,
 * return the count, 0 at the end, negative on error.  Short reads are fine. */
typedef int (*qpybak_read_fn)(void *ctx, void *buf, size_t len);

/* One entry of a checksum.json, as the reader gives it. */
struct qpybak_entry {
    const char *name;      /* NUL-terminated, in the reader's name buffer;
                              NULL when "name" is missing or not a string */
    size_t name_len;
    uint32_t crc;
    uint32_t size;
    bool has_size;
    uint32_t index;        /* position in the array, from 0 */
    enum qpybak_reason invalid; /* QPYBAK_REASON_NONE: a valid entry */
    uint8_t warnings;      /* QPYBAK_WARN_NAME_FORM, QPYBAK_WARN_CRC_SPACES */
};

/*
 * The streaming checksum.json reader.  It holds a caller-sized chunk buffer
 * and a name buffer and never needs more: any manifest, of any size, is read
 * in this fixed memory.  Nesting deeper than QPYBAK_JSON_DEPTH_MAX inside an
 * unknown member makes the manifest corrupt.  Members are private.
 */
#define QPYBAK_JSON_DEPTH_MAX 64

struct qpybak_reader {
    qpybak_read_fn read;
    void *read_ctx;
    uint8_t *chunk;
    size_t chunk_size, pos, len;
    char *name;
    size_t name_size; /* the name limit + 1 */
    char *from;       /* the core's FOTA journal reader only: a buffer for */
    size_t from_size; /* the "from" member (NULL: an unknown key), and */
    size_t from_len;  /* the last entry's (0: it had none) */
    uint32_t index;
    int error;
    uint8_t state;
    uint8_t warnings; /* document-level QPYBAK_WARN_* bits met so far */
    bool eof;
};

/* Prepares a reader; chunk_size >= 16, name_size >= 2. */
void qpybak_reader_init(struct qpybak_reader *r, qpybak_read_fn read, void *read_ctx,
                        void *chunk, size_t chunk_size, char *name, size_t name_size);

/*
 * Reads the next entry.  Returns 1 with *entry filled (check entry->invalid:
 * an invalid entry is reported, never fatal), 0 at the end of a well-formed
 * manifest, QPYBAK_ERR_CORRUPT when the document is not a JSON array of
 * this shape, or the source's negative error.  Duplicate names are not
 * detected here (that needs a second pass; boot and status do it).
 */
int qpybak_reader_next(struct qpybak_reader *r, struct qpybak_entry *entry);

/*
 * The streaming checksum.json writer (docs/format.md, "What writers emit").
 * qpybak's own form: "[", one entry per line, "]", with crc32 as "0x" and
 * 8 lower-case hex digits, and size when the entry has one (every entry
 * qpybak creates or updates has it; an entry copied unchanged from a
 * QuecPython manifest keeps having none).  It writes through fn in small
 * pieces; each function returns 0 or the first negative error of fn (kept
 * in w->error).
 */
typedef int (*qpybak_write_fn)(void *ctx, const void *buf, size_t len);

/* The form a writer emits.  Every qpybak run writes QPYBAK_FORM_QPYBAK;
 * QPYBAK_FORM_QUECPYTHON is for host tools that build the partitions of a
 * device running QuecPython's own firmware (`qpybak pack --format
 * quecpython`): what QuecPython's ujson.dumps(list) gives, one line,
 * crc32 as Python's hex() ("0x1f", "0x0"), no size. */
enum qpybak_form {
    QPYBAK_FORM_QPYBAK = 0,
    QPYBAK_FORM_QUECPYTHON = 1
};

struct qpybak_writer {
    qpybak_write_fn write;
    void *write_ctx;
    uint32_t count;
    int error;
    uint8_t form; /* enum qpybak_form */
};

/* Begins a manifest in qpybak's form. */
int qpybak_writer_begin(struct qpybak_writer *w, qpybak_write_fn write, void *write_ctx);
/* Begins a manifest in the given form; in QPYBAK_FORM_QUECPYTHON the
 * entries' has_size and size are ignored. */
int qpybak_writer_begin_form(struct qpybak_writer *w, qpybak_write_fn write, void *write_ctx,
                             enum qpybak_form form);
int qpybak_writer_entry(struct qpybak_writer *w, const char *name, size_t name_len,
                        uint32_t crc, bool has_size, uint32_t size);
int qpybak_writer_end(struct qpybak_writer *w);

/*
 * The JSON report (docs/cli.md): the document boot leaves in
 * /usr/.qpybak/boot.json and `qpybak --json` prints.  Begin, one call per
 * file event, then end with the totals.  Fixed memory, written as it goes.
 */
struct qpybak_report {
    qpybak_write_fn write;
    void *write_ctx;
    uint32_t files;
    int error;
};

int qpybak_report_begin(struct qpybak_report *rep, qpybak_write_fn write, void *write_ctx);
int qpybak_report_file(struct qpybak_report *rep, const struct qpybak_file_event *event);
/* command: "boot" or "status". */
int qpybak_report_end(struct qpybak_report *rep, const struct qpybak_result *result,
                      const char *command);

/*
 * Reads the enable flag (backup_restore.json) from a source.  Returns
 * QPYBAK_OFF_NONE when the feature is on, else why it is off; *warnings
 * (may be NULL) receives QPYBAK_WARN_FLAG_* bits.
 */
enum qpybak_off qpybak_flag_read(qpybak_read_fn read, void *read_ctx, unsigned *warnings);

#ifdef __cplusplus
}
#endif

#endif /* QPYBAK_TOOLS_H */
