/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * qpybak - the command (docs/cli.md).  This file parses the command line
 * and hands it to one of the commands; they do the work.
 */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define OPT_USR 0x01u
#define OPT_BAK 0x02u
#define OPT_JSON 0x04u
#define OPT_VERBOSE 0x08u
#define OPT_DISABLED 0x10u
#define OPT_KEEP_GOOD 0x20u
#define OPT_QUIET 0x40u
#define OPT_FORMAT 0x80u

struct option {
    const char *name;
    unsigned bit;
    bool takes_value;
};

static const struct option options[] = {
    {"--usr", OPT_USR, true},     {"--bak", OPT_BAK, true},       {"--json", OPT_JSON, false},
    {"-v", OPT_VERBOSE, false},   {"--verbose", OPT_VERBOSE, false},
    {"--disabled", OPT_DISABLED, false}, {"--keep-last-good", OPT_KEEP_GOOD, false},
    {"--quiet", OPT_QUIET, false}, {"-q", OPT_QUIET, false},
    {"--format", OPT_FORMAT, true},
};

struct command {
    const char *name;
    int (*run)(const struct opts *o);
    unsigned allowed, required;
    int min_args, max_args; /* max_args < 0: no limit */
    const char *arg_name;
};

#define ROOTS (OPT_USR | OPT_BAK)

static const struct command commands[] = {
    {"pack", cmd_pack, ROOTS | OPT_DISABLED | OPT_FORMAT | OPT_JSON | OPT_QUIET, OPT_BAK, 1, 1,
     "APP_DIR"},
    {"boot", cmd_boot, ROOTS | OPT_JSON | OPT_VERBOSE | OPT_QUIET, ROOTS, 0, 0, NULL},
    {"status", cmd_status, ROOTS | OPT_JSON | OPT_VERBOSE | OPT_QUIET, ROOTS, 0, 0, NULL},
    {"calc", cmd_calc, ROOTS, OPT_USR, 1, -1, "PATH"},
    {"crc", cmd_crc, 0, 0, 1, -1, "FILE"},
};

