/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A program built against an installed (or fetched) qpybak, as a user
 * would build one: `consumer USR_DIR BAK_DIR` runs qpybak_status() through
 * the POSIX port and prints one line; `consumer --crc FILE` prints the
 * QuecPython CRC of a file, as `qpybak crc` does.  Exit status: 0 intact,
 * 1 anything else, 2 an error.
 */
#include <stdio.h>
#include <string.h>

#include "qpybak.h"
#include "qpybak_posix.h"

#if !defined(QPYBAK_VERSION_MAJOR) || !defined(QPYBAK_VERSION_MINOR) || \
    !defined(QPYBAK_VERSION_PATCH)
#error "qpybak.h has no numeric version"
#endif
#if QPYBAK_VERSION_MAJOR < 0 || QPYBAK_VERSION_MINOR < 0 || QPYBAK_VERSION_PATCH < 0
#error "the numeric version is not a number"
#endif

static unsigned char work[4 * QPYBAK_BUFFER_MIN];

static int crc_of(const char *path)
{
    unsigned char buf[4096];
    char text[QPYBAK_CRC_STR_SIZE];
    uint32_t crc = QPYBAK_CRC_SEED;
    size_t n;
    FILE *f = fopen(path, "rb");

    if (f == NULL) {
        perror(path);
        return 2;
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crc = qpybak_crc32(crc, buf, n);
    fclose(f);
    printf("%s  %s\n", qpybak_crc_format(crc, text), path);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct qpybak_config zero;
    struct qpybak_posix posix;
    struct qpybak_config cfg;
    struct qpybak_result res;
    unsigned long damaged;
    int err;

    if (argc == 3 && strcmp(argv[1], "--crc") == 0)
        return crc_of(argv[2]);
    if (argc != 3) {
        fprintf(stderr, "usage: consumer USR_DIR BAK_DIR | consumer --crc FILE\n");
        return 2;
    }
    err = qpybak_posix_open(&posix, argv[1], argv[2]);
    if (err != 0) {
        fprintf(stderr, "consumer: %s: %s\n", posix.failed_root ? posix.failed_root : "?",
                qpybak_strerror(err));
        return 2;
    }
    cfg = zero;
    cfg.port = &posix.port;
    cfg.buffer = work;
    cfg.buffer_size = sizeof work;
    err = qpybak_status(&cfg, &res);
    qpybak_posix_close(&posix);
    if (err < 0) {
        fprintf(stderr, "consumer: status: %s\n", qpybak_strerror(err));
        return 2;
    }
    damaged = (unsigned long)res.counts[QPYBAK_STATE_MISSING] +
              res.counts[QPYBAK_STATE_MODIFIED] + res.counts[QPYBAK_STATE_INVALID];
    printf("consumer: qpybak %s (%d.%d.%d): enabled %d, %lu ok, %lu damaged\n", QPYBAK_VERSION,
           QPYBAK_VERSION_MAJOR, QPYBAK_VERSION_MINOR, QPYBAK_VERSION_PATCH, (int)res.enabled,
           (unsigned long)res.counts[QPYBAK_STATE_OK], damaged);
    return damaged == 0 && res.error == 0 ? 0 : 1;
}
