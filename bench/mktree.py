#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
"""Makes the application tree the verification and scaling runs pack.

    mktree.py APP_DIR COUNT SIZE LIST   writes COUNT files of SIZE random
        bytes as APP_DIR/dNNN/fNNNNNN.bin, 100 per directory (one level of
        folders, as /usr/lib/... on a device), and LIST: their paths
        relative to APP_DIR, one per line, in manifest order.
    mktree.py --damage USR_DIR LIST EVERY   flips one byte in the middle of
        every EVERY-th listed file (size kept, so only the CRC tells).
"""
import os
import random
import sys


def make(app, count, size, listfile):
    rng = random.Random(count * 1000003 + size)
    names = []
    for i in range(count):
        d = "d%03d" % (i // 100)
        if i % 100 == 0:
            os.makedirs(os.path.join(app, d), exist_ok=True)
        rel = "%s/f%06d.bin" % (d, i)
        with open(os.path.join(app, rel), "wb") as f:
            f.write(rng.randbytes(size))
        names.append(rel)
    with open(listfile, "w") as f:
        f.write("\n".join(names) + "\n")


def damage(usr, listfile, every):
    names = [l for l in open(listfile).read().split("\n") if l]
    n = 0
    for i, rel in enumerate(names):
        if i % every != every // 2:
            continue
        p = os.path.join(usr, rel)
        with open(p, "r+b") as f:
            size = os.fstat(f.fileno()).st_size
            f.seek(size // 2)
            b = f.read(1)
            f.seek(size // 2)
            f.write(bytes([(b[0] if b else 0) ^ 0x5A]))
        n += 1
    print(n)


if __name__ == "__main__":
    if sys.argv[1] == "--damage":
        damage(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        make(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
