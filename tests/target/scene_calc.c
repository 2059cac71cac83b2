/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Calc after a legitimate edit: the new checksum is recorded in both user
 * manifests, and the next boot keeps the edit.
 */
#include <stdio.h>
#include <string.h>

#include "scene.h"

int main(void);

static const char edit[] = "{\"apn\": \"iot.example\", \"user\": \"\"}\n";

int main(void)
{
    struct qpybak_config cfg;
    struct qpybak_result res;
    uint32_t crc = 0;
    size_t used, port;
    int rc;

    scene_factory();
    ram_port_put_str(&scene_ram, "/usr/apn_cfg.json", edit);
    cfg = scene_config(QPYBAK_BUFFER_MIN);
    ram_port_reset_stats(&scene_ram);
    SCENE_STACK_OF(&used, &port, rc = qpybak_calc(&cfg, "/usr/apn_cfg.json", &crc));
    scene_stack("calc", used, port);
    scene_check(rc == 1, "calc records the tracked file");
    scene_check(crc == qpybak_crc32(QPYBAK_CRC_SEED, edit, strlen(edit)), "calc's CRC");
    scene_check(scene_ram.stats.renames == 2, "both manifests replaced");
    scene_check_port("calc");

    ram_port_reset_stats(&scene_ram);
    rc = qpybak_boot(&cfg, &res);
    scene_check(rc == 0 && res.counts[QPYBAK_STATE_OK] == scene_n_files, "boot: all ok");
    scene_check(scene_file_is("/usr/apn_cfg.json", edit), "the edit survives boot");
    scene_check(scene_ram.stats.mutations == 0, "boot changes nothing");
    return scene_end("calc");
}
