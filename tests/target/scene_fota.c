/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FOTA apply of three staged files (two tracked, one new and untracked in
 * a new folder), and a power cut after its commit point, at every mutating
 * port call from there on: the next boot must finish the update and reach
 * the tree the uninterrupted apply and boot reach.
 *
 *   scene_fota        the apply, uninterrupted
 *   scene_fota_cut    the same program built with SCENE_FOTA_CUT
 */
#include <stdio.h>
#include <string.h>

#include "scene.h"

int main(void);

struct staged {
    const char *name;
    const char *text;
};

static const struct staged staged[] = {
    {"/usr/main.py", "import lib.net\nlib.net.start(2)\n"},
    {"/usr/lib/net.py", "def start(v=1):\n    return 'up', v\n"},
    {"/usr/plugins/extra.py", "X = 1\n"},
};
#define N_STAGED (sizeof staged / sizeof staged[0])

static void stage(void)
{
    char path[64];
    size_t i;

    scene_factory();
    for (i = 0; i < N_STAGED; i++) {
        snprintf(path, sizeof path, "%s%s", QPYBAK_STAGE_DEFAULT, staged[i].name + 4);
        ram_port_put_str(&scene_ram, path, staged[i].text);
    }
}

static void check_applied(const char *when)
{
    char what[160];
    size_t i;

    for (i = 0; i < N_STAGED; i++) {
        snprintf(what, sizeof what, "%s: %s holds its update", when, staged[i].name);
        scene_check(scene_file_is(staged[i].name, staged[i].text), what);
    }
    snprintf(what, sizeof what, "%s: staging folder and journal gone", when);
    scene_check(ram_port_type(&scene_ram, QPYBAK_STAGE_DEFAULT) == 0 &&
                    ram_port_type(&scene_ram, QPYBAK_PATH_JOURNAL) == 0,
                what);
}

#ifndef SCENE_FOTA_CUT

int main(void)
{
    struct qpybak_config cfg;
    struct qpybak_fota_result fres;
    struct qpybak_result res;
    size_t used, port;
    int rc;

    stage();
    cfg = scene_config(QPYBAK_BUFFER_MIN);
    ram_port_reset_stats(&scene_ram);
    SCENE_STACK_OF(&used, &port, rc = qpybak_fota_apply(&cfg, NULL, &fres));
    scene_stack("fota_apply", used, port);
    scene_check(rc == 0, "FOTA apply returns 0");
    scene_check(fres.installed == N_STAGED && fres.failed == 0 && !fres.pending,
                "every staged file installed");
    check_applied("apply");
    scene_check_port("apply");

    /* The update is recorded: the next boot finds all ok, the new file
     * untracked. */
    ram_port_reset_stats(&scene_ram);
    rc = qpybak_boot(&cfg, &res);
    scene_check(rc == 0 && res.counts[QPYBAK_STATE_OK] == scene_n_files &&
                    res.counts[QPYBAK_STATE_RESTORED] == 0,
                "boot after the update: all ok");
    scene_check(scene_ram.stats.mutations == 0, "boot after the update changes nothing");
    check_applied("boot");
    return scene_end("fota");
}

#else

/* The cut: the mutating port calls from the cut point on fail, as on a dead
 * medium (the RAM port's hook, ram_port.h). */
struct cut {
    bool committed;      /* the journal has been renamed into place */
    unsigned long after; /* mutating calls since the commit */
    unsigned long at;    /* the cut: this call after the commit fails, and all later */
    bool fired;
};

static int cut_hook(void *ctx, enum ram_op op, const char *path, const char *path2)
{
    struct cut *c = (struct cut *)ctx;

    if (c->fired)
        return QPYBAK_ERR_IO;
    if (c->committed && (op == RAM_OP_WRITE || op == RAM_OP_SYNC || op == RAM_OP_RENAME ||
                         op == RAM_OP_REMOVE || op == RAM_OP_MKDIR)) {
        if (++c->after == c->at) {
            c->fired = true;
            return QPYBAK_ERR_IO;
        }
    }
    /* The commit point: the journal's rename into place (after it). */
    if (op == RAM_OP_RENAME && path2 && strcmp(path2, QPYBAK_PATH_JOURNAL) == 0)
        c->committed = true;
    (void)path;
    return 0;
}

int main(void)
{
    struct qpybak_config cfg;
    struct qpybak_fota_result fres;
    struct qpybak_result res;
    struct cut c;
    size_t used, port, worst = 0, worst_port = 0;
    unsigned long at;
    char what[96];
    int rc;

    for (at = 1;; at++) {
        stage();
        cfg = scene_config(QPYBAK_BUFFER_MIN);
        memset(&c, 0, sizeof c);
        c.at = at;
        scene_ram.hook = cut_hook;
        scene_ram.hook_ctx = &c;
        qpybak_fota_apply(&cfg, NULL, &fres);
        scene_ram.hook = NULL;
        if (!c.committed) {
            scene_check(false, "the apply reached its commit point");
            break;
        }
        if (!c.fired) /* past the last mutating call: the sweep is done */
            break;
        ram_port_power_cut(&scene_ram);
        ram_port_reset_stats(&scene_ram);
        SCENE_STACK_OF(&used, &port, rc = qpybak_boot(&cfg, &res));
        if (used > worst)
            worst = used;
        if (port > worst_port)
            worst_port = port;
        snprintf(what, sizeof what, "cut at %lu after the commit: boot finished the update", at);
        scene_check(rc == 0 && res.fota.journal && res.fota.installed == N_STAGED &&
                        !res.fota.pending,
                    what);
        snprintf(what, sizeof what, "cut at %lu after the commit", at);
        check_applied(what);
        scene_check(res.counts[QPYBAK_STATE_OK] == scene_n_files, "and found every file ok");
        scene_check_port(what);
    }
    printf("cut points after the commit: %lu\n", at - 1);
    scene_check(at > 1, "at least one cut point after the commit");
    scene_stack("boot (finishing FOTA)", worst, worst_port);
    return scene_end("fota_cut");
}

#endif
