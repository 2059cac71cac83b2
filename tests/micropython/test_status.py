# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
#
# qpybak.status() reports and changes nothing; storage errors reach the
# result, not an exception, and a later boot recovers.  First argument: lfs
# (default) or fat.
import os
import sys

import qpybak
from qpytest import Checks, devices, exists, mount, pack, read, remount_bak_readonly, states, write

KIND = sys.argv[1] if len(sys.argv) > 1 else "lfs"
FILES = {
    "/usr/main.py": b"import app\n",
    "/usr/apn_cfg.json": b'{"apn": "cmnet"}',
    "/usr/data/volume.cfg": b"volume=7\n",
}
t = Checks("test_status.py " + KIND)

usr, bak = mount(KIND)
pack(FILES)
remount_bak_readonly(bak)
qpybak.boot()

os.remove("/usr/apn_cfg.json")
write("/usr/data/volume.cfg", b"volume=9\n")
manifest = read("/usr/checksum.json")
r = qpybak.status()
t.eq("status: states", states(r), {"/usr/apn_cfg.json": "missing", "/usr/data/volume.cfg": "modified"})
t.eq("status: counts", (r["counts"]["ok"], r["counts"]["missing"], r["counts"]["modified"]), (1, 1, 1))
t.eq("status: manifests", r["manifest"],
     {"source": "primary", "primary": "ok", "shadow": "ok", "backup": "ok"})
modified = [f for f in r["files"] if f["state"] == "modified"][0]
t.eq("status: expected size", modified["size"], len(FILES["/usr/data/volume.cfg"]))
t.eq("status: actual size", modified["actual_size"], 9)
t.true("status: actual differs", modified["actual"] != modified["expected"])
t.eq("status: nothing written", (r["manifest_written"], r["report_written"]), (False, False))
t.true("status: still missing", not exists("/usr/apn_cfg.json"))
t.eq("status: still modified", read("/usr/data/volume.cfg"), b"volume=9\n")
t.eq("status: manifest untouched", read("/usr/checksum.json"), manifest)
r = qpybak.status(verbose=True)
t.eq("status verbose: every entry", len(r["files"]), len(FILES))
t.eq("status verbose: ok one", states(r)["/usr/main.py"], "ok")

# The user partition stops taking writes: boot reports the storage error in
# its result (no exception) and restores nothing; once the medium takes
# writes again, the next boot restores.
devices["/usr"].fail_writes = True
r = qpybak.boot()
t.eq("failing medium: error", r.get("error"), -5)
t.eq("failing medium: nothing restored", r["counts"]["restored"], 0)
t.true("failing medium: unrecoverable", r["counts"]["unrecoverable"] >= 1)
t.true("failing medium: reason", all(f.get("reason") == "storage error" for f in r["files"]))
if KIND == "lfs":
    # littlefs still reads.  FatFs keeps the failed sector in its window and
    # writes it back before any other access: that volume reads nothing
    # until the medium takes writes again.
    t.eq("failing medium: status reads", qpybak.status()["counts"]["missing"], 1)
    t.eq("failing medium: both unrecoverable", r["counts"]["unrecoverable"], 2)
devices["/usr"].fail_writes = False
r = qpybak.boot()
t.eq("medium back: restored", r["counts"]["restored"], 2)
t.eq("medium back: content", read("/usr/apn_cfg.json"), FILES["/usr/apn_cfg.json"])
t.eq("medium back: status", qpybak.status()["counts"]["ok"], len(FILES))
t.done()
