# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
#
# qpybak.fota_apply(): files staged under /usr/.updater (where QuecPython's
# app_fota downloads them) installed as one unit, their checksums recorded,
# the staging folder removed; the port's listing (ilistdir) walks it.
# First argument: lfs (default) or fat.
import errno
import os
import sys

import qpybak
from qpytest import Checks, crc_text, exists, mount, pack, read, remount_bak_readonly, write

KIND = sys.argv[1] if len(sys.argv) > 1 else "lfs"
FILES = {
    "/usr/main.py": b"import app\n",
    "/usr/lib/app.py": b"def run():\n    return 1\n",
    "/usr/apn_cfg.json": b'{"apn": "cmnet"}',
}
STAGED = {
    "/usr/main.py": b"import app\napp.run(2)\n",
    "/usr/lib/app.py": b"def run():\n    return 2\n",
    "/usr/new/extra.txt": b"new file\n",
}
t = Checks("test_fota.py " + KIND)

usr, bak = mount(KIND)
pack(FILES)
remount_bak_readonly(bak)
qpybak.boot()

try:
    qpybak.fota_apply()
    t.true("nothing staged raises", False)
except OSError as e:
    t.eq("nothing staged: errno", e.errno, errno.ENOENT)

for name, data in STAGED.items():
    write("/usr/.updater" + name[4:], data)
r = qpybak.fota_apply()
t.eq("installed", r["installed"], len(STAGED))
t.eq("failed", r["failed"], 0)
t.eq("pending", r["pending"], False)
t.eq("every staged file reported", sorted(f["name"] for f in r["files"]), sorted(STAGED))
t.true("each installed", all(f["installed"] for f in r["files"]))
t.eq("a reported checksum", [f["crc32"] for f in r["files"] if f["name"] == "/usr/main.py"],
     [crc_text(STAGED["/usr/main.py"])])
for name, data in STAGED.items():
    t.eq("content of " + name, read(name) if exists(name) else None, data)
t.true("staging folder removed", not exists("/usr/.updater"))
t.true("journal removed", not exists("/usr/.qpybak/fota.json"))
manifest = read("/usr/checksum.json").decode()
t.true("new checksum recorded", crc_text(STAGED["/usr/lib/app.py"]) in manifest)
t.true("untracked file stays untracked", "/usr/new/extra.txt" not in manifest)

r = qpybak.boot()
t.eq("boot after the update: ok", r["counts"]["ok"], len(FILES))
t.eq("boot after the update: kept", read("/usr/main.py"), STAGED["/usr/main.py"])

# A damaged updated file comes back as the factory version (no last-good
# copy was asked for), and boot says the update was lost.
os.remove("/usr/lib/app.py")
r = qpybak.boot()
restored = [f for f in r["files"] if f["name"] == "/usr/lib/app.py"]
t.eq("lost update: restored", [f["state"] for f in restored], ["restored"])
t.eq("lost update: downgraded", [f["downgraded"] for f in restored], [True])
t.eq("lost update: factory content", read("/usr/lib/app.py"), FILES["/usr/lib/app.py"])

# keep_last_good: the updated version is what boot restores.
write("/usr/.updater/lib/app.py", STAGED["/usr/lib/app.py"])
r = qpybak.fota_apply(keep_last_good=True)
t.eq("second update installed", r["installed"], 1)
os.remove("/usr/lib/app.py")
r = qpybak.boot()
restored = [f for f in r["files"] if f["name"] == "/usr/lib/app.py"]
t.eq("last-good: source", [f.get("source") for f in restored], ["last-good"])
t.eq("last-good: content", read("/usr/lib/app.py"), STAGED["/usr/lib/app.py"])
t.done()
