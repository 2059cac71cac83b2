/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MicroPython module `qpybak`: boot(), status(), calc(path) and
 * fota_apply() over whatever file systems are mounted at /usr and /bak,
 * results as dicts; and `qpybak.file_crc32`, whose calc(path) answers as QuecPython's
 * file_crc32.calc does (ports/micropython/README.md).
 *
 * All procedures share one static work buffer, so the module runs one at a
 * time: a call made while another runs (another thread) raises
 * OSError(EBUSY).  That guard is also the port's lock (docs/porting.md:
 * a RAM flag, which no power cut outlives).
 */
#include <string.h>

#include "extmod/vfs.h"
#include "py/mperrno.h"
#include "py/nlr.h"
#include "py/objstr.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "qpybak.h"
#include "qpybak_mp_result.h"
#include "qpybak_mp_vfs.h"

/* The work buffer: at least QPYBAK_BUFFER_MIN; more makes reads larger and
 * leaves room for the error path (qpybak_error_path). */
#ifndef QPYBAK_MP_BUFFER_SIZE
#define QPYBAK_MP_BUFFER_SIZE 4096
#endif
#if QPYBAK_MP_BUFFER_SIZE < QPYBAK_BUFFER_MIN
#error "QPYBAK_MP_BUFFER_SIZE is smaller than QPYBAK_BUFFER_MIN"
#endif

static uint8_t qpybak_mp_work[QPYBAK_MP_BUFFER_SIZE];
static bool qpybak_mp_busy;

/* One procedure's state; lives on the C stack, where the collector finds the
 * open files and the list of events. */
struct mp_run {
    struct qpybak_mp_vfs vfs;
    struct qpybak_config cfg;
    mp_obj_t files; /* event dicts */
    bool all;       /* every entry, not only those that are not ok */
};

static void on_file(void *ctx, const struct qpybak_file_event *ev)
{
    struct mp_run *run = ctx;
    nlr_buf_t nlr;

    if ((!run->all && ev->state == QPYBAK_STATE_OK) || run->vfs.pending != MP_OBJ_NULL)
        return;
    if (nlr_push(&nlr) == 0) {
        mp_obj_list_append(run->files, qpybak_mp_event_dict(ev));
        nlr_pop();
    } else {
        run->vfs.pending = MP_OBJ_FROM_PTR(nlr.ret_val); /* raised at the end */
    }
}

static void on_update(void *ctx, const struct qpybak_fota_event *ev)
{
    struct mp_run *run = ctx;
    nlr_buf_t nlr;

    if (run->vfs.pending != MP_OBJ_NULL)
        return;
    if (nlr_push(&nlr) == 0) {
        mp_obj_list_append(run->files, qpybak_mp_update_dict(ev));
        nlr_pop();
    } else {
        run->vfs.pending = MP_OBJ_FROM_PTR(nlr.ret_val);
    }
}

static void run_begin(struct mp_run *run, bool all)
{
    if (qpybak_mp_busy)
        mp_raise_OSError(MP_EBUSY);
    run->files = mp_obj_new_list(0, NULL);
    run->all = all;
    qpybak_mp_vfs_init(&run->vfs);
    memset(&run->cfg, 0, sizeof run->cfg);
    run->cfg.port = &run->vfs.port;
    run->cfg.buffer = qpybak_mp_work;
    run->cfg.buffer_size = sizeof qpybak_mp_work;
    run->cfg.on_file = on_file;
    run->cfg.on_update = on_update;
    run->cfg.ctx = run;
    qpybak_mp_busy = true;
}

/* Ends a run: the exception a port call or the callback kept is raised now
 * that the core has closed everything. */
static void run_end(struct mp_run *run)
{
    qpybak_mp_busy = false;
    if (run->vfs.pending != MP_OBJ_NULL)
        nlr_raise(run->vfs.pending);
}

static bool arg_verbose(size_t n_args, const mp_obj_t *pos, mp_map_t *kw)
{
    static const mp_arg_t allowed[] = {
        { MP_QSTR_verbose, MP_ARG_BOOL, { .u_bool = false } },
    };
    mp_arg_val_t val[MP_ARRAY_SIZE(allowed)];

    mp_arg_parse_all(n_args, pos, kw, MP_ARRAY_SIZE(allowed), allowed, val);
    return val[0].u_bool;
}

