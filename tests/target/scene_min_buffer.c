/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The smallest work buffer, qpybak_buffer_min() exactly, on the target's
 * pointer size: a damaged boot restores with it and writes nothing past
 * it; one byte less is refused before any port call.
 */
#include <stdio.h>

#include "scene.h"

int main(void);

int main(void)
{
    struct qpybak_config cfg;
    struct qpybak_result res;
    size_t min = qpybak_buffer_min(0);
    size_t used, port, i;
    int rc;

    printf("qpybak_buffer_min(0) = %u B on this target\n", (unsigned)min);
    scene_check(min <= QPYBAK_BUFFER_MIN, "qpybak_buffer_min(0) <= QPYBAK_BUFFER_MIN");

    scene_factory();
    ram_port_delete(&scene_ram, "/usr/lib/util.py");
    ram_port_put_str(&scene_ram, "/usr/apn_cfg.json", "{\"apn\": \"evil\"}\n");
    ram_port_delete(&scene_ram, QPYBAK_PATH_SHADOW);

    cfg = scene_config(min - 1);
    ram_port_reset_stats(&scene_ram);
    rc = qpybak_boot(&cfg, &res);
    scene_check(rc == QPYBAK_ERR_NOMEM, "one byte less: QPYBAK_ERR_NOMEM");
    scene_check(scene_ram.stats.ops[RAM_OP_OPEN] == 0 && scene_ram.stats.mutations == 0,
                "one byte less: no port call");

    cfg = scene_config(min);
    ram_port_reset_stats(&scene_ram);
    SCENE_STACK_OF(&used, &port, rc = qpybak_boot(&cfg, &res));
    scene_stack("boot (minimum buffer)", used, port);
    scene_check(rc == 0, "boot returns 0");
    scene_check(scene_guard_intact(), "nothing written past qpybak_buffer_min()");
    scene_check(res.counts[QPYBAK_STATE_RESTORED] == 2, "two files restored");
    scene_check(res.repaired & QPYBAK_REPAIRED_SHADOW, "the shadow repaired");
    for (i = 0; i < scene_n_files; i++)
        scene_check(scene_file_is(scene_files[i].name, scene_files[i].text),
                    "every tracked file holds its factory content");
    scene_check_port("boot");
    return scene_end("min_buffer");
}
