/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON report (docs/cli.md): boot's /usr/.qpybak/boot.json and the
 * command's --json output are this one document.  Written as events arrive,
 * so it needs no memory for the entries.
 */
#include "json_out.h"
#include "util.h"

#ifndef QPYBAK_NO_REPORT /* the whole file (include/qpybak.h, "build options") */

static struct jout jout_of(struct qpybak_report *rep)
{
    struct jout o;

    o.write = rep->write;
    o.ctx = rep->write_ctx;
    o.err = &rep->error;
    return o;
}

int qpybak_report_begin(struct qpybak_report *rep, qpybak_write_fn write, void *write_ctx)
{
    struct jout o;

    rep->write = write;
    rep->write_ctx = write_ctx;
    rep->files = 0;
    rep->error = 0;
    o = jout_of(rep);
    jout_text(&o, "{\"files\": [");
    return rep->error;
}

static void member_crc(const struct jout *o, const char *key, bool has, uint32_t crc)
{
    jout_text(o, key);
    if (has)
        jout_crc(o, crc);
    else
        jout_text(o, "null");
}

/* The texts of the QPYBAK_WARN_* bits set in bits, as JSON strings; n
 * strings were written before them in the same array. */
static int warning_list(const struct jout *o, unsigned bits, int n)
{
    unsigned bit;

    for (bit = 1; bit <= QPYBAK_WARN_LAST; bit <<= 1) {
        if (bits & bit) {
            jout_text(o, n++ ? ", " : "");
            jout_string(o, qpybak_warning_text(bit), str_len(qpybak_warning_text(bit)));
        }
    }
    return n;
}

int qpybak_report_file(struct qpybak_report *rep, const struct qpybak_file_event *ev)
{
    struct jout o = jout_of(rep);
    bool valid = ev->state != QPYBAK_STATE_INVALID;

    jout_text(&o, rep->files ? ",\n  {\"index\": " : "\n  {\"index\": ");
    jout_u64(&o, ev->index);
    jout_text(&o, ", \"name\": ");
    if (ev->name)
        jout_string(&o, ev->name, str_len(ev->name));
    else
        jout_text(&o, "null");
    jout_text(&o, ", \"state\": \"");
    jout_text(&o, qpybak_state_name(ev->state));
    jout_text(&o, "\"");
    if (ev->state == QPYBAK_STATE_RESTORED || ev->state == QPYBAK_STATE_UNRECOVERABLE) {
        jout_text(&o, ", \"found\": \"");
        jout_text(&o, qpybak_state_name(ev->found));
        jout_text(&o, "\"");
    }
    if (ev->reason != QPYBAK_REASON_NONE) {
        jout_text(&o, ", \"reason\": ");
        jout_string(&o, qpybak_reason_text(ev->reason), str_len(qpybak_reason_text(ev->reason)));
    }
    member_crc(&o, ", \"expected\": ", valid, ev->expected_crc);
    member_crc(&o, ", \"actual\": ", ev->has_actual && !ev->actual_crc_unknown, ev->actual_crc);
    if (valid && ev->has_expected_size) {
        jout_text(&o, ", \"size\": ");
        jout_u64(&o, ev->expected_size);
    }
    if (valid) {
        jout_text(&o, ", \"actual_size\": ");
        if (ev->has_actual)
            jout_u64(&o, ev->actual_size);
        else
            jout_text(&o, "null");
    }
    if (ev->state == QPYBAK_STATE_RESTORED) {
        member_crc(&o, ", \"restored\": ", true, ev->restored_crc);
        jout_text(&o, ev->downgraded ? ", \"downgraded\": true" : ", \"downgraded\": false");
        jout_text(&o, ev->from_last_good ? ", \"source\": \"last-good\"" : ", \"source\": \"backup\"");
    }
    if (ev->error) {
        jout_text(&o, ", \"error\": ");
        jout_string(&o, qpybak_strerror(ev->error), str_len(qpybak_strerror(ev->error)));
    }
    if (ev->error && ev->error_path) {
        jout_text(&o, ", \"error_path\": ");
        jout_string(&o, ev->error_path, str_len(ev->error_path));
    }
    if (ev->warnings) {
        jout_text(&o, ", \"warnings\": [");
        warning_list(&o, ev->warnings, 0);
        jout_text(&o, "]");
    }
    jout_text(&o, "}");
    rep->files++;
    return rep->error;
}

static const char *source_name(enum qpybak_source s)
{
    switch (s) {
    case QPYBAK_SOURCE_PRIMARY: return "primary";
    case QPYBAK_SOURCE_SHADOW: return "shadow";
    case QPYBAK_SOURCE_BACKUP: return "backup";
    default: return "none";
    }
}

static void member_text(const struct jout *o, const char *key, const char *value)
{
    jout_text(o, key);
    jout_string(o, value, str_len(value));
}

