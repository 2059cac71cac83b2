/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A port that runs another port on a stack of its own, so that a stack
 * measurement tells the core's stack from the port's: every port call
 * switches to the port stack (call_on.S), and a list callback - the core's
 * code - switches back to the main stack below the core's list call.  The
 * main stack then holds the core's frames, its callbacks' and a few small
 * frames of this relay (counted against the core: the measure errs high);
 * the port stack holds the port's.
 */
#ifndef SPLIT_PORT_H
#define SPLIT_PORT_H

#include <stddef.h>

#include "qpybak.h"

/* The relay to inner (one at a time: the relay's state is static). */
const struct qpybak_port *split_port(const struct qpybak_port *inner);

/* Paints the port stack; split_port_peak then gives its high-water mark. */
void split_port_paint(void);
size_t split_port_peak(void);

#endif
