# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
#
# The module built with QPYBAK_NO_FOTA=1 QPYBAK_NO_REPORT=1 (the smallest
# core) and QPYBAK_CRC_TABLE=braid: no fota_apply, boot restores as ever
# but writes no report, and the braided CRC gives zlib's values.
import binascii
import os

import qpybak
from qpytest import Checks, exists, mount, pack, read, remount_bak_readonly

FILES = {"/usr/main.py": b"import app\n", "/usr/cfg.json": b'{"a": 1}'}
t = Checks("test_minimal.py")

t.true("no fota_apply", not hasattr(qpybak, "fota_apply"))
usr, bak = mount("lfs")
pack(FILES)
remount_bak_readonly(bak)
os.remove("/usr/cfg.json")
r = qpybak.boot()
t.eq("restored", r["counts"]["restored"], 1)
t.eq("content", read("/usr/cfg.json"), FILES["/usr/cfg.json"])
t.eq("no report written", r["report_written"], False)
t.true("no report file", not exists("/usr/.qpybak/boot.json"))
t.eq("calc", qpybak.calc("/usr/main.py")["tracked"], True)
# Lengths around the braid's word and block sizes, odd alignments.
for n in (0, 1, 7, 8, 9, 47, 48, 49, 1000, 5003):
    data = bytes((i * 31 + n) & 0xFF for i in range(n))
    with open("/usr/crc.bin", "wb") as f:
        f.write(data)
    t.eq("braided CRC of %d bytes" % n, qpybak.calc("/usr/crc.bin")["crc"],
         binascii.crc32(data, 0xFFFFFFFF))
t.done()
