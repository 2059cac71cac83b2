/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Start-up for QEMU's mps2-an386: the vector table and a reset handler that
 * does what newlib's rdimon start-up does not - copy .data from its load
 * address and zero .bss (an386.ld) - then opens semihosting's standard
 * streams and runs main.  A fault ends the run with exit status 2, so a
 * crash can never pass for a scene's success.
 */
#include <stdint.h>
#include <stdlib.h>

#include "target.h"

extern uint32_t __data_start__[], __data_end__[], __data_load__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_top__[];

extern void initialise_monitor_handles(void);
int main(void);
void reset_handler(void);
void fault_handler(void);

void reset_handler(void)
{
    uint32_t *src = __data_load__;
    uint32_t *dst;

    for (dst = __data_start__; dst < __data_end__;)
        *dst++ = *src++;
    for (dst = __bss_start__; dst < __bss_end__;)
        *dst++ = 0;
    initialise_monitor_handles();
    exit(main());
}

void fault_handler(void)
{
    target_puts("fault: the CPU took an exception\n");
    target_exit(2);
}

/* Initial stack pointer, reset, then every exception to fault_handler
 * (NMI, HardFault, MemManage, BusFault, UsageFault, SVC, ...). */
__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))__stack_top__, reset_handler, fault_handler, fault_handler,
    fault_handler, fault_handler, fault_handler, 0, 0, 0, 0,
    fault_handler, fault_handler, 0, fault_handler, fault_handler,
};
