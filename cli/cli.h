/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The qpybak command (docs/cli.md): what the command's files share.
 */
#ifndef QPYBAK_CLI_H
#define QPYBAK_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "qpybak_tools.h"
#include "qpybak_posix.h"

/* Exit statuses (docs/cli.md, "Exit status"). */
#define EXIT_INTACT 0 /* intact now, or the feature is off */
#define EXIT_DAMAGE 1 /* damage remains */
#define EXIT_USAGE 2  /* bad arguments or environment: one line on stderr */

/* The parsed command line. */
struct opts {
    const char *command; /* "boot", "pack", ... */
    const char *usr;     /* --usr DIR, NULL when not given */
    const char *bak;     /* --bak DIR */
    bool json;           /* --json */
    bool verbose;        /* -v */
    bool disabled;       /* --disabled */
    bool keep_last_good; /* --keep-last-good */
    bool quiet;          /* --quiet: no progress display (pack: no summary) */
    enum qpybak_form form; /* pack --format: the manifests' form */
    char **args;         /* the positional arguments */
    int nargs;
};

/* main.c: the one work buffer of the host tool, 2 MiB: the core's RAM
 * stays fixed whatever the manifest's size, and copies go in big reads. */
void *cli_work(size_t *size);

/* The commands; each returns an exit status. */
int cmd_pack(const struct opts *o);
int cmd_boot(const struct opts *o);
int cmd_status(const struct opts *o);
int cmd_calc(const struct opts *o);
int cmd_crc(const struct opts *o);
int cmd_fota_apply(const struct opts *o);

/* out.c: output helpers. */

/* Writes a name for a human: printable text as it is, every control
 * character, backslash or invalid UTF-8 byte as \xNN, so that a hostile
 * name can never send escape sequences to a terminal. */
void put_name(FILE *f, const char *name);

/* "qpybak: PREFIXNAME: WHY" on stderr, NAME escaped (PREFIX may be NULL,
 * NAME may be NULL); returns EXIT_USAGE for convenience. */
int cli_error(const char *prefix, const char *name, const char *why);

/* A human phrase for a qpybak error or a passed-through -errno. */
const char *errtext(int err);

/* The same for an errno value. */
const char *syserr(int errnum);

/* stdout.  SIGPIPE is ignored (main.c), so a reader that went away is a
 * write error like any other.  After the first one nothing more is
 * printed; the commands that change the device finish their work, and the
 * command ends with exit status 2 and "qpybak: stdout: WHY". */

/* Whether stdout still takes output; false after a write error (noted the
 * first time, with its errno: call it right after printing). */
bool out_live(void);

/* Flushes stdout: status when all output got out, else EXIT_USAGE after
 * the "qpybak: stdout: WHY" line. */
int cli_finish(int status);

/* A qpybak_write_fn onto stdout (ctx unused); fails once stdout has. */
int write_stdout(void *ctx, const void *buf, size_t len);

/* The host name of a device path: "/usr/lib/a.py" is USR_DIR/lib/a.py,
 * "/bak/x" BAK_DIR/x; the device path itself when its root was not given.
 * A new string. */
char *host_path(const struct opts *o, const char *dev);

/* "HOST: WHY" for a storage error at a device path (dev may be NULL:
 * "WHY" alone), onto f. */
void put_fault(FILE *f, const struct opts *o, const char *dev, int err);

/* " (REASON)" after an entry's or a staged file's name, or, with a storage
 * error (err != 0), " (REASON: PATH: WHY)": PATH is where the error was met
 * (err_path, may be NULL), left out when it is the entry's own name. */
void put_reason(FILE *f, const struct opts *o, enum qpybak_reason reason, int err,
                const char *err_path, const char *name);

/* Checks that DIR, given as option OPT ("--usr", or NULL for an argument),
 * is an existing directory: 0, or EXIT_USAGE after
 * "qpybak: --usr DIR: no such directory". */
int need_dir(const char *opt, const char *dir);

/* Opens the POSIX port on the roots (either may be NULL) after need_dir()
 * on each: 0 or EXIT_USAGE with the message printed, naming the root at
 * fault.  The lock waits for another run, after one line on stderr. */
int open_roots(struct qpybak_posix *p, const char *usr, const char *bak);

/* Joins a host directory and a '/'-led rest ("" or "/a/b") into a new
 * string (exits on out of memory). */
char *join(const char *dir, const char *rest);

/* The absolute, link-free form of a directory that may not exist yet
 * (the part that does not is taken as mkdir -p would create it); a new
 * string, or NULL with errno set. */
char *resolve_dir(const char *path);

/* Whether two resolved directories are the same or one holds the other. */
bool dirs_overlap(const char *a, const char *b);

/* A progress display on stderr for a long command: one line, redrawn in
 * place, "WHAT: 12,345 / 20,000 files, 6.0 / 9.8 MiB, 4,120 files/s,
 * 2.0 MiB/s".  It appears only when the command has run for a second, and
 * only when stderr is a terminal and --quiet was not given; the line is
 * erased when the command ends and before any error line.  Totals of 0
 * are unknown (not shown), and so is a total that the count has passed.
 * progress_step is cheap: call it per file. */
struct progress {
    bool on;         /* stderr is a terminal, no --quiet */
    bool shown;      /* a line is on the screen */
    bool stdout_tty; /* stdout shares a terminal: progress_pause erases */
    const char *what;
    uint64_t files_total, bytes_total;
    uint64_t files, bytes;
    double start, next; /* seconds, monotonic */
    int width;          /* of the line on the screen */
    /* Optional: fills in the totals, called once, when the line is first
     * drawn - a count that costs a read of a file is paid only by a long
     * run on a terminal (progress_total.c). */
    void (*totals)(void *ctx, uint64_t *files, uint64_t *bytes);
    void *totals_ctx;
};

void progress_begin(struct progress *pg, const char *what, bool quiet, uint64_t files_total,
                    uint64_t bytes_total);
void progress_step(struct progress *pg, uint64_t files, uint64_t bytes);
/* Before a line on stdout: when stdout is the terminal too, the progress
 * line is erased (the next step draws it again below the new line). */
void progress_pause(struct progress *pg);
void progress_end(struct progress *pg);

/* progress_total.c: totals the library does not give, for pg->totals.
 * Boot and status: the entries of the user manifest boot would use (the
 * first of /usr/checksum.json, its shadow, /bak/checksum.json that reads
 * whole) and their recorded sizes; FOTA apply: the entries of its journal
 * (/usr/.qpybak/fota.json).  ctx is the struct qpybak_posix of the run;
 * read through its port, as the library reads. */
void progress_manifest_totals(void *ctx, uint64_t *files, uint64_t *bytes);
void progress_journal_totals(void *ctx, uint64_t *files, uint64_t *bytes);

/* malloc that exits with a message instead of returning NULL. */
void *xmalloc(size_t size);
char *xstrdup(const char *s);

#endif
