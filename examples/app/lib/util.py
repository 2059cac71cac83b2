# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# util.py - JSON config helpers and a tiny logger.
import ujson
import utime
import file_crc32


def log(tag, msg):
    t = utime.localtime()
    print("%02d:%02d:%02d [%s] %s" % (t[3], t[4], t[5], tag, msg))


def load_json(path):
    with open(path, "r") as f:
        return ujson.loads(f.read())


def save_json(path, obj):
    # Write, then tell the backup manifest: without the calc, the next boot
    # would see a modified file and put the factory copy back.
    with open(path, "w") as f:
        f.write(ujson.dumps(obj))
    return file_crc32.calc(path)