/* The warnings a reader must not miss, derived from the totals. */
static void warnings(const struct jout *o, const struct qpybak_result *res)
{
    int n = 0;

    jout_text(o, ", \"warnings\": [");
    if (res->enabled && res->source == QPYBAK_SOURCE_BACKUP &&
        (res->primary != QPYBAK_MANIFEST_MISSING || res->shadow != QPYBAK_MANIFEST_MISSING)) {
        jout_text(o, n++ ? ", " : "");
        jout_text(o, "\"user manifests corrupt (primary ");
        jout_text(o, qpybak_mstate_name(res->primary));
        jout_text(o, ", shadow ");
        jout_text(o, qpybak_mstate_name(res->shadow));
        jout_text(o, "): factory checksums installed, edits recorded by calc are lost\"");
    }
    if (res->enabled && res->backup != QPYBAK_MANIFEST_OK) {
        jout_text(o, n++ ? ", " : "");
        jout_text(o, "\"backup manifest ");
        jout_text(o, qpybak_mstate_name(res->backup));
        jout_text(o, ": a file is restored only when its backup copy matches the user manifest\"");
    }
    if (res->enabled && res->source == QPYBAK_SOURCE_NONE) {
        jout_text(o, n++ ? ", " : "");
        jout_text(o, "\"no usable manifest: nothing was checked\"");
    }
    /* The document-level ones; each entry carries its own. */
    warning_list(o, res->warnings & QPYBAK_WARN_DOCUMENT, n);
    jout_text(o, "]");
    if (res->dropped) {
        jout_text(o, ", \"dropped\": ");
        jout_u64(o, res->dropped);
    }
}

int qpybak_report_end(struct qpybak_report *rep, const struct qpybak_result *res,
                      const char *command)
{
    struct jout o = jout_of(rep);
    int i;

    jout_text(&o, rep->files ? "\n ],\n \"format\": " : "],\n \"format\": ");
    jout_u64(&o, QPYBAK_REPORT_FORMAT);
    member_text(&o, ", \"command\": ", command);
    jout_text(&o, res->enabled ? ", \"enabled\": true" : ", \"enabled\": false");
    if (res->enabled)
        jout_text(&o, ", \"off_reason\": null");
    else
        member_text(&o, ", \"off_reason\": ", qpybak_off_text(res->off));
    if (res->enabled) {
        member_text(&o, ",\n \"manifest\": {\"source\": ", source_name(res->source));
        member_text(&o, ", \"primary\": ", qpybak_mstate_name(res->primary));
        member_text(&o, ", \"shadow\": ", qpybak_mstate_name(res->shadow));
        member_text(&o, ", \"backup\": ", qpybak_mstate_name(res->backup));
        jout_text(&o, "}");
    }
    jout_text(&o, ",\n \"counts\": {");
    for (i = 0; i < QPYBAK_STATE_COUNT; i++) {
        jout_text(&o, i ? ", \"" : "\"");
        jout_text(&o, qpybak_state_name((enum qpybak_state)i));
        jout_text(&o, "\": ");
        jout_u64(&o, res->counts[i]);
    }
    jout_text(&o, "},\n \"repaired\": [");
    jout_text(&o, (res->repaired & QPYBAK_REPAIRED_PRIMARY) ? "\"primary\"" : "");
    jout_text(&o, (res->repaired & QPYBAK_REPAIRED_PRIMARY) && (res->repaired & QPYBAK_REPAIRED_SHADOW)
                      ? ", "
                      : "");
    jout_text(&o, (res->repaired & QPYBAK_REPAIRED_SHADOW) ? "\"shadow\"" : "");
    jout_text(&o, "]");
    warnings(&o, res);
    if (res->fota.journal) {
        jout_text(&o, ",\n \"fota\": {\"installed\": ");
        jout_u64(&o, res->fota.installed);
        jout_text(&o, ", \"failed\": ");
        jout_u64(&o, res->fota.failed);
        jout_text(&o, res->fota.pending ? ", \"pending\": true}" : ", \"pending\": false}");
    }
    jout_text(&o, ", \"stale_temps\": ");
    jout_u64(&o, res->stale_temps);
    jout_text(&o, res->manifest_written ? ", \"manifest_written\": true" : ", \"manifest_written\": false");
    jout_text(&o, res->report_written ? ", \"report_written\": true" : ", \"report_written\": false");
    if (res->error) {
        jout_text(&o, ", \"error\": ");
        jout_string(&o, qpybak_strerror(res->error), str_len(qpybak_strerror(res->error)));
    }
    jout_text(&o, "}\n");
    return rep->error;
}

#else
typedef int qpybak__report_left_out; /* C99 wants a declaration in every file */
#endif /* QPYBAK_NO_REPORT */
