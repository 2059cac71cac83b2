/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Damaged boot: one file deleted, one edited behind qpybak's back, the
 * user manifest deleted (the shadow holds it).  Boot puts back both files
 * from the backup partition and the manifest from the shadow.
 */
#include <stdio.h>

#include "scene.h"

int main(void);

int main(void)
{
    struct qpybak_config cfg;
    struct qpybak_result res;
    const uint8_t *shadow;
    size_t used, port, i, shadow_len;
    int rc;

    scene_factory();
    ram_port_delete(&scene_ram, "/usr/lib/net.py");
    ram_port_put_str(&scene_ram, "/usr/main.py", "import os\nos.remove('/usr')\n");
    ram_port_delete(&scene_ram, QPYBAK_PATH_PRIMARY);
    cfg = scene_config(QPYBAK_BUFFER_MIN);
    ram_port_reset_stats(&scene_ram);
    SCENE_STACK_OF(&used, &port, rc = qpybak_boot(&cfg, &res));
    scene_stack("boot (damaged)", used, port);
    scene_check(rc == 0, "boot returns 0");
    scene_check(res.source == QPYBAK_SOURCE_SHADOW, "boot used the shadow");
    scene_check(res.repaired & QPYBAK_REPAIRED_PRIMARY, "the primary repaired");
    scene_check(res.counts[QPYBAK_STATE_RESTORED] == 2, "two files restored");
    scene_check(res.counts[QPYBAK_STATE_OK] == scene_n_files - 2, "the others ok");
    for (i = 0; i < scene_n_files; i++)
        scene_check(scene_file_is(scene_files[i].name, scene_files[i].text),
                    "every tracked file holds its factory content");
    shadow = ram_port_get(&scene_ram, QPYBAK_PATH_SHADOW, &shadow_len);
    scene_check(shadow && ram_port_file_equals(&scene_ram, QPYBAK_PATH_PRIMARY, shadow, shadow_len),
                "the primary is back, equal to the shadow");
    scene_check_port("boot");

    /* A second boot finds everything intact. */
    ram_port_reset_stats(&scene_ram);
    rc = qpybak_boot(&cfg, &res);
    scene_check(rc == 0 && res.counts[QPYBAK_STATE_OK] == scene_n_files, "the next boot: all ok");
    scene_check(scene_ram.stats.mutations == 0, "the next boot changes nothing");
    return scene_end("boot_damaged");
}
