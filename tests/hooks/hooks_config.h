/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/* An integrator's hook configuration (QPYBAK_CONFIG="hooks_config.h"). */
#include <stdio.h>

extern unsigned long hooks_traced, hooks_failed;

#define QPYBAK_TRACE(...) (hooks_traced++, fprintf(stderr, __VA_ARGS__), fputc('\n', stderr))
#define QPYBAK_ASSERT(cond) ((cond) ? (void)0 : (void)hooks_failed++)
