/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * qpybak's results as Python objects: dicts with the names the command's
 * --json output uses (docs/cli.md), so one reader serves both.  Each
 * function may raise MemoryError.
 */
#ifndef QPYBAK_MP_RESULT_H
#define QPYBAK_MP_RESULT_H

#include "py/obj.h"
#include "qpybak.h"

/* "0x%08x", as qpybak writes a checksum; with `hex_form`, what Python's
 * hex() gives ("0x1f"), as QuecPython's file_crc32.calc returns it. */
mp_obj_t qpybak_mp_crc_str(uint32_t crc, bool hex_form);

/* One file event: name, index, state, and what is known of the file. */
mp_obj_t qpybak_mp_event_dict(const struct qpybak_file_event *ev);

/* A run's totals, with `files` (a list of event dicts) under "files". */
mp_obj_t qpybak_mp_result_dict(const struct qpybak_result *res, mp_obj_t files);

/* One staged file of FOTA apply: name, from, installed, reason, crc32,
 * size, error. */
mp_obj_t qpybak_mp_update_dict(const struct qpybak_fota_event *ev);

/* FOTA apply's totals, with `files` (update dicts) under "files". */
mp_obj_t qpybak_mp_fota_dict(const struct qpybak_fota_result *fota, mp_obj_t files);

#endif /* QPYBAK_MP_RESULT_H */
