/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `qpybak boot` and `qpybak status`: run the core procedure on the two
 * roots and print its outcome, as lines for a human or as the JSON report.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* qpybak's own files, spelled once (qpybak_tools.h). */
#define PRIMARY QPYBAK_PATH_PRIMARY
#define SHADOW QPYBAK_PATH_SHADOW
#define BACKUP QPYBAK_PATH_BACKUP_MANIFEST

struct check {
    const struct opts *o;
    bool boot;
    bool json;
    bool verbose;
    bool begun; /* the JSON document was started */
    struct qpybak_report rep;
    struct progress progress;
    uint64_t files, bytes; /* entries done, and their sizes */
};

/* "restored      /usr/a.py": the state padded to 13 columns. */
static void begin_line(const char *label)
{
    printf("%-13s ", label);
}

static void print_crc_pair(const struct qpybak_file_event *ev)
{
    char a[QPYBAK_CRC_STR_SIZE], e[QPYBAK_CRC_STR_SIZE];

    if (ev->has_expected_size && ev->actual_size != ev->expected_size)
        printf(" (size %llu, expected %lu)", (unsigned long long)ev->actual_size,
               (unsigned long)ev->expected_size);
    else
        printf(" (crc %s, expected %s)", qpybak_crc_format(ev->actual_crc, a),
               qpybak_crc_format(ev->expected_crc, e));
}

static void print_reason(const struct check *c, const struct qpybak_file_event *ev)
{
    put_reason(stdout, c->o, ev->reason, ev->error, ev->error_path, ev->name);
}

/* One "warning" line per QPYBAK_WARN_* bit, about name (NULL: the run). */
static void print_warnings(const char *name, unsigned bits)
{
    unsigned bit;

    for (bit = 1; bit <= QPYBAK_WARN_LAST; bit <<= 1) {
        if (!(bits & bit))
            continue;
        begin_line("warning");
        if (name != NULL) {
            put_name(stdout, name);
            fputs(": ", stdout);
        }
        printf("%s\n", qpybak_warning_text(bit));
    }
}

static void print_event(const struct check *c, const struct qpybak_file_event *ev)
{
    char crc[QPYBAK_CRC_STR_SIZE];

    begin_line(qpybak_state_name(ev->state));
    if (ev->state == QPYBAK_STATE_INVALID)
        printf("#%lu%s", (unsigned long)ev->index, ev->name ? " " : "");
    if (ev->name)
        put_name(stdout, ev->name);
    switch (ev->state) {
    case QPYBAK_STATE_OK:
        printf(" (crc %s)", qpybak_crc_format(ev->expected_crc, crc));
        break;
    case QPYBAK_STATE_RESTORED:
        /* Downgraded: the entry recorded an update or a calc'd edit, and
         * only the factory copy was left to install. */
        printf(" (was %s%s)", qpybak_state_name(ev->found),
               ev->from_last_good ? ", from the last-known-good copy"
               : ev->downgraded   ? ", back to the factory version"
                                  : "");
        break;
    case QPYBAK_STATE_MODIFIED:
        if (ev->reason != QPYBAK_REASON_NONE)
            print_reason(c, ev);
        else if (ev->has_actual)
            print_crc_pair(ev);
        break;
    default: /* missing, unrecoverable, invalid */
        if (ev->reason != QPYBAK_REASON_NONE)
            print_reason(c, ev);
        break;
    }
    putchar('\n');
    print_warnings(ev->name, ev->warnings);
}

/* After a write error on stdout nothing more is printed.  Boot goes on
 * to the end: it must not stop half-way because its reader went away.
 * Status changes nothing, so it ends here, after the current file; the
 * kernel drops its lock and files with the process. */
static void after_print(const struct check *c)
{
    if (!out_live() && !c->boot)
        exit(cli_finish(EXIT_USAGE));
}

/* The bytes an entry stands for on the progress line: its recorded size
 * (the total is the manifest's sum of them), else the size found. */
static uint64_t entry_bytes(const struct qpybak_file_event *ev)
{
    if (ev->state == QPYBAK_STATE_INVALID)
        return 0;
    if (ev->has_expected_size)
        return ev->expected_size;
    return ev->has_actual ? ev->actual_size : 0;
}

static void print_file(struct check *c, const struct qpybak_file_event *ev)
{
    if (c->json) {
        /* Begun at the first event, so that a run that cannot start
         * prints an error and no half document. */
        if (!c->begun)
            qpybak_report_begin(&c->rep, write_stdout, NULL);
        c->begun = true;
        qpybak_report_file(&c->rep, ev);
    }
    else if (c->verbose || ev->state != QPYBAK_STATE_OK || ev->warnings) {
        progress_pause(&c->progress);
        print_event(c, ev);
    }
    after_print(c);
}

