/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Names for humans: errors, states, reasons.  Kept in one file so that a
 * firmware that never prints can drop it at link time.
 */
#include "qpybak_tools.h"

const char *qpybak_strerror_known(int err)
{
    switch (err) {
    case QPYBAK_ERR_OK: return "success";
    case QPYBAK_ERR_NOENT: return "no such file or directory";
    case QPYBAK_ERR_IO: return "input/output error";
    case QPYBAK_ERR_NOMEM: return "work buffer too small";
    case QPYBAK_ERR_ACCES: return "permission denied";
    case QPYBAK_ERR_BUSY: return "another qpybak run holds the lock";
    case QPYBAK_ERR_EXIST: return "already exists";
    case QPYBAK_ERR_NOTDIR: return "not a directory";
    case QPYBAK_ERR_ISDIR: return "is a directory";
    case QPYBAK_ERR_INVAL: return "invalid argument";
    case QPYBAK_ERR_FBIG: return "file too large";
    case QPYBAK_ERR_NOSPC: return "no space left on device";
    case QPYBAK_ERR_ROFS: return "read-only file system";
    case QPYBAK_ERR_NAMETOOLONG: return "name too long";
    case QPYBAK_ERR_NOTEMPTY: return "directory not empty";
    case QPYBAK_ERR_LOOP: return "symbolic link refused";
    case QPYBAK_ERR_CORRUPT: return "corrupt (not valid JSON of the expected shape)";
    default: return NULL;
    }
}

const char *qpybak_strerror(int err)
{
    const char *text = qpybak_strerror_known(err);

    if (text != NULL)
        return text;
    return err < 0 ? "storage error" : "unknown";
}

const char *qpybak_state_name(enum qpybak_state state)
{
    static const char *const names[QPYBAK_STATE_COUNT] = {
        "ok", "missing", "modified", "restored", "unrecoverable", "invalid",
    };

    return (unsigned)state < QPYBAK_STATE_COUNT ? names[state] : "unknown";
}

const char *qpybak_reason_text(enum qpybak_reason reason)
{
    static const char *const texts[QPYBAK_REASON_COUNT] = {
        "",
        "entry is not an object",
        "name missing or not a string",
        "invalid name",
        "name too long",
        "crc32 missing",
        "crc32 is not a string of 1-8 hex digits",
        "size is not an integer below 2^32",
        "a member is given twice",
        "duplicate name",
        "backup copy missing",
        "backup copy fails its checksum",
        "storage error",
        "not a regular file",
        "name reserved for qpybak",
        "staged copy fails its journal checksum",
        "staged copy missing",
        "unreadable, and its entry records an edit: kept",
        "not a staging folder: holds tracked files",
        "file too large (4 GiB or more)",
        "longer than its entry by leading zero bytes, and the entry records an edit: kept",
    };

    return (unsigned)reason < QPYBAK_REASON_COUNT ? texts[reason] : "unknown";
}

const char *qpybak_mstate_name(enum qpybak_mstate state)
{
    switch (state) {
    case QPYBAK_MANIFEST_OK: return "ok";
    case QPYBAK_MANIFEST_MISSING: return "missing";
    case QPYBAK_MANIFEST_CORRUPT: return "corrupt";
    case QPYBAK_MANIFEST_STALE: return "stale";
    case QPYBAK_MANIFEST_UNREADABLE: return "unreadable";
    default: return "unknown";
    }
}

const char *qpybak_off_text(enum qpybak_off why)
{
    switch (why) {
    case QPYBAK_OFF_NONE: return "enabled";
    case QPYBAK_OFF_DISABLED: return "disabled by the flag";
    case QPYBAK_OFF_MISSING: return "flag file missing";
    case QPYBAK_OFF_MALFORMED: return "flag file malformed";
    case QPYBAK_OFF_TOO_LARGE: return "flag file too large";
    case QPYBAK_OFF_UNREADABLE: return "flag file unreadable";
    default: return "unknown";
    }
}

const char *qpybak_warning_text(unsigned bit)
{
    switch (bit) {
    case QPYBAK_WARN_NAME_FORM: return "name in a form QuecPython resolves: read normalised";
    case QPYBAK_WARN_CRC_SPACES: return "white space around crc32";
    case QPYBAK_WARN_SIZE_STALE: return "size not trusted: the crc32 matches, the size is stale";
    case QPYBAK_WARN_DROPPED: return "missing from the user manifest: checked against the factory value";
    case QPYBAK_WARN_TRAILING_COMMA: return "trailing comma in a manifest";
    case QPYBAK_WARN_FLAG_FORM: return "flag read as QuecPython reads it";
    case QPYBAK_WARN_FLAG_QUECPYTHON: return "QuecPython's own code reads this flag otherwise";
    default: return "";
    }
}
