/*
 * `qpybak calc` (record the checksum of an edited tracked file, SPEC
 * section 4) and `qpybak crc` (the same checksum for any host file).  Both
 * print "0x%08x  PATH", as QuecPython's file_crc32.calc returns it.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void print_line(uint32_t crc, const char *path)
{
    char s[QPYBAK_CRC_STR_SIZE];

    printf("%s  ", qpybak_crc_format(crc, s));
    put_name(stdout, path);
    putchar('\n');
}

int cmd_calc(const struct opts *o)
{
    struct qpybak_posix px;
    struct qpybak_config cfg;
    int i, status;

    /* Every path is checked before anything is recorded: a usage error
     * must not leave half the edits recorded. */
    for (i = 0; i < o->nargs; i++) {
        const char *path = o->args[i];
        enum qpybak_reason why = qpybak_name_check(path, strlen(path), 0);
        char text[80];

        if (why != QPYBAK_REASON_NONE) {
            snprintf(text, sizeof(text), "not a valid device path (%s; expected /usr/...)",
                     qpybak_reason_text(why));
            return cli_error(NULL, path, text);
        }
    }
    status = open_roots(&px, o->usr, o->bak); /* --bak: optional */
    if (status)
        return status;
    memset(&cfg, 0, sizeof(cfg));
    cfg.port = &px.port;
    cfg.buffer = cli_work(&cfg.buffer_size);

    for (i = 0; i < o->nargs; i++) {
        const char *path = o->args[i];
        uint32_t crc = 0;
        int rc = qpybak_calc(&cfg, path, &crc);

        if (rc >= 0)
            print_line(crc, path);
        if (rc == 0) {
            cli_error(NULL, path, "not tracked, nothing recorded");
        } else if (rc < 0) {
            cli_error(NULL, path, rc == QPYBAK_ERR_NOENT ? "no such file" : errtext(rc));
            status = EXIT_DAMAGE;
        }
    }
    qpybak_posix_close(&px);
    return status;
}

/* The checksum of one host file, in the work buffer's large reads. */
static int crc_file(const char *path, uint32_t *crc)
{
    struct stat st;
    size_t size;
    void *buf = cli_work(&size);
    int fd = open(path, O_RDONLY);

    if (fd < 0)
        return errno;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return EISDIR;
    }
    *crc = QPYBAK_CRC_SEED;
    for (;;) {
        ssize_t n = read(fd, buf, size);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;

            close(fd);
            return err;
        }
        if (n == 0)
            break;
        *crc = qpybak_crc32(*crc, buf, (size_t)n);
    }
    close(fd);
    return 0;
}

int cmd_crc(const struct opts *o)
{
    int i, status = EXIT_INTACT;

    for (i = 0; i < o->nargs; i++) {
        uint32_t crc = 0;
        int err = crc_file(o->args[i], &crc);

        if (err == 0) {
            print_line(crc, o->args[i]);
        } else {
            cli_error(NULL, o->args[i], syserr(err));
            status = EXIT_DAMAGE;
        }
    }
    return status;
}
