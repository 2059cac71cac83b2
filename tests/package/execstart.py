#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
"""Prints the command line of a unit's ExecStart=, one word per line, as
systemd builds it: words split like a shell's, "${VAR}" replaced inside a
word, a word that is only "$VAR" split on white space (systemd.service(5),
"Command lines").  The environment comes from this process.

    execstart.py UNIT_FILE
"""
import os
import re
import shlex
import sys

line = None
with open(sys.argv[1], encoding="utf-8") as f:
    for raw in f:
        if raw.startswith("ExecStart="):
            if line is not None:
                sys.exit("more than one ExecStart=")
            line = raw[len("ExecStart="):].strip()
if line is None:
    sys.exit("no ExecStart=")
if line[:1] in "-@:+!":
    sys.exit("ExecStart= prefixes are not expected: " + line)
words = []
for word in shlex.split(line):
    m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", word)
    if m:
        words += os.environ.get(m.group(1), "").split()
    else:
        words.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}",
                            lambda v: os.environ.get(v.group(1), ""), word))
print("\n".join(words))
