/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stack high-water marks: paint the unused stack with a pattern, run the
 * procedure, then find the lowest word it changed.  Nothing else runs on
 * the stack meanwhile (no interrupts are enabled), so every changed word
 * below the caller's frame is the procedure's: its own frames, the port's
 * and the callbacks' it calls.
 */
#include <stdint.h>

#include "target.h"

#define PAINT 0xA5C35A3Cu

extern uint32_t __stack_limit__[];

/* Paints from the bottom of the stack region up to just below this
 * function's own frame (a few words of margin). */
__attribute__((noinline)) void target_stack_paint(void)
{
    uint32_t *p = __stack_limit__;
    uint32_t *below = (uint32_t *)target_sp() - 8;

    while (p < below)
        *p++ = PAINT;
}

size_t target_stack_peak(uintptr_t base)
{
    const uint32_t *p = __stack_limit__;

    while (*p == PAINT)
        p++;
    return base - (uintptr_t)p;
}

void target_region_paint(uint32_t *lo, uint32_t *hi)
{
    while (lo < hi)
        *lo++ = PAINT;
}

size_t target_region_peak(const uint32_t *lo, const uint32_t *hi)
{
    while (lo < hi && *lo == PAINT)
        lo++;
    return (size_t)(hi - lo) * sizeof *lo;
}
