/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The I/O floor: the least a verifier must do for each file - open, read
 * it whole, close - with nothing else (no checksum, no manifest parsing).
 * Same read size as qpybak's (its work buffer gives 64 KiB reads on the
 * host).
 *
 *   bench_floor [--mode plain|walk|lean] ROOT LIST [BUFSIZE]
 *
 * LIST holds one path per line, relative to ROOT.  Prints nothing; exit 1
 * when a file cannot be read.
 *
 * The other modes make the same system calls per file as the POSIX port
 * (ports/posix) does, still without any checksum or parsing, to tell
 * system-call cost from the core's own work (bench/README.md, analysis):
 *   plain  open, read until 0, close                        (the floor)
 *   walk   the port's resolver where the kernel has no openat2 (or with
 *          QPYBAK_POSIX_WALK=1): openat of each directory on the way
 *          (O_DIRECTORY | O_NOFOLLOW), openat of the file (O_NOFOLLOW |
 *          O_NONBLOCK), close of the directory, fstat, reads, close
 *   lean   the port's resolver on Linux 5.6+: openat2(RESOLVE_BENEATH |
 *          RESOLVE_NO_SYMLINKS) from the root (the kernel refuses links
 *          and escapes in one call), fstat (the regular-file check), reads,
 *          close; O_NONBLOCK left set, which Linux ignores for regular files
 * (--mode port is the old name of walk.)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/openat2.h>
#endif

enum mode { PLAIN, WALK, LEAN };

static int open_walk(int root, char *path)
{
    char *s = path, *slash;
    int dir = root, fd;
    struct stat st;

    while ((slash = strchr(s, '/')) != NULL) {
        *slash = '\0';
        fd = openat(dir, s, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        *slash = '/';
        if (dir != root)
            close(dir);
        if (fd < 0)
            return -1;
        dir = fd;
        s = slash + 1;
    }
    fd = openat(dir, s, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (dir != root)
        close(dir);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int open_lean(int root, const char *path)
{
#if defined(__linux__) && defined(SYS_openat2)
    struct open_how how;
    struct stat st;
    int fd;

    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    fd = (int)syscall(SYS_openat2, root, path, &how, sizeof how);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
#else
    (void)root;
    (void)path;
    return -1;
#endif
}

int main(int argc, char **argv)
{
    enum mode mode = PLAIN;
    size_t bufsize;
    char *list, *line, *next, *buf;
    unsigned long long total = 0;
    long len;
    FILE *f;
    int bad = 0, a = 1, root;

    if (argc > 2 && strcmp(argv[1], "--mode") == 0) {
        mode = strcmp(argv[2], "walk") == 0 || strcmp(argv[2], "port") == 0 ? WALK
               : strcmp(argv[2], "lean") == 0                               ? LEAN
                                                                            : PLAIN;
        a = 3;
    }
    if (argc - a < 2) {
        fprintf(stderr, "usage: bench_floor [--mode plain|walk|lean] ROOT LIST [BUFSIZE]\n");
        return 2;
    }
    bufsize = argc - a > 2 ? (size_t)strtoul(argv[a + 2], NULL, 0) : 65536;
    f = fopen(argv[a + 1], "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0) {
        perror(argv[a + 1]);
        return 2;
    }
    rewind(f);
    list = malloc((size_t)len + 1);
    buf = malloc(bufsize);
    if (list == NULL || buf == NULL || fread(list, 1, (size_t)len, f) != (size_t)len)
        return 2;
    fclose(f);
    list[len] = '\0';
    if (chdir(argv[a]) != 0 || (root = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        perror(argv[a]);
        return 2;
    }
    for (line = list; *line; line = next) {
        ssize_t n;
        int fd;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        else
            next = line + strlen(line);
        if (!*line)
            continue;
        fd = mode == WALK ? open_walk(root, line)
             : mode == LEAN ? open_lean(root, line)
                            : open(line, O_RDONLY);
        if (fd < 0) {
            bad = 1;
            continue;
        }
        while ((n = read(fd, buf, bufsize)) > 0)
            total += (unsigned long long)n;
        if (n < 0)
            bad = 1;
        close(fd);
    }
    if (getenv("BENCH_FLOOR_VERBOSE"))
        fprintf(stderr, "bench_floor: %llu bytes\n", total);
    free(list);
    free(buf);
    return bad;
}