static void on_file(void *ctx, const struct qpybak_file_event *ev)
{
    struct check *c = ctx;

    c->files++;
    c->bytes += entry_bytes(ev);
    if (out_live())
        print_file(c, ev);
    progress_step(&c->progress, c->files, c->bytes);
}

/* Boot finishing an interrupted FOTA apply: one staged file.  The JSON
 * report carries only the totals (its "fota" member). */
static void on_update(void *ctx, const struct qpybak_fota_event *ev)
{
    struct check *c = ctx;

    if (c->json || (ev->installed && !c->verbose) || !out_live())
        return;
    progress_pause(&c->progress);
    begin_line(ev->installed ? "updated" : "not installed");
    put_name(stdout, ev->name);
    if (ev->installed)
        printf(" (interrupted update finished)");
    else
        put_reason(stdout, c->o, ev->reason, ev->error, ev->error_path, ev->name);
    putchar('\n');
    after_print(c);
}

/* An interrupted FOTA apply's journal: status only sees it; boot tries to
 * finish it, and when it cannot, the journal stays for the next boot (the
 * file checks ran all the same). */
static void print_journal(const struct check *c, const struct qpybak_fota_result *f)
{
    if (!c->boot) {
        begin_line("pending");
        printf("an interrupted update (boot finishes it)\n");
        return;
    }
    begin_line(f->pending ? "pending" : "finished");
    printf("an interrupted update: %lu file%s installed, %lu not installed%s\n",
           (unsigned long)f->installed, f->installed == 1 ? "" : "s", (unsigned long)f->failed,
           f->pending ? " (the next boot tries again)" : "");
}

static bool both_corrupt(const struct qpybak_result *r)
{
    return r->source == QPYBAK_SOURCE_BACKUP && r->primary != QPYBAK_MANIFEST_MISSING &&
           r->shadow != QPYBAK_MANIFEST_MISSING;
}

/* Boot: what it rewrote.  Status: what boot would have to rewrite. */
static void print_manifests(const struct check *c, const struct qpybak_result *r)
{
    bool none = r->source == QPYBAK_SOURCE_NONE;
    const char *from = r->source == QPYBAK_SOURCE_SHADOW ? "the shadow copy" : "the backup manifest";

    if (c->boot && (r->repaired & QPYBAK_REPAIRED_PRIMARY)) {
        begin_line("repaired");
        printf(PRIMARY " (was %s, from %s)\n", qpybak_mstate_name(r->primary), from);
    }
    if (c->boot && (r->repaired & QPYBAK_REPAIRED_SHADOW)) {
        begin_line("repaired");
        printf(SHADOW " (was %s, from " PRIMARY ")\n", qpybak_mstate_name(r->shadow));
    }
    if (!c->boot && r->primary != QPYBAK_MANIFEST_OK) {
        begin_line("warning");
        printf(PRIMARY " is %s (%s%s)\n", qpybak_mstate_name(r->primary),
               none ? "no copy left to repair it from" : "boot repairs it from ", none ? "" : from);
    }
    if (!c->boot && r->shadow != QPYBAK_MANIFEST_OK) {
        begin_line("warning");
        printf(SHADOW " is %s (%s)\n", qpybak_mstate_name(r->shadow),
               none ? "no copy left to repair it from" : "boot repairs it");
    }
    if (both_corrupt(r)) {
        begin_line("warning");
        printf("both user manifests corrupt: factory checksums %s\n",
               c->boot ? "installed" : "would be installed");
    }
    if (r->backup != QPYBAK_MANIFEST_OK) {
        begin_line("warning");
        printf(BACKUP " is %s: a file is restored only when its backup copy matches the user "
                      "manifest\n",
               qpybak_mstate_name(r->backup));
    }
    if (r->source == QPYBAK_SOURCE_NONE) {
        begin_line("warning");
        printf("no usable manifest: nothing was checked\n");
    }
    print_warnings(NULL, r->warnings & QPYBAK_WARN_DOCUMENT);
    if (r->fota.journal)
        print_journal(c, &r->fota);
    if (r->stale_temps) {
        begin_line(c->boot ? "removed" : "warning");
        printf("%lu temporary file%s of an interrupted run%s\n", (unsigned long)r->stale_temps,
               r->stale_temps == 1 ? "" : "s", c->boot ? "" : " (boot removes them)");
    }
    if (r->error) {
        begin_line("error");
        put_fault(stdout, c->o, r->error_path, r->error);
        putchar('\n');
    }
}

