/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ARM semihosting calls the scenes make themselves (stdio goes
 * through newlib's librdimon).  SYS_EXIT_EXTENDED, not SYS_EXIT: on 32-bit
 * ARM plain SYS_EXIT carries no status, and QEMU would turn every exit into
 * 0 or 1.
 */
#include <stdint.h>

#include "target.h"

#define SYS_WRITE0 0x04
#define SYS_GET_CMDLINE 0x15
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uintptr_t semihost(uintptr_t op, const void *arg)
{
    register uintptr_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;

    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void target_puts(const char *text)
{
    semihost(SYS_WRITE0, text);
}

int target_cmdline(char *buf, size_t size)
{
    uintptr_t block[2];

    block[0] = (uintptr_t)buf;
    block[1] = size;
    if (size == 0 || semihost(SYS_GET_CMDLINE, block) != 0) {
        if (size)
            buf[0] = '\0';
        return -1;
    }
    return 0;
}

void target_exit(int status)
{
    uint32_t block[2];

    block[0] = ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)status;
    semihost(SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}
