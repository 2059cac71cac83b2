/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Results and events as dicts (qpybak_mp_result.h).  The keys and values
 * are those of the command's --json output and of boot.json (docs/cli.md,
 * "JSON output"); `command`, `format` and `warnings` are left out.
 */
#include <string.h>

#include "py/runtime.h"
#include "qpybak_mp_result.h"

static mp_obj_t str_of(const char *s)
{
    return mp_obj_new_str(s, strlen(s));
}

static void put(mp_obj_t dict, qstr key, mp_obj_t value)
{
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(key), value);
}

mp_obj_t qpybak_mp_crc_str(uint32_t crc, bool hex_form)
{
    char text[QPYBAK_CRC_STR_SIZE];
    size_t skip = 0;

    qpybak_crc_format(crc, text);
    if (hex_form)
        while (skip < 7 && text[2 + skip] == '0')
            skip++; /* hex(0x1f) is "0x1f": no padding, one digit at least */
    if (skip)
        memmove(text + 2, text + 2 + skip, sizeof text - 2 - skip);
    return str_of(text);
}

static mp_obj_t crc_or_none(bool known, uint32_t crc)
{
    return known ? qpybak_mp_crc_str(crc, false) : mp_const_none;
}

mp_obj_t qpybak_mp_event_dict(const struct qpybak_file_event *ev)
{
    bool valid = ev->state != QPYBAK_STATE_INVALID;
    mp_obj_t d = mp_obj_new_dict(0);

    put(d, MP_QSTR_index, mp_obj_new_int_from_uint(ev->index));
    put(d, MP_QSTR_name, ev->name ? str_of(ev->name) : mp_const_none);
    put(d, MP_QSTR_state, str_of(qpybak_state_name(ev->state)));
    if (ev->state == QPYBAK_STATE_RESTORED || ev->state == QPYBAK_STATE_UNRECOVERABLE)
        put(d, MP_QSTR_found, str_of(qpybak_state_name(ev->found)));
    if (ev->reason != QPYBAK_REASON_NONE)
        put(d, MP_QSTR_reason, str_of(qpybak_reason_text(ev->reason)));
    put(d, MP_QSTR_expected, crc_or_none(valid, ev->expected_crc));
    put(d, MP_QSTR_actual, crc_or_none(ev->has_actual && !ev->actual_crc_unknown, ev->actual_crc));
    if (valid && ev->has_expected_size)
        put(d, MP_QSTR_size, mp_obj_new_int_from_uint(ev->expected_size));
    if (valid)
        put(d, MP_QSTR_actual_size, ev->has_actual ? mp_obj_new_int_from_uint((mp_uint_t)ev->actual_size)
                                                   : mp_const_none);
    if (ev->state == QPYBAK_STATE_RESTORED) {
        put(d, MP_QSTR_restored, qpybak_mp_crc_str(ev->restored_crc, false));
        put(d, MP_QSTR_downgraded, mp_obj_new_bool(ev->downgraded));
        put(d, MP_QSTR_source, str_of(ev->from_last_good ? "last-good" : "backup"));
    }
    if (ev->error) {
        put(d, MP_QSTR_error, mp_obj_new_int(ev->error));
        put(d, MP_QSTR_error_path, ev->error_path ? str_of(ev->error_path) : mp_const_none);
    }
    return d;
}

static const char *source_name(enum qpybak_source source)
{
    switch (source) {
    case QPYBAK_SOURCE_PRIMARY: return "primary";
    case QPYBAK_SOURCE_SHADOW: return "shadow";
    case QPYBAK_SOURCE_BACKUP: return "backup";
    default: return "none";
    }
}

static mp_obj_t manifest_dict(const struct qpybak_result *res)
{
    mp_obj_t d = mp_obj_new_dict(4);

    put(d, MP_QSTR_source, str_of(source_name(res->source)));
    put(d, MP_QSTR_primary, str_of(qpybak_mstate_name(res->primary)));
    put(d, MP_QSTR_shadow, str_of(qpybak_mstate_name(res->shadow)));
    put(d, MP_QSTR_backup, str_of(qpybak_mstate_name(res->backup)));
    return d;
}

