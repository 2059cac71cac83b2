/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The integrator's hooks (src/util.h): the core compiled with
 * QPYBAK_CONFIG naming hooks_config.h, which defines QPYBAK_TRACE and
 * QPYBAK_ASSERT.  A boot over a RAM partition must trace its port calls
 * and fail no assertion.  Built and run by hooks.sh.
 */
#include <stdio.h>
#include <string.h>

#include "qpybak.h"
#include "ram_port.h"

unsigned long hooks_traced, hooks_failed;

int main(void)
{
    static unsigned char work[8192];
    struct ram_port *ram = ram_port_new();
    struct qpybak_config cfg;
    struct qpybak_result res;
    int rc;

    if (ram == NULL)
        return 1;
    ram_port_put_str(ram, "/bak/backup_restore.json", "{\"enable\": 1}");
    ram_port_put_str(ram, "/bak/checksum.json",
                     "[{\"name\": \"/usr/a.txt\", \"crc32\": \"0x359a672f\", \"size\": 3}]");
    ram_port_put_str(ram, "/bak/usr/a.txt", "abc");
    memset(&cfg, 0, sizeof cfg);
    cfg.port = &ram->port;
    cfg.buffer = work;
    cfg.buffer_size = sizeof work;
    rc = qpybak_boot(&cfg, &res);
    printf("boot %d, restored %lu, %lu port calls traced, %lu assertions failed\n", rc,
           (unsigned long)res.counts[QPYBAK_STATE_RESTORED], hooks_traced, hooks_failed);
    ram_port_destroy(ram);
    return rc == 0 && res.counts[QPYBAK_STATE_RESTORED] == 1 && hooks_traced > 10 &&
                   hooks_failed == 0
               ? 0
               : 1;
}
