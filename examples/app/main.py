# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# main.py - a small QuecPython application whose files qpybak keeps alive.
#
# Every file of this folder is packed into the backup partition; at boot the
# firmware (or `qpybak boot`) puts back any of them that is missing or
# damaged before this script runs.
import utime
import checkNet
import dataCall
from usr.lib import util
from usr.lib import net

PROJECT_NAME = "qpybak_demo"
PROJECT_VERSION = "1.0.0"

usr_cfg = util.load_json("/usr/usr_cfg.json")
apn_cfg = util.load_json("/usr/apn_cfg.json")

util.log("app", "%s %s, apn %s" % (PROJECT_NAME, PROJECT_VERSION, apn_cfg["apn"]))

stage, state = checkNet.wait_network_connected(30)
if stage == 3 and state == 1:
    util.log("app", "network up: %s" % str(dataCall.getInfo(1, 0)))
    net.report(usr_cfg["server"], usr_cfg["port"], usr_cfg["device_id"], usr_cfg["password"])
else:
    util.log("app", "no network (%d, %d)" % (stage, state))

# A legitimate edit of a tracked file: util.save_json records the new CRC with
# file_crc32.calc, so the next boot keeps it instead of restoring the factory copy.
usr_cfg["boot_count"] = usr_cfg.get("boot_count", 0) + 1
util.save_json("/usr/usr_cfg.json", usr_cfg)