static const struct command fota_apply = {
    "fota apply", cmd_fota_apply, ROOTS | OPT_KEEP_GOOD | OPT_QUIET, ROOTS, 0, 1, "STAGE_DIR",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char usage_text[] =
    "usage: qpybak pack APP_DIR --bak BAK_DIR [--usr USR_DIR] [--disabled] "
    "[--format qpybak|quecpython] [--json] [--quiet]\n"
    "       qpybak boot   --usr USR_DIR --bak BAK_DIR [--json] [-v] [--quiet]\n"
    "       qpybak status --usr USR_DIR --bak BAK_DIR [--json] [-v] [--quiet]\n"
    "       qpybak calc   --usr USR_DIR [--bak BAK_DIR] PATH...\n"
    "       qpybak crc    FILE...\n"
    "       qpybak fota apply --usr USR_DIR --bak BAK_DIR [--keep-last-good] [--quiet] [STAGE_DIR]\n"
    "       qpybak --help | --version\n"
    "\n"
    "  pack        build the backup partition BAK_DIR from the files of APP_DIR,\n"
    "              and with --usr the factory user partition\n"
    "  boot        check the tracked files of USR_DIR, restore missing or damaged\n"
    "              ones from BAK_DIR\n"
    "  status      the same checks as boot, changing nothing\n"
    "  calc        record the checksum of edited tracked files (PATH: /usr/...)\n"
    "  crc         print the QuecPython CRC-32 of host files\n"
    "  fota apply  install the files staged in STAGE_DIR (default USR_DIR/.updater,\n"
    "              laid out like USR_DIR) as one unit that survives power cuts\n"
    "\n"
    "  --json      print one JSON object (boot, status, pack)\n"
    "  -v          list every entry, not only the damaged ones (boot, status)\n"
    "  --disabled  pack with the feature off ({\"enable\": 0})\n"
    "  --format    pack: the manifests' form, qpybak (the default) or quecpython\n"
    "              (QuecPython's own: one line, no size; at most 16,384 bytes)\n"
    "  --quiet     no progress display (pack: no summary line either)\n"
    "  --keep-last-good  fota apply: keep each installed file under\n"
    "              USR_DIR/.qpybak/good/, so that boot restores a damaged updated\n"
    "              file to its update, not to the factory version\n"
    "\n"
    "Exit status: 0 intact now (or the feature is off), 1 damage remains,\n"
    "2 usage or environment error.\n";

/* The work buffer, aligned for anything the core carves out of it. */
static union {
    long double ld;
    uint64_t u;
    void *p;
    unsigned char bytes[2u << 20];
} work;

void *cli_work(size_t *size)
{
    *size = sizeof(work.bytes);
    return work.bytes;
}

static int usage_error(const char *name, const char *why)
{
    char line[96];

    snprintf(line, sizeof(line), "%s (try 'qpybak --help')", why);
    return cli_error(NULL, name, line);
}

/* Parses argv[first..] for cmd into *o.  Returns -1 to go on, else an exit
 * status (help printed, or an error). */
static int parse(const struct command *cmd, int argc, char **argv, int first, struct opts *o)
{
    bool dashdash = false;
    unsigned seen = 0;
    int i;

    o->args = xmalloc(sizeof(char *) * (size_t)argc);
    for (i = first; i < argc; i++) {
        char *a = argv[i], name[20];
        const struct option *opt = NULL;
        const char *eq, *value;
        size_t k, len;

        if (!dashdash && strcmp(a, "--") == 0) {
            dashdash = true;
            continue;
        }
        if (dashdash || a[0] != '-' || a[1] == '\0') {
            o->args[o->nargs++] = a; /* "-" alone is a name too */
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            return EXIT_INTACT;
        }
        eq = strchr(a, '=');
        len = eq ? (size_t)(eq - a) : strlen(a);
        for (k = 0; k < COUNT(options); k++)
            if (strlen(options[k].name) == len && memcmp(options[k].name, a, len) == 0)
                opt = &options[k];
        if (opt == NULL)
            return usage_error(a, "unknown option");
        snprintf(name, sizeof(name), "%s", opt->name);
        if (!(cmd->allowed & opt->bit)) {
            char why[48];

            snprintf(why, sizeof(why), "not an option of '%s'", cmd->name);
            return usage_error(name, why);
        }
        if (seen & opt->bit)
            return usage_error(name, "given twice");
        seen |= opt->bit;
        if (!opt->takes_value) {
            if (eq)
                return usage_error(name, "takes no value");
            o->json |= opt->bit == OPT_JSON;
            o->verbose |= opt->bit == OPT_VERBOSE;
            o->disabled |= opt->bit == OPT_DISABLED;
            o->keep_last_good |= opt->bit == OPT_KEEP_GOOD;
            o->quiet |= opt->bit == OPT_QUIET;
            continue;
        }
        value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (value == NULL || value[0] == '\0')
            return usage_error(name, opt->bit == OPT_FORMAT ? "missing qpybak or quecpython"
                                                            : "missing directory");
        if (opt->bit == OPT_FORMAT) {
            if (strcmp(value, "qpybak") == 0)
                o->form = QPYBAK_FORM_QPYBAK;
            else if (strcmp(value, "quecpython") == 0)
                o->form = QPYBAK_FORM_QUECPYTHON;
            else
                return cli_error("--format ", value,
                                 "unknown format: qpybak or quecpython (try 'qpybak --help')");
        } else if (opt->bit == OPT_USR)
            o->usr = value;
        else
            o->bak = value;
    }

    if (o->nargs < cmd->min_args) {
        char why[32];

        snprintf(why, sizeof(why), "missing %s", cmd->arg_name);
        return usage_error(cmd->name, why);
    }
    if (cmd->max_args >= 0 && o->nargs > cmd->max_args)
        return usage_error(o->args[cmd->max_args], "unexpected argument");
    if ((cmd->required & OPT_USR) && !(seen & OPT_USR))
        return usage_error(cmd->name, "--usr USR_DIR is required");
    if ((cmd->required & OPT_BAK) && !(seen & OPT_BAK))
        return usage_error(cmd->name, "--bak BAK_DIR is required");
    return -1;
}

int main(int argc, char **argv)
{
    struct opts o;
    size_t k;
    int status;

    /* A reader that goes away (qpybak boot | head) must not kill a boot
     * half-way: the write fails with EPIPE instead, and the command ends
     * cleanly (see out_live()). */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2)
        return usage_error(NULL, "missing command");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return cli_finish(EXIT_INTACT);
    }
    if (strcmp(argv[1], "--version") == 0) {
        puts("qpybak " QPYBAK_VERSION);
        return cli_finish(EXIT_INTACT);
    }
    if (strcmp(argv[1], "fota") == 0) {
        if (argc >= 3 && strcmp(argv[2], "apply") == 0) {
            memset(&o, 0, sizeof(o));
            o.command = fota_apply.name;
            status = parse(&fota_apply, argc, argv, 3, &o);
            if (status < 0)
                status = fota_apply.run(&o);
            free(o.args);
            return cli_finish(status);
        }
        return usage_error("fota", "unknown subcommand, only 'fota apply'");
    }
    for (k = 0; k < COUNT(commands); k++) {
        if (strcmp(argv[1], commands[k].name) != 0)
            continue;
        memset(&o, 0, sizeof(o));
        o.command = commands[k].name;
        status = parse(&commands[k], argc, argv, 2, &o);
        if (status < 0)
            status = commands[k].run(&o);
        free(o.args);
        return cli_finish(status);
    }
    return usage_error(argv[1], "unknown command");
}
