/*
 * qpybak fota apply --usr USR_DIR --bak BAK_DIR [STAGE_DIR] (SPEC section 5).
 *
 * The staging folder must lie inside USR_DIR: after a power cut, boot
 * finishes the update from the staged copies the journal names, and boot
 * sees only the two partitions.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void on_update(void *ctx, const struct qpybak_fota_event *ev)
{
    (void)ctx;
    if (ev->installed) {
        printf("%-13s ", "installed");
        put_name(stdout, ev->name);
        putchar('\n');
        return;
    }
    printf("%-13s ", "not installed");
    put_name(stdout, ev->name);
    if (ev->reason == QPYBAK_REASON_IO && ev->error)
        printf(" (%s: %s)\n", qpybak_reason_text(ev->reason), errtext(ev->error));
    else
        printf(" (%s)\n", qpybak_reason_text(ev->reason));
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

int cmd_fota_apply(const struct opts *o)
{
    struct qpybak_posix px;
    struct qpybak_config cfg;
    struct qpybak_fota_result res;
    char *stage_dir, *stage;
    int status, err;

    stage_dir = o->nargs ? strdup(o->args[0]) : join(o->usr, "/.updater");
    if (stage_dir == NULL)
        return cli_error("fota apply", NULL, syserr(ENOMEM));
    status = need_dir(NULL, stage_dir);
    if (status) {
        free(stage_dir);
        return status;
    }
    stage = device_path(o->usr, stage_dir);
    if (stage == NULL) {
        status = cli_error(NULL, stage_dir,
                           "the staging folder must be inside USR_DIR (boot finishes an "
                           "interrupted update from it)");
        free(stage_dir);
        return status;
    }
    status = open_roots(&px, o->usr, o->bak);
    if (status) {
        free(stage_dir);
        free(stage);
        return status;
    }
    memset(&cfg, 0, sizeof(cfg));
    cfg.port = &px.port;
    cfg.buffer = cli_work(&cfg.buffer_size);
    cfg.on_update = on_update;
    cfg.keep_last_good = o->keep_last_good;
    err = qpybak_fota_apply(&cfg, stage, &res);
    qpybak_posix_close(&px);
    if (err < 0) {
        status = cli_error("fota apply: ", stage_dir, errtext(err));
    } else {
        if (res.resumed)
            printf("%-13s an interrupted update\n", "finished");
        printf("fota apply: %lu installed, %lu not installed%s\n", (unsigned long)res.installed,
               (unsigned long)res.failed + (unsigned long)res.skipped, res.journal ? "" : " (nothing staged)");
        status = res.failed || res.skipped ? EXIT_DAMAGE : EXIT_INTACT;
    }
    free(stage_dir);
    free(stage);
    return status;
}
