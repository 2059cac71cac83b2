# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
#
# qpybak.boot() on real MicroPython file systems (littlefs2 or FAT, the
# first argument), through the module's VFS port: the damage the QuecPython
# application note names - checksum.json deleted, a file lost or changed by
# a power cut, a file edited without updating checksum.json - each put right,
# and the feature off.
import os
import sys

import qpybak
from qpytest import Checks, exists, mount, pack, read, remount_bak_readonly, states, write

KIND = sys.argv[1] if len(sys.argv) > 1 else "lfs"
FILES = {
    "/usr/main.py": b"import app\napp.run()\n",
    "/usr/apn_cfg.json": b'{"apn": "cmnet", "user": "", "password": ""}',
    "/usr/system_config.json": b'{"replFlag": 0, "watchdog": 1}',
    "/usr/lib/app.py": b"def run():\n    pass\n" * 40,
}
t = Checks("test_boot.py " + KIND)


def factory(enable=1):
    usr, bak = mount(KIND)
    pack(FILES, enable=enable)
    remount_bak_readonly(bak)
    return usr


def intact(what):
    for name in FILES:
        t.true("%s: %s exists" % (what, name), exists(name))
        if exists(name):
            t.eq("%s: %s content" % (what, name), read(name), FILES[name])


# A factory image boots clean; the first boot writes the shadow copy.
factory()
r = qpybak.boot()
t.eq("first boot enabled", r["enabled"], True)
t.eq("first boot counts ok", r["counts"]["ok"], len(FILES))
t.eq("first boot files listed", r["files"], [])
t.eq("first boot repaired", r["repaired"], ["shadow"])
t.true("shadow written", exists("/usr/.qpybak/checksum.json"))
r = qpybak.boot(verbose=True)
t.eq("verbose lists every entry", sorted(states(r).items()), sorted((n, "ok") for n in FILES))
t.eq("second boot writes nothing", r["manifest_written"], False)

# Trigger 1: /usr/checksum.json deleted; the shadow keeps it.
os.remove("/usr/checksum.json")
r = qpybak.boot()
t.eq("deleted manifest: source", r["manifest"]["source"], "shadow")
t.eq("deleted manifest: repaired", r["repaired"], ["primary"])
t.true("deleted manifest: back", exists("/usr/checksum.json"))
t.eq("deleted manifest: all ok", r["counts"]["ok"], len(FILES))

# Both user manifests gone: the factory checksums are installed.
os.remove("/usr/checksum.json")
os.remove("/usr/.qpybak/checksum.json")
r = qpybak.boot()
t.eq("both manifests gone: source", r["manifest"]["source"], "backup")
t.true("both manifests gone: primary back", exists("/usr/checksum.json"))
t.true("both manifests gone: shadow back", exists("/usr/.qpybak/checksum.json"))

# Trigger 2: a power cut loses a file, garbles another, empties a third;
# trigger 3: the application edits a tracked file without recording it.
os.remove("/usr/apn_cfg.json")
write("/usr/system_config.json", b"\xff" * len(FILES["/usr/system_config.json"]))
write("/usr/lib/app.py", b"")
write("/usr/main.py", b"import app\napp.run(debug=True)\n")
r = qpybak.boot()
s = states(r)
t.eq("damage: states", sorted(s.items()),
     [("/usr/apn_cfg.json", "restored"), ("/usr/lib/app.py", "restored"),
      ("/usr/main.py", "restored"), ("/usr/system_config.json", "restored")])
found = {f["name"]: f["found"] for f in r["files"]}
t.eq("damage: apn_cfg was missing", found["/usr/apn_cfg.json"], "missing")
t.eq("damage: main.py was modified", found["/usr/main.py"], "modified")
t.eq("damage: counts", r["counts"]["restored"], 4)
t.true("damage: report written", r["report_written"] and exists("/usr/.qpybak/boot.json"))
t.eq("damage: no error", r.get("error"), None)
intact("after restore")
r = qpybak.boot()
t.eq("next boot: all ok", r["counts"]["ok"], len(FILES))

# A folder where a tracked file belongs: not a file, restored over nothing.
os.remove("/usr/main.py")
os.mkdir("/usr/main.py")
r = qpybak.status()
t.eq("folder in the way: status", states(r).get("/usr/main.py"), "modified")

# The feature off: nothing is checked or changed.
factory(enable=0)
os.remove("/usr/apn_cfg.json")
r = qpybak.boot()
t.eq("disabled: enabled", r["enabled"], False)
t.eq("disabled: why", r["off_reason"], qpybak.status()["off_reason"])
t.true("disabled: not restored", not exists("/usr/apn_cfg.json"))

t.done()
