# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
#
# Recording a legitimate edit: qpybak.calc(path) and the QuecPython-style
# qpybak.file_crc32.calc(path) return the file's CRC and record it, and the
# next boot keeps the edit instead of restoring the factory copy.  The
# reference CRC is binascii.crc32(data, 0xFFFFFFFF) (zlib's, seeded as
# QuecPython seeds it).  First argument: lfs (default) or fat.
import binascii
import errno
import sys

import qpybak
from qpytest import Checks, crc_text, exists, mount, pack, read, remount_bak_readonly, states, write

KIND = sys.argv[1] if len(sys.argv) > 1 else "lfs"
FILES = {
    "/usr/main.py": b"import app\n",
    "/usr/apn_cfg.json": b'{"apn": "cmnet"}',
    "/usr/empty.txt": b"",
}
t = Checks("test_calc.py " + KIND)

usr, bak = mount(KIND)
pack(FILES)
remount_bak_readonly(bak)
t.eq("factory boot", qpybak.boot()["counts"]["ok"], len(FILES))

# qpybak.calc: an edit that changes the size, recorded, kept by boot.
edit = b'{"apn": "3gnet", "user": "card"}'
write("/usr/apn_cfg.json", edit)
t.eq("status before calc", states(qpybak.status()), {"/usr/apn_cfg.json": "modified"})
r = qpybak.calc("/usr/apn_cfg.json")
t.eq("calc crc32", r["crc32"], crc_text(edit))
t.eq("calc crc", r["crc"], binascii.crc32(edit, 0xFFFFFFFF))
t.eq("calc tracked", r["tracked"], True)
t.eq("status after calc", qpybak.status()["counts"]["ok"], len(FILES))
r = qpybak.boot()
t.eq("boot after calc: ok", r["counts"]["ok"], len(FILES))
t.eq("boot after calc: edit kept", read("/usr/apn_cfg.json"), edit)
t.true("manifest records it", crc_text(edit) in read("/usr/checksum.json").decode())
t.true("shadow records it", crc_text(edit) in read("/usr/.qpybak/checksum.json").decode())

# file_crc32.calc returns what QuecPython's returns: hex() of the CRC, no
# padding.  Find an edit whose CRC has a leading zero digit to see that.
n = 0
while True:
    edit = b"import app  # %d\n" % n
    if binascii.crc32(edit, 0xFFFFFFFF) < 0x10000000:
        break
    n += 1
write("/usr/main.py", edit)
got = qpybak.file_crc32.calc("/usr/main.py")
t.eq("file_crc32.calc: hex()", got, hex(binascii.crc32(edit, 0xFFFFFFFF)))
t.true("file_crc32.calc: unpadded", len(got) < 10)
r = qpybak.boot()
t.eq("boot after file_crc32.calc: ok", r["counts"]["ok"], len(FILES))
t.eq("boot after file_crc32.calc: edit kept", read("/usr/main.py"), edit)

# The name QuecPython code imports, through sys.modules.
sys.modules["file_crc32"] = qpybak.file_crc32
import file_crc32

edit = b"import app\napp.run()\n"
write("/usr/main.py", edit)
t.eq("import file_crc32", file_crc32.calc("/usr/main.py"), hex(binascii.crc32(edit, 0xFFFFFFFF)))
t.eq("import file_crc32: recorded", qpybak.boot()["files"], [])

# An empty tracked file: 0xffffffff (QuecPython's calc gives None here).
t.eq("empty file", file_crc32.calc("/usr/empty.txt"), "0xffffffff")

# Missing: QuecPython's None; qpybak.calc raises ENOENT.
t.eq("file_crc32.calc missing", file_crc32.calc("/usr/none.txt"), None)
try:
    qpybak.calc("/usr/none.txt")
    t.true("calc missing raises", False)
except OSError as e:
    t.eq("calc missing: errno", e.errno, errno.ENOENT)

# Untracked files: the CRC, nothing recorded.
write("/usr/notes.txt", b"hello")
before = read("/usr/checksum.json")
r = qpybak.calc("/usr/notes.txt")
t.eq("untracked: tracked", r["tracked"], False)
t.eq("untracked: crc", r["crc32"], crc_text(b"hello"))
t.eq("untracked: manifest unchanged", read("/usr/checksum.json"), before)
# A path qpybak never tracks (the backup partition): the CRC only.
t.eq("outside /usr", file_crc32.calc("/bak/usr/apn_cfg.json"),
     hex(binascii.crc32(FILES["/usr/apn_cfg.json"], 0xFFFFFFFF)))
t.eq("outside /usr: unchanged", read("/usr/checksum.json"), before)
try:
    qpybak.calc("/bak/usr/apn_cfg.json")
    t.true("calc outside /usr raises", False)
except OSError as e:
    t.eq("calc outside /usr: errno", e.errno, errno.EINVAL)

# The procedures leave no file open: the partition unmounts and boots again.
t.eq("final status", qpybak.status()["counts"]["ok"], len(FILES))
t.true("no temporary left", not exists("/usr/checksum.json.qpybak-tmp"))
t.done()