static mp_obj_t counts_dict(const struct qpybak_result *res)
{
    mp_obj_t d = mp_obj_new_dict(QPYBAK_STATE_COUNT);
    int i;

    for (i = 0; i < QPYBAK_STATE_COUNT; i++)
        mp_obj_dict_store(d, str_of(qpybak_state_name((enum qpybak_state)i)),
                          mp_obj_new_int_from_uint(res->counts[i]));
    return d;
}

static mp_obj_t repaired_list(const struct qpybak_result *res)
{
    mp_obj_t l = mp_obj_new_list(0, NULL);

    if (res->repaired & QPYBAK_REPAIRED_PRIMARY)
        mp_obj_list_append(l, MP_OBJ_NEW_QSTR(MP_QSTR_primary));
    if (res->repaired & QPYBAK_REPAIRED_SHADOW)
        mp_obj_list_append(l, MP_OBJ_NEW_QSTR(MP_QSTR_shadow));
    return l;
}

static mp_obj_t fota_dict(const struct qpybak_fota_result *fota)
{
    mp_obj_t d = mp_obj_new_dict(3);

    put(d, MP_QSTR_installed, mp_obj_new_int_from_uint(fota->installed));
    put(d, MP_QSTR_failed, mp_obj_new_int_from_uint(fota->failed));
    put(d, MP_QSTR_pending, mp_obj_new_bool(fota->pending));
    return d;
}

mp_obj_t qpybak_mp_result_dict(const struct qpybak_result *res, mp_obj_t files)
{
    mp_obj_t d = mp_obj_new_dict(0);

    put(d, MP_QSTR_enabled, mp_obj_new_bool(res->enabled));
    put(d, MP_QSTR_off_reason, res->enabled ? mp_const_none : str_of(qpybak_off_text(res->off)));
    if (res->enabled)
        put(d, MP_QSTR_manifest, manifest_dict(res));
    put(d, MP_QSTR_counts, counts_dict(res));
    put(d, MP_QSTR_repaired, repaired_list(res));
    if (res->fota.journal)
        put(d, MP_QSTR_fota, fota_dict(&res->fota));
    put(d, MP_QSTR_stale_temps, mp_obj_new_int_from_uint(res->stale_temps));
    put(d, MP_QSTR_manifest_written, mp_obj_new_bool(res->manifest_written));
    put(d, MP_QSTR_report_written, mp_obj_new_bool(res->report_written));
    if (res->error) {
        put(d, MP_QSTR_error, mp_obj_new_int(res->error));
        put(d, MP_QSTR_error_path, res->error_path ? str_of(res->error_path) : mp_const_none);
    }
    put(d, MP_QSTR_files, files);
    return d;
}

mp_obj_t qpybak_mp_update_dict(const struct qpybak_fota_event *ev)
{
    mp_obj_t d = mp_obj_new_dict(0);

    put(d, MP_QSTR_name, ev->name ? str_of(ev->name) : mp_const_none);
    put(d, MP_QSTR_from, ev->from ? str_of(ev->from) : mp_const_none);
    put(d, MP_QSTR_installed, mp_obj_new_bool(ev->installed));
    if (ev->reason != QPYBAK_REASON_NONE)
        put(d, MP_QSTR_reason, str_of(qpybak_reason_text(ev->reason)));
    put(d, MP_QSTR_crc32, qpybak_mp_crc_str(ev->crc, false));
    put(d, MP_QSTR_size, mp_obj_new_int_from_uint(ev->size));
    if (ev->error) {
        put(d, MP_QSTR_error, mp_obj_new_int(ev->error));
        put(d, MP_QSTR_error_path, ev->error_path ? str_of(ev->error_path) : mp_const_none);
    }
    return d;
}

mp_obj_t qpybak_mp_fota_dict(const struct qpybak_fota_result *fota, mp_obj_t files)
{
    mp_obj_t d = fota_dict(fota);

    put(d, MP_QSTR_resumed, mp_obj_new_bool(fota->resumed));
    put(d, MP_QSTR_skipped, mp_obj_new_int_from_uint(fota->skipped));
    if (fota->refused != QPYBAK_REASON_NONE)
        put(d, MP_QSTR_refused, str_of(qpybak_reason_text(fota->refused)));
    if (fota->error) {
        put(d, MP_QSTR_error, mp_obj_new_int(fota->error));
        put(d, MP_QSTR_error_path, fota->error_path ? str_of(fota->error_path) : mp_const_none);
    }
    put(d, MP_QSTR_files, files);
    return d;
}
