# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
#
# What the module does when Python code runs in the middle of a procedure -
# here the block device's own readblocks, as a thread or a driver would:
# a second call while one runs is refused with EBUSY (the work buffer is
# shared), and an exception that is not an OSError stops nothing in the
# core but is raised once the procedure has closed its files.  First
# argument: lfs (default) or fat.
import errno
import sys

import qpybak
from qpytest import Checks, devices, mount, pack, remount_bak_readonly

EBUSY = getattr(errno, "EBUSY", 16)  # not in every build's errno module
KIND = sys.argv[1] if len(sys.argv) > 1 else "lfs"
FILES = {"/usr/main.py": b"import app\n" * 50, "/usr/cfg.json": b'{"a": 1}'}
t = Checks("test_errors.py " + KIND)


def fresh():
    usr, bak = mount(KIND)
    pack(FILES)
    remount_bak_readonly(bak)
    qpybak.boot()


# A call while another runs: EBUSY, and the running one is not disturbed.
fresh()
seen = []


def nested_call():
    try:
        qpybak.status()
        seen.append("ran")
    except OSError as e:
        seen.append(e.errno)


devices["/bak"].on_read = nested_call
r = qpybak.boot()
t.eq("nested call refused", seen, [EBUSY])
t.eq("the running boot finished", r["counts"]["ok"], len(FILES))
t.eq("free again afterwards", qpybak.status()["counts"]["ok"], len(FILES))


# Another exception inside the run: raised by the call, after the run.
class Unplugged(Exception):
    pass


def unplug():
    raise Unplugged("block device gone")


fresh()
devices["/bak"].on_read = unplug
try:
    qpybak.status()
    t.true("the exception reaches the caller", False)
except Unplugged as e:
    t.eq("the exception reaches the caller", str(e), "block device gone")
# The module is free again (its guard was released on the way out).
fresh()
t.eq("usable afterwards", qpybak.status()["counts"]["ok"], len(FILES))
t.done()
