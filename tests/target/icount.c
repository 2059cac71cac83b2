/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Instruction counts from the board's CMSDK timer 0.  QEMU's DWT cycle
 * counter reads 0, but under `-icount shift=0` every instruction advances
 * virtual time by 1 ns, and the timer runs from the 25 MHz APB clock: one
 * tick per 40 instructions.  scene_icount.c checks that against a loop of
 * known length before any number is believed.
 */
#include <stdint.h>

#include "target.h"

#define TIMER0 ((volatile uint32_t *)0x40000000u)
#define TIMER_CTRL 0   /* bit 0: enable */
#define TIMER_VALUE 1  /* counts down */
#define TIMER_RELOAD 2

void target_icount_start(void)
{
    TIMER0[TIMER_CTRL] = 0;
    TIMER0[TIMER_RELOAD] = 0xFFFFFFFFu;
    TIMER0[TIMER_VALUE] = 0xFFFFFFFFu;
    TIMER0[TIMER_CTRL] = 1;
}

uint64_t target_icount(void)
{
    return (uint64_t)(0xFFFFFFFFu - TIMER0[TIMER_VALUE]) * TARGET_INSNS_PER_TICK;
}
