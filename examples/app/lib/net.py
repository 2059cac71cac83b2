# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# net.py - report the device's presence to the configured server.
import usocket
import ujson
from usr.lib import util


def report(host, port, device_id, password):
    sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
    try:
        addr = usocket.getaddrinfo(host, port)[0][-1]
        sock.connect(addr)
        sock.send(ujson.dumps({"id": device_id, "auth": password, "event": "boot"}))
        util.log("net", "reported to %s:%d" % (host, port))
    except Exception as e:
        util.log("net", "report failed: %s" % str(e))
    finally:
        sock.close()