static mp_obj_t check(size_t n_args, const mp_obj_t *pos, mp_map_t *kw,
                      int (*procedure)(const struct qpybak_config *, struct qpybak_result *))
{
    struct mp_run run;
    struct qpybak_result res;
    mp_obj_t out = mp_const_none;
    nlr_buf_t nlr;
    int err;

    run_begin(&run, arg_verbose(n_args, pos, kw));
    err = procedure(&run.cfg, &res);
    /* Built before the buffer is free again: error_path points into it. */
    if (err == 0 && run.vfs.pending == MP_OBJ_NULL) {
        if (nlr_push(&nlr) == 0) {
            out = qpybak_mp_result_dict(&res, run.files);
            nlr_pop();
        } else {
            run.vfs.pending = MP_OBJ_FROM_PTR(nlr.ret_val);
        }
    }
    run_end(&run);
    if (err < 0)
        mp_raise_OSError(-err); /* a config error or a buffer too small */
    return out;
}

/* qpybak.boot(verbose=False): check and restore; "files" lists the entries
 * that are not ok (every entry with verbose). */
static mp_obj_t qpybak_mp_boot(size_t n_args, const mp_obj_t *pos, mp_map_t *kw)
{
    return check(n_args, pos, kw, qpybak_boot);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(qpybak_mp_boot_obj, 0, qpybak_mp_boot);

/* qpybak.status(verbose=False): the same checks, nothing changed. */
static mp_obj_t qpybak_mp_status(size_t n_args, const mp_obj_t *pos, mp_map_t *kw)
{
    return check(n_args, pos, kw, qpybak_status);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(qpybak_mp_status_obj, 0, qpybak_mp_status);

#ifndef QPYBAK_NO_FOTA
/* qpybak.fota_apply(stage=None, keep_last_good=False): installs the files
 * staged under stage (default /usr/.updater, where QuecPython's app_fota
 * downloads) as one unit; a power cut is finished by the next boot().
 * Returns {"installed", "failed", "pending", "resumed", "skipped",
 * "files": [one dict per staged file], ...}; OSError(ENOENT) when there
 * is no staging folder. */
static mp_obj_t qpybak_mp_fota_apply(size_t n_args, const mp_obj_t *pos, mp_map_t *kw)
{
    static const mp_arg_t allowed[] = {
        { MP_QSTR_stage, MP_ARG_OBJ, { .u_rom_obj = MP_ROM_NONE } },
        { MP_QSTR_keep_last_good, MP_ARG_BOOL, { .u_bool = false } },
    };
    mp_arg_val_t val[MP_ARRAY_SIZE(allowed)];
    struct qpybak_fota_result fota;
    const char *stage;
    struct mp_run run;
    mp_obj_t out = mp_const_none;
    nlr_buf_t nlr;
    int err;

    mp_arg_parse_all(n_args, pos, kw, MP_ARRAY_SIZE(allowed), allowed, val);
    stage = val[0].u_obj == mp_const_none ? NULL : mp_obj_str_get_str(val[0].u_obj);
    run_begin(&run, true);
    run.cfg.keep_last_good = val[1].u_bool;
    err = qpybak_fota_apply(&run.cfg, stage, &fota);
    if (err == 0 && run.vfs.pending == MP_OBJ_NULL) {
        if (nlr_push(&nlr) == 0) {
            out = qpybak_mp_fota_dict(&fota, run.files);
            nlr_pop();
        } else {
            run.vfs.pending = MP_OBJ_FROM_PTR(nlr.ret_val);
        }
    }
    run_end(&run);
    if (err < 0)
        mp_raise_OSError_with_filename(-err, stage ? stage : QPYBAK_STAGE_DEFAULT);
    return out;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(qpybak_mp_fota_apply_obj, 0, qpybak_mp_fota_apply);
#endif

/* Runs qpybak_calc: its return value, the CRC in *crc. */
static int calc_run(const char *path, uint32_t *crc)
{
    struct mp_run run;
    int r;

    run_begin(&run, false);
    r = qpybak_calc(&run.cfg, path, crc);
    run_end(&run);
    return r;
}

/* qpybak.calc(path): records the file's checksum when it is tracked.
 * Returns {"crc32": "0x%08x", "crc": int, "tracked": bool}; OSError with
 * the path when the file is missing or the record cannot be written. */
static mp_obj_t qpybak_mp_calc(mp_obj_t path_in)
{
    const char *path = mp_obj_str_get_str(path_in);
    uint32_t crc = QPYBAK_CRC_SEED;
    int r = calc_run(path, &crc);
    mp_obj_t d;

    if (r < 0)
        mp_raise_OSError_with_filename(-r, path);
    d = mp_obj_new_dict(3);
    mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_crc32), qpybak_mp_crc_str(crc, false));
    mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_crc), mp_obj_new_int_from_uint(crc));
    mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_tracked), mp_obj_new_bool(r == 1));
    return d;
}
static MP_DEFINE_CONST_FUN_OBJ_1(qpybak_mp_calc_obj, qpybak_mp_calc);

