/*
 * The POSIX storage port: two host directories stand in for the partitions,
 * usr_root for /usr and bak_root for /bak.  Every path is walked one
 * component at a time with openat(O_NOFOLLOW), so no symbolic link - in the
 * roots or planted by a hostile tree - can lead outside them.
 */
#ifndef QPYBAK_POSIX_H
#define QPYBAK_POSIX_H

#include "qpybak.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QPYBAK_POSIX_MAX_OPEN 8

struct qpybak_posix {
    struct qpybak_port port;
    int usr_fd; /* directory descriptors of the two roots (-1: none) */
    int bak_fd;
    int fds[QPYBAK_POSIX_MAX_OPEN]; /* open files by handle, -1 when free */
};

/*
 * Opens the roots (either may be NULL when a command needs only one) and
 * fills p->port.  Returns 0, or a negative error (QPYBAK_ERR_NOENT when a
 * root does not exist, QPYBAK_ERR_NOTDIR when it is not a directory).
 */
int qpybak_posix_open(struct qpybak_posix *p, const char *usr_root, const char *bak_root);

/* Closes the roots and any file still open. */
void qpybak_posix_close(struct qpybak_posix *p);

/* Maps an errno value to a qpybak error (they are the same numbers on Linux;
 * this keeps the port honest elsewhere). */
int qpybak_posix_error(int errnum);

#ifdef __cplusplus
}
#endif

#endif
