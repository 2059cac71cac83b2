/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage port over MicroPython's VFS: every operation is a call of the
 * VFS functions behind the os module (open, stat, rename, remove, rmdir,
 * mkdir, ilistdir) and the stream protocol of the file objects they return,
 * so the port works on whatever file system is mounted at /usr and /bak
 * (VfsLfs2, VfsFat).  Device paths are VFS paths unchanged.
 *
 * No MicroPython exception leaves a port call: an OSError becomes its
 * negative errno, anything else (MemoryError, KeyboardInterrupt) becomes
 * QPYBAK_ERR_IO and is kept in `pending`, for the module to raise once the
 * procedure has returned and closed what it opened.
 *
 * The structure holds the open file objects; keep it where the garbage
 * collector looks (the C stack of the function running the procedure).
 */
#ifndef QPYBAK_MP_VFS_H
#define QPYBAK_MP_VFS_H

#include "py/obj.h"
#include "qpybak.h"

/* The core opens at most five files at once; a few more slots cost little. */
#define QPYBAK_MP_MAX_OPEN 8

struct qpybak_mp_vfs {
    struct qpybak_port port;
    mp_obj_t file[QPYBAK_MP_MAX_OPEN]; /* MP_OBJ_NULL: the slot is free */
    mp_obj_t pending;                  /* the first non-OSError exception */
};

/* Fills in the port table; no lock (the module runs one procedure at a
 * time, see modqpybak.c). */
void qpybak_mp_vfs_init(struct qpybak_mp_vfs *vfs);

/* A port error for an exception caught around a VFS call (an OSError: its
 * negative errno; anything else is kept in vfs->pending). */
int qpybak_mp_vfs_error(struct qpybak_mp_vfs *vfs, mp_obj_t exc);

#endif /* QPYBAK_MP_VFS_H */
