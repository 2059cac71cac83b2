#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
"""The man page must say what `qpybak --help` says (package.man).

    man_vs_help.py QPYBAK RENDERED_MAN_PAGE

RENDERED_MAN_PAGE is `mandoc -Tascii -O width=500` output.  Checked, with
case and runs of white space ignored:
- every synopsis line of --help is a line of the man page's SYNOPSIS;
- every command and option --help describes is an item of COMMANDS or
  OPTIONS, and --help's text for it is in the man page;
- the man page's COMMANDS and OPTIONS list nothing --help does not know;
- the exit status sentence of --help is in EXIT STATUS.
"""
import re
import subprocess
import sys

EXTRA_OPTIONS = set()  # options the man page may document that --help does not name


def norm(s):
    return " ".join(s.split()).lower()


def sections(page):
    out, name = {}, None
    for line in page.splitlines():
        if re.match(r"^[A-Z][A-Z ]+$", line):
            name = line.strip()
            out[name] = []
        elif name:
            out[name].append(line)
    return out


def tags(lines):
    """The item tags of a -tag list: lines indented by exactly 5 spaces."""
    found = []
    for line in lines:
        m = re.match(r"^ {5}(\S.*)$", line)
        if m:
            found.append(m.group(1).split("  ")[0].strip())
    return found


def main():
    qpybak, man = sys.argv[1], sys.argv[2]
    help_text = subprocess.run([qpybak, "--help"], check=True, capture_output=True,
                               text=True).stdout
    page = open(man, encoding="utf-8").read()
    secs = sections(page)
    errors = []

    head, _, rest = help_text.partition("\n\n")
    body, _, exit_text = rest.rpartition("\n\n")

    # Synopsis.
    synopsis = {norm(l) for l in secs.get("SYNOPSIS", [])}
    for line in head.splitlines():
        line = norm(re.sub(r"^usage:", "", line))
        if line not in synopsis:
            errors.append("SYNOPSIS lacks: " + line)

    # Items: "  NAME  text" then continuation lines indented by 14 spaces.
    items = []
    for line in body.splitlines():
        if not line.strip():
            continue
        m = re.match(r"^  (\S+(?: \S+)?)\s{2,}(\S.*)$", line)
        if m and not line.startswith(" " * 14):
            items.append([m.group(1), m.group(2)])
        elif items:
            items[-1][1] += " " + line.strip()
        else:
            errors.append("cannot parse --help line: " + line)
    commands = [tags(secs.get("COMMANDS", []))]
    options = [tags(secs.get("OPTIONS", []))]
    man_commands = {re.match(r"^(fota apply|\S+)", t).group(1) for t in commands[0]}
    man_options = {t.split()[0] for t in options[0]}
    help_commands = {n for n, _ in items if not n.startswith("-")}
    help_options = {n for n, _ in items if n.startswith("-")}
    text = norm(page)
    for name, desc in items:
        where = "OPTIONS" if name.startswith("-") else "COMMANDS"
        known = man_options if name.startswith("-") else man_commands
        if name not in known:
            errors.append(f"{where} lacks an item for {name}")
        if norm(desc) not in text:
            errors.append(f"the man page lacks --help's text for {name}: {desc!r}")
    for name in sorted(man_commands - help_commands):
        errors.append(f"COMMANDS has {name}, which --help does not describe")
    # Every option word of --help is in OPTIONS, and OPTIONS has no other.
    help_words = set(re.findall(r"(?<![\w/-])(--?[a-z][a-z-]*)", help_text))
    for name in sorted(man_options - help_words - EXTRA_OPTIONS):
        errors.append(f"OPTIONS has {name}, which --help does not name")
    for opt in sorted(help_words - man_options):
        errors.append(f"OPTIONS lacks {opt}, which --help names")

    # Exit status.
    if norm(exit_text) not in norm("\n".join(secs.get("EXIT STATUS", []))):
        errors.append("EXIT STATUS lacks: " + norm(exit_text))

    for e in errors:
        print("drift:", e)
    if errors:
        print("the man page (packaging/qpybak.1.in) and --help (cli/main.c) disagree")
        return 1
    print(f"man page and --help agree: {len(head.splitlines())} synopsis lines, "
          f"{len(help_commands)} commands, {len(help_options)} options, exit status")
    return 0


if __name__ == "__main__":
    sys.exit(main())
