# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
#
# _boot.py for a firmware with the qpybak module: mount the two partitions,
# let qpybak check and restore the tracked files, then hand over to main.py.
# It runs before main.py and before anything opens a tracked file.  The
# mounting is the board's (here: two littlefs partitions of an ESP32's
# flash, labelled "usr" and "bak"); the rest is the same on every board.
import sys
import vfs

import qpybak


def mount_partitions():
    import esp32  # the board's block devices; another board has its own

    usr = esp32.Partition.find(esp32.Partition.TYPE_DATA, label="usr")[0]
    bak = esp32.Partition.find(esp32.Partition.TYPE_DATA, label="bak")[0]
    vfs.mount(vfs.VfsLfs2(usr), "/usr")
    vfs.mount(vfs.VfsLfs2(bak), "/bak", readonly=True)  # never written on the device


def check_files():
    try:
        result = qpybak.boot()
    except OSError as e:  # EBUSY, or the module built with too small a buffer
        print("qpybak: not run:", e)
        return
    if not result["enabled"]:
        return  # /bak/backup_restore.json says off, or is missing
    for f in result["files"]:  # only the entries that were not ok
        print("qpybak:", f["state"], f["name"], f.get("reason", ""))
    if "error" in result:
        print("qpybak: storage error", result["error"], "at", result["error_path"])


mount_partitions()
check_files()
# QuecPython applications record an edit with file_crc32.calc(path).
sys.modules["file_crc32"] = qpybak.file_crc32