static void print_summary(const struct check *c, const struct qpybak_result *r)
{
    /* The states each command reports, in the order of docs/cli.md. */
    static const enum qpybak_state boot_states[QPYBAK_STATE_COUNT] = {
        QPYBAK_STATE_OK, QPYBAK_STATE_RESTORED, QPYBAK_STATE_UNRECOVERABLE, QPYBAK_STATE_INVALID,
        QPYBAK_STATE_MISSING, QPYBAK_STATE_MODIFIED};
    static const enum qpybak_state status_states[QPYBAK_STATE_COUNT] = {
        QPYBAK_STATE_OK, QPYBAK_STATE_MISSING, QPYBAK_STATE_MODIFIED, QPYBAK_STATE_INVALID,
        QPYBAK_STATE_RESTORED, QPYBAK_STATE_UNRECOVERABLE};
    const enum qpybak_state *s = c->boot ? boot_states : status_states;
    unsigned long total = 0;
    int i;

    for (i = 0; i < QPYBAK_STATE_COUNT; i++)
        total += r->counts[i];
    printf("%s: %lu entr%s: ", c->boot ? "boot" : "status", total, total == 1 ? "y" : "ies");
    for (i = 0; i < QPYBAK_STATE_COUNT; i++) {
        /* The last two belong to the other command: shown only if they
         * ever occur, never hidden. */
        if (i < 4 || r->counts[s[i]])
            printf("%s%lu %s", i ? ", " : "", (unsigned long)r->counts[s[i]],
                   qpybak_state_name(s[i]));
    }
    putchar('\n');
}

/* The exit status (docs/cli.md): 1 while damage remains. */
static int exit_status(const struct check *c, const struct qpybak_result *r)
{
    if (!r->enabled)
        return EXIT_INTACT;
    if (c->boot && r->fota.pending)
        return EXIT_DAMAGE; /* an update is not installed yet */
    if (r->source == QPYBAK_SOURCE_NONE || r->error || r->counts[QPYBAK_STATE_MISSING] ||
        r->counts[QPYBAK_STATE_MODIFIED] || r->counts[QPYBAK_STATE_UNRECOVERABLE] ||
        r->counts[QPYBAK_STATE_INVALID])
        return EXIT_DAMAGE;
    if (!c->boot && r->primary != QPYBAK_MANIFEST_OK)
        return EXIT_DAMAGE; /* boot would have to repair or replace it */
    return EXIT_INTACT;
}

/* A run that could not start: the path at fault when the core names one. */
static int run_error(const struct opts *o, const char *command, const struct qpybak_result *r,
                     int err)
{
    char *host;

    if (r->error_path == NULL)
        return cli_error(command, NULL, errtext(err));
    host = host_path(o, r->error_path);
    cli_error(NULL, host, errtext(err));
    free(host);
    return EXIT_USAGE;
}

static int run(const struct opts *o, bool boot)
{
    struct qpybak_posix px;
    struct qpybak_config cfg;
    struct qpybak_result res;
    struct check c;
    const char *command = boot ? "boot" : "status";
    int err, status;

    status = open_roots(&px, o->usr, o->bak);
    if (status)
        return status;
    memset(&c, 0, sizeof(c));
    c.o = o;
    c.boot = boot;
    c.json = o->json;
    c.verbose = o->verbose;
    memset(&cfg, 0, sizeof(cfg));
    cfg.port = &px.port;
    cfg.buffer = cli_work(&cfg.buffer_size);
    cfg.on_file = on_file;
    cfg.on_update = on_update;
    cfg.ctx = &c;
    memset(&res, 0, sizeof(res));
    progress_begin(&c.progress, command, o->quiet, 0, 0);
    /* The JSON report leaves each entry's line open until the next one:
     * a progress line drawn on the same terminal would overwrite it. */
    if (c.json && c.progress.stdout_tty)
        c.progress.on = false;
    c.progress.totals = progress_manifest_totals;
    c.progress.totals_ctx = &px;

    err = boot ? qpybak_boot(&cfg, &res) : qpybak_status(&cfg, &res);
    progress_end(&c.progress);
    qpybak_posix_close(&px);
    if (err < 0) {
        if (c.begun)
            fputs("\n", stdout); /* the document is unfinished; end its line */
        return run_error(o, command, &res, err);
    }

    if (!out_live())
        return EXIT_USAGE; /* main.c says why */
    if (c.json) {
        if (!c.begun)
            qpybak_report_begin(&c.rep, write_stdout, NULL);
        qpybak_report_end(&c.rep, &res, command);
    } else if (!res.enabled) {
        print_warnings(NULL, res.warnings & QPYBAK_WARN_DOCUMENT);
        printf("%s: off (%s)\n", command, qpybak_off_text(res.off));
    } else {
        print_manifests(&c, &res);
        print_summary(&c, &res);
    }
    return exit_status(&c, &res);
}

int cmd_boot(const struct opts *o)
{
    return run(o, true);
}

int cmd_status(const struct opts *o)
{
    return run(o, false);
}
