/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every target program shares: semihosting (semihost.c), the stack
 * high-water mark (stack.c) and the instruction counter (icount.c).
 */
#ifndef TARGET_H
#define TARGET_H

#include <stddef.h>
#include <stdint.h>

/* Writes text to the host's stdout, without newlib. */
void target_puts(const char *text);

/* The command line QEMU was given (the kernel's path, then -append's
 * text) into buf, NUL-terminated.  0, or -1 (buf empty) when there is none. */
int target_cmdline(char *buf, size_t size);

/* Ends the run: QEMU exits with this status. */
void target_exit(int status) __attribute__((noreturn));

/* The stack pointer now. */
static inline uintptr_t target_sp(void)
{
    uintptr_t sp;

    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Stack high-water mark of one call: *used gets the bytes it used below
 * the caller's stack pointer.  (The painting function's small frame sits
 * in that range: a call that used less than it reads as its size.) */
void target_stack_paint(void);
size_t target_stack_peak(uintptr_t base);
#define TARGET_STACK_OF(used, call)                                                                \
    do {                                                                                           \
        uintptr_t target_base_ = target_sp();                                                      \
        target_stack_paint();                                                                      \
        call;                                                                                      \
        *(used) = target_stack_peak(target_base_);                                                 \
    } while (0)

/* The same for another stack area [lo, hi), growing down from hi. */
void target_region_paint(uint32_t *lo, uint32_t *hi);
size_t target_region_peak(const uint32_t *lo, const uint32_t *hi);

/* Instructions per tick of the 25 MHz timer under -icount shift=0. */
#define TARGET_INSNS_PER_TICK 40u

/* Starts counting from 0; target_icount gives the instructions executed
 * since, to TARGET_INSNS_PER_TICK.  Needs QEMU's -icount shift=0. */
void target_icount_start(void);
uint64_t target_icount(void);

#endif