/* The CRC of a file qpybak does not track (a path its name check refuses),
 * read through the VFS; nothing is recorded.  Inside a run: the work
 * buffer is the read buffer. */
static int plain_crc(struct mp_run *run, const char *path, uint32_t *crc)
{
    nlr_buf_t nlr;
    int err = 0;

    if (nlr_push(&nlr) == 0) {
        mp_obj_t args[2] = { mp_obj_new_str(path, strlen(path)), MP_OBJ_NEW_QSTR(MP_QSTR_rb) };
        mp_obj_t f;
        mp_uint_t n;
        int errcode = 0;

        f = run->vfs.file[0] = mp_vfs_open(2, args, (mp_map_t *)&mp_const_empty_map);
        while ((n = mp_get_stream(f)->read(f, qpybak_mp_work, sizeof qpybak_mp_work, &errcode)) > 0 &&
               n != MP_STREAM_ERROR)
            *crc = qpybak_crc32(*crc, qpybak_mp_work, n);
        mp_stream_close(f);
        run->vfs.file[0] = MP_OBJ_NULL;
        if (n == MP_STREAM_ERROR)
            mp_raise_OSError(errcode);
        nlr_pop();
    } else {
        err = qpybak_mp_vfs_error(&run->vfs, MP_OBJ_FROM_PTR(nlr.ret_val));
    }
    return err;
}

/* qpybak.file_crc32.calc(path): QuecPython's file_crc32.calc - hex() of the
 * CRC ("0x1a2b3c4d", no padding), None when there is no such file - and,
 * as its application note says, the edit is recorded (qpybak.calc).  An
 * empty file is "0xffffffff" (QuecPython: None).  Other errors raise
 * OSError: a record that could not be written must not pass unseen. */
static mp_obj_t qpybak_mp_file_crc32_calc(mp_obj_t path_in)
{
    const char *path = mp_obj_str_get_str(path_in);
    uint32_t crc = QPYBAK_CRC_SEED;
    int r;

    if (qpybak_name_check(path, strlen(path), 0) == QPYBAK_REASON_NONE) {
        r = calc_run(path, &crc);
    } else {
        struct mp_run run;

        run_begin(&run, false);
        r = plain_crc(&run, path, &crc);
        run_end(&run);
    }
    if (r == QPYBAK_ERR_NOENT || r == QPYBAK_ERR_ISDIR)
        return mp_const_none;
    if (r < 0)
        mp_raise_OSError_with_filename(-r, path);
    return qpybak_mp_crc_str(crc, true);
}
static MP_DEFINE_CONST_FUN_OBJ_1(qpybak_mp_file_crc32_calc_obj, qpybak_mp_file_crc32_calc);

static const mp_rom_map_elem_t file_crc32_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_file_crc32) },
    { MP_ROM_QSTR(MP_QSTR_calc), MP_ROM_PTR(&qpybak_mp_file_crc32_calc_obj) },
};
static MP_DEFINE_CONST_DICT(file_crc32_globals, file_crc32_globals_table);

static const mp_obj_module_t qpybak_mp_file_crc32_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&file_crc32_globals,
};

static MP_DEFINE_STR_OBJ(qpybak_mp_version_obj, QPYBAK_VERSION);

static const mp_rom_map_elem_t qpybak_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_qpybak) },
    { MP_ROM_QSTR(MP_QSTR___version__), MP_ROM_PTR(&qpybak_mp_version_obj) },
    { MP_ROM_QSTR(MP_QSTR_boot), MP_ROM_PTR(&qpybak_mp_boot_obj) },
    { MP_ROM_QSTR(MP_QSTR_status), MP_ROM_PTR(&qpybak_mp_status_obj) },
    { MP_ROM_QSTR(MP_QSTR_calc), MP_ROM_PTR(&qpybak_mp_calc_obj) },
    { MP_ROM_QSTR(MP_QSTR_file_crc32), MP_ROM_PTR(&qpybak_mp_file_crc32_module) },
#ifndef QPYBAK_NO_FOTA
    { MP_ROM_QSTR(MP_QSTR_fota_apply), MP_ROM_PTR(&qpybak_mp_fota_apply_obj) },
#endif
    { MP_ROM_QSTR(MP_QSTR_BUFFER_SIZE), MP_ROM_INT(QPYBAK_MP_BUFFER_SIZE) },
};
static MP_DEFINE_CONST_DICT(qpybak_globals, qpybak_globals_table);

const mp_obj_module_t qpybak_mp_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&qpybak_globals,
};

MP_REGISTER_MODULE(MP_QSTR_qpybak, qpybak_mp_module);
