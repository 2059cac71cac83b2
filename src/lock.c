/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One run at a time, and a clean start for it.  Every procedure holds the
 * port's lock for its whole run (docs/design.md, "Concurrent runs"); the
 * writing ones then clear what a cut run may have left under qpybak's own
 * names before anything is written.
 */
#include "core.h"
#include "util.h"

int run_lock(struct run *c, int mode)
{
    int err;

    if (c->port->lock == NULL)
        return 0; /* the integrator serialises the runs */
    err = c->port->lock(c->port->ctx, mode);
    return err > 0 ? 0 : err;
}

void run_unlock(struct run *c)
{
    if (c->port->lock != NULL && c->port->unlock != NULL)
        c->port->unlock(c->port->ctx);
}

int clear_unless(struct run *c, const char *path, int want)
{
    struct qpybak_stat st;
    int err = io_stat(c, path, &st);

    if (err_class(err) == ERR_ABSENT)
        return 0;
    if (!err && want != 0 && (int)st.type == want)
        return 0;
    if (!err)
        err = io_remove(c, path);
    if (err && err != QPYBAK_ERR_NOENT) {
        /* A non-empty folder, say: reported with its path; the run goes
         * on, and what needs this name reports its own failure. */
        note_error(c, err, path);
        return 0;
    }
    return err ? 0 : 1;
}

/* A port whose rename cannot replace (FAT) removes the primary before it
 * renames the new one into place (io_replace).  A cut in between leaves
 * the primary missing and its temporary complete: synced before the
 * remove, and a well-formed manifest.  That temporary is the edit the run
 * was recording: it goes into place. */
static void finish_replace(struct run *c, const char *temp, const char *target)
{
    struct qpybak_stat st;
    uint32_t entries;

    if (err_class(io_stat(c, target, &st)) == ERR_ABSENT && io_stat(c, temp, &st) == 0 &&
        st.type == QPYBAK_TYPE_FILE &&
        manifest_check(c, temp, &entries) == QPYBAK_MANIFEST_OK)
        io_rename(c, temp, target);
}

void cleanup_own_paths(struct run *c)
{
    static const char *const own_files[] = {PATH_PRIMARY, PATH_SHADOW, PATH_REPORT,
                                            PATH_JOURNAL};
    /* The installs' temporary names in the folders qpybak itself writes:
     * the shadow's copy and a top-level file's. */
    static const char *const install_temps[] = {QPYBAK_PATH_OWN_DIR "/" QPYBAK_TEMP_SUFFIX,
                                                "/usr/" QPYBAK_TEMP_SUFFIX};
    struct qpybak_result *res = c->result;
    char temp[OWN_NAME_SIZE];
    unsigned i;

    /* A file system may hold a change back until its first write after a
     * power cut: littlefs hides /usr/.qpybak (the journal, the shadow)
     * while a rename cut in /usr is pending, and makes it whole at the
     * start of any change (docs/porting.md, littlefs).  A mkdir of qpybak's
     * own folder is such a change, and writes nothing when the folder is
     * there (EXIST): so nothing below is read from a half-finished state,
     * whatever layer (MicroPython's VFS, Zephyr's fs) the port goes
     * through. */
    io_mkdir(c, PATH_QPYBAK_DIR);
    /* /usr/.qpybak is qpybak's own folder: a file or link there is not. */
    if (clear_unless(c, PATH_QPYBAK_DIR, QPYBAK_TYPE_DIR))
        res->stale_temps++;
    if (own_temp_name(PATH_PRIMARY, temp) == 0)
        finish_replace(c, temp, PATH_PRIMARY); /* before its temporary is cleared */
    for (i = 0; i < sizeof own_files / sizeof own_files[0]; i++) {
        if (own_temp_name(own_files[i], temp) != 0)
            continue;
        res->stale_temps += (uint32_t)clear_unless(c, temp, 0);
        /* Only a regular file can be one of qpybak's files; a folder, link
         * or FIFO there would make every later replacement fail. */
        res->stale_temps += (uint32_t)clear_unless(c, own_files[i], QPYBAK_TYPE_FILE);
    }
    for (i = 0; i < sizeof install_temps / sizeof install_temps[0]; i++)
        res->stale_temps += (uint32_t)clear_unless(c, install_temps[i], 0);
}
