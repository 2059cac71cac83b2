/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The instruction counter's calibration: a loop of known length (two
 * instructions per turn) must count exactly, to the timer's 40-instruction
 * tick.  Fails when QEMU runs without -icount shift=0 or the timer's clock
 * is not what icount.c assumes - before any boot-cost number is believed.
 */
#include <stdio.h>

#include "target.h"

int main(void);

__attribute__((noinline)) static void spin(uint32_t turns)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(turns) : : "cc");
}

int main(void)
{
    uint32_t turns;
    int failed = 0;

    for (turns = 1000; turns <= 1000000; turns *= 10) {
        uint64_t counted, expected = 2u * (uint64_t)turns;

        target_icount_start();
        spin(turns);
        counted = target_icount();
        printf("loop of %7lu instructions: %7lu counted\n", (unsigned long)expected,
               (unsigned long)counted);
        /* The call, the return and the timer reads add a few; a tick is 40. */
        if (counted + TARGET_INSNS_PER_TICK < expected ||
            counted > expected + 2u * TARGET_INSNS_PER_TICK)
            failed = 1;
    }
    printf("icount: %s\n", failed ? "FAIL: the counter is off (run with -icount shift=0)" : "passed");
    return failed;
}
