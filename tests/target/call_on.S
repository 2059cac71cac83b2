/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * int target_call_on(uintptr_t sp, int (*fn)(void *), void *arg)
 *
 * Calls fn(arg) with the stack pointer set to sp (8-byte aligned, the top
 * of a free stack area) and returns its result on the caller's stack: the
 * stack measurement runs the port on a stack of its own (split_port.c).
 */
    .syntax unified
    .thumb
    .text
    .global target_call_on
    .type target_call_on, %function
    .thumb_func
target_call_on:
    push {r4, lr}
    mov r4, sp
    mov sp, r0
    mov r0, r2
    blx r1
    mov sp, r4
    pop {r4, pc}
    .size target_call_on, . - target_call_on
