/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intact boot: every tracked file matches its entry.  Boot reports each as
 * ok and changes nothing; status, run next, agrees.
 */
#include <stdio.h>

#include "scene.h"

int main(void);

int main(void)
{
    struct qpybak_config cfg;
    struct qpybak_result res;
    size_t used, port;
    int rc;

    scene_factory();
    cfg = scene_config(QPYBAK_BUFFER_MIN);
    ram_port_reset_stats(&scene_ram);
    SCENE_STACK_OF(&used, &port, rc = qpybak_boot(&cfg, &res));
    scene_stack("boot (intact)", used, port);
    scene_check(rc == 0, "boot returns 0");
    scene_check(res.enabled && res.source == QPYBAK_SOURCE_PRIMARY, "boot used the primary");
    scene_check(res.counts[QPYBAK_STATE_OK] == scene_n_files, "every file ok");
    scene_check(res.error == 0, "no storage error");
    scene_check(scene_ram.stats.mutations == 0, "an intact boot changes nothing");
    scene_check_port("boot");

    ram_port_reset_stats(&scene_ram);
    SCENE_STACK_OF(&used, &port, rc = qpybak_status(&cfg, &res));
    scene_stack("status", used, port);
    scene_check(rc == 0 && res.counts[QPYBAK_STATE_OK] == scene_n_files, "status: every file ok");
    scene_check(scene_ram.stats.mutations == 0, "status changes nothing");
    scene_check_port("status");
    return scene_end("boot_intact");
}
