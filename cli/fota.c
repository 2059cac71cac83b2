/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * qpybak fota apply --usr USR_DIR --bak BAK_DIR [STAGE_DIR]
 * (docs/design.md, "FOTA apply"; docs/cli.md, "fota apply").
 *
 * The staging folder must lie inside USR_DIR: after a power cut, boot
 * finishes the update from the staged copies the journal names, and boot
 * sees only the two partitions.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* What the callback needs: the roots, to name a host path; the progress
 * display. */
struct apply_ctx {
    const struct opts *o;
    struct progress progress;
    uint64_t files, bytes; /* staged files done, and their sizes */
};

/* One line per staged file, the progress line kept below them. */
static void print_update(struct apply_ctx *a, const struct qpybak_fota_event *ev)
{
    progress_pause(&a->progress);
    if (ev->installed) {
        printf("%-13s ", "installed");
        put_name(stdout, ev->name);
        putchar('\n');
        return;
    }
    printf("%-13s ", "not installed");
    put_name(stdout, ev->name);
    put_reason(stdout, a->o, ev->reason, ev->error, ev->error_path, ev->name);
    putchar('\n');
    out_live(); /* notes a write error with its errno */
}

/* Nothing is printed after a write error on stdout, but the apply goes on
 * to the end (out_live()). */
static void on_update(void *ctx, const struct qpybak_fota_event *ev)
{
    struct apply_ctx *a = ctx;

    a->files++;
    a->bytes += ev->size;
    if (out_live())
        print_update(a, ev);
    progress_step(&a->progress, a->files, a->bytes);
}

/* The device path of a host directory inside USR_DIR ("/usr/.updater"),
 * or NULL when it is not inside. */
static char *device_path(const char *usr, const char *dir)
{
    char *root = resolve_dir(usr), *sub = resolve_dir(dir), *out = NULL;
    size_t n;

    if (root && sub) {
        n = strlen(root);
        if (strncmp(sub, root, n) == 0 && sub[n] == '/' && sub[n + 1] != '\0')
            out = join("/usr", sub + n);
    }
    free(root);
    free(sub);
    return out;
}

/* A staging folder refused, named, with the reason in words ("not a
 * staging folder: holds tracked files"). */
static int refuse_stage(const char *stage_dir, enum qpybak_reason why)
{
    const char *text = qpybak_reason_text(why);
    char line[96];

    if (why == QPYBAK_REASON_HOLDS_TRACKED) /* its text says it all */
        return cli_error(NULL, stage_dir, text);
    snprintf(line, sizeof(line), "not a staging folder: %s", text);
    return cli_error(NULL, stage_dir, line);
}

/* What the apply did, after the per-file lines. */
static int report(const struct opts *o, const struct qpybak_fota_result *res)
{
    if (!out_live())
        return EXIT_USAGE; /* main.c says why */
    if (res->resumed)
        printf("%-13s an interrupted update\n", "finished");
    if (res->error) {
        printf("%-13s ", "error");
        put_fault(stdout, o, res->error_path, res->error);
        putchar('\n');
    }
    if (res->pending)
        printf("%-13s the update is not finished: the next boot tries again\n", "pending");
    printf("fota apply: %lu installed, %lu not installed%s\n", (unsigned long)res->installed,
           (unsigned long)res->failed + (unsigned long)res->skipped,
           res->journal ? "" : " (nothing staged)");
    return res->failed || res->skipped || res->pending ? EXIT_DAMAGE : EXIT_INTACT;
}

/* The apply could not run: the staging folder refused, or the error with
 * the path it is about (the staging folder when the core names none). */
static int apply_error(const struct opts *o, const char *stage_dir,
                       const struct qpybak_fota_result *res, int err)
{
    char *host;

    if (res->refused != QPYBAK_REASON_NONE)
        return refuse_stage(stage_dir, res->refused);
    if (res->error_path == NULL)
        return cli_error(NULL, stage_dir, errtext(err));
    host = host_path(o, res->error_path);
    cli_error(NULL, host, errtext(err));
    free(host);
    return EXIT_USAGE;
}

/* The staging folder's device path ("/usr/.updater"), or NULL after the
 * message.  It must exist and lie inside USR_DIR; whether its name can be
 * a staging folder is the core's one rule (result.refused, refuse_stage). */
static char *stage_path(const struct opts *o, const char *stage_dir)
{
    char *stage;

    if (need_dir(NULL, stage_dir))
        return NULL;
    stage = device_path(o->usr, stage_dir);
    if (stage == NULL) {
        cli_error(NULL, stage_dir,
                  "the staging folder must be inside USR_DIR (boot finishes an interrupted "
                  "update from it)");
        return NULL;
    }
    return stage;
}

static int apply(const struct opts *o, struct qpybak_posix *px, const char *stage_dir,
                 const char *stage)
{
    struct qpybak_config cfg;
    struct qpybak_fota_result res;
    struct apply_ctx actx;
    int err;

    memset(&cfg, 0, sizeof(cfg));
    cfg.port = &px->port;
    cfg.buffer = cli_work(&cfg.buffer_size);
    actx.o = o;
    cfg.on_update = on_update;
    cfg.ctx = &actx;
    cfg.keep_last_good = o->keep_last_good;
    memset(&res, 0, sizeof(res));
    progress_begin(&actx.progress, "fota apply", o->quiet, 0, 0);
    actx.progress.totals = progress_journal_totals;
    actx.progress.totals_ctx = px;
    actx.files = actx.bytes = 0;
    err = qpybak_fota_apply(&cfg, stage, &res);
    progress_end(&actx.progress);
    /* A journal that stays is an apply that ran and is not finished: its
     * outcome, not a usage error. */
    if (res.refused != QPYBAK_REASON_NONE || (err < 0 && !res.pending))
        return apply_error(o, stage_dir, &res, err);
    if (res.error == 0 && err < 0) {
        res.error = err;
        res.error_path = NULL;
    }
    return report(o, &res);
}

int cmd_fota_apply(const struct opts *o)
{
    struct qpybak_posix px;
    char *stage_dir, *stage;
    int status;

    /* The roots first: every other check relies on them. */
    status = open_roots(&px, o->usr, o->bak);
    if (status)
        return status;
    stage_dir = o->nargs ? xstrdup(o->args[0]) : join(o->usr, "/.updater");
    stage = stage_path(o, stage_dir);
    status = stage ? apply(o, &px, stage_dir, stage) : EXIT_USAGE;
    qpybak_posix_close(&px);
    free(stage_dir);
    free(stage);
    return status;
}
