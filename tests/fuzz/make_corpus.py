#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

    python3 tests/fuzz/make_corpus.py          # (re)write every seed

The seeds are checked in; rerun this after adding a case here or to the unit
tests (their JSON string literals are harvested too).  It replaces only the
seeds it wrote (corpus/GENERATED lists them): reproducers and inputs merged
from long fuzzing runs (libFuzzer -merge=1, see README.md) stay.  Each target's input
starts with a few parameter bytes (see the comment at the top of its
fuzz_*.c); the seeds vary those so that every chunking, name limit and
fault mode is reached from the start.

Seeds: the examples of docs/format.md, MicroPython's ujson.dumps form,
QuecPython's own manifests (no size), every JSON literal in
tests/unit/test_manifest.c and test_flag.c, and the malformed kinds: empty,
truncated at many offsets, trailing commas, deep nesting (at, around and far
beyond the 64-level limit), long strings (100 KiB names and crc32 strings),
numbers out of range, many keys, BOMs, invalid UTF-8 and lone surrogates.
"""
import hashlib
import json
import os
import re
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(HERE, "corpus")


def crc(data):
    return zlib.crc32(data, 0xFFFFFFFF) & 0xFFFFFFFF


def hexcrc(data):
    return "0x%08x" % crc(data)


written = {}
generated = []  # target/name of every seed written, for the next run


def seed(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    digest = hashlib.sha1(data).hexdigest()
    if (target, digest) in written:
        return  # the same bytes under another name
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:60]
    if (target, name) in written:
        name += "_" + digest[:8]
    written[(target, digest)] = written[(target, name)] = True
    generated.append(target + "/" + name)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# --------------------------------------------------------------- harvest


def c_literals(path):
    """The string literals of a C file (adjacent ones joined), as bytes."""
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return []
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    out, i, cur = [], 0, None
    pat = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
    while True:
        m = pat.search(text, i)
        if not m:
            break
        gap = text[i:m.start()]
        lit = decode_c(m.group(1))
        if cur is not None and gap.strip() == "":
            cur += lit
        else:
            if cur is not None:
                out.append(cur)
            cur = lit
        i = m.end()
    if cur is not None:
        out.append(cur)
    return out


def decode_c(s):
    b, i = bytearray(), 0
    esc = {"n": 10, "t": 9, "r": 13, "0": 0, "\\": 92, '"': 34, "'": 39, "a": 7, "b": 8,
           "f": 12, "v": 11, "?": 63}
    while i < len(s):
        c = s[i]
        if c != "\\":
            b += c.encode()
            i += 1
            continue
        n = s[i + 1]
        if n == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", s[i + 2:])
            b.append(int(m.group(0), 16))
            i += 2 + len(m.group(0))
        elif n in "01234567":
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            b.append(int(m.group(0), 8) & 0xFF)
            i += 1 + len(m.group(0))
        else:
            b.append(esc.get(n, ord(n)))
            i += 2
    return bytes(b)


def harvested(path, starts):
    docs = []
    for lit in c_literals(path):
        t = lit.lstrip(b" \t\r\n\xef\xbb\xbf")
        if t[:1] in starts and len(lit) > 1:
            docs.append(lit)
    return docs


# ----------------------------------------------------------- documents

DOC_EXAMPLE = (
    '[\n'
    '{"name": "/usr/main.py", "crc32": "0x1a2b3c4d", "size": 1834},\n'
    '{"name": "/usr/apn_cfg.json", "crc32": "0x00c0ffee", "size": 112}\n'
    ']\n')
UJSON = '[{"name": "/usr/a.py", "crc32": "0x5d3f0a1b"}, {"name": "/usr/lib/b.py", "crc32": "0xffffffff"}]'
QUECPYTHON = ('[{"name": "/usr/system_config.json", "crc32": "0x8e33fa65"}, '
              '{"name": "/usr/apn_cfg.json", "crc32": "0x3bc5c6b4"}]')


def nest(depth, kind="[", inner="1"):
    close = {"[": "]", "{": "}"}[kind]
    if kind == "[":
        return "[" * depth + inner + "]" * depth
    return '{"k": ' * depth + inner + "}" * depth


def manifest_docs():
    docs = {
        "spec_example": DOC_EXAMPLE,
        "ujson_dumps": UJSON,
        "quecpython": QUECPYTHON,
        "empty_array": "[]",
        "empty_ws": " \t\r\n[ \t\r\n] \t\r\n",
        "bom": "\ufeff" + UJSON,
        "bom_broken": b"\xef\xbb" + UJSON.encode(),
        "empty": "",
        "ws_only": "  \n",
        "trailing_comma_array": '[{"name": "/usr/a", "crc32": "0x1"},]',
        "quecpython_forms": '[{"name": "usr/t.txt", "crc32": " 0x1a2b "},'
                            ' {"name": "/usr//a/./b", "crc32": "\\t1\\n",},'
                            ' {"name": "//usr/../x", "crc32": "1"},]',
        "name_form_long": '[{"name": "' + "/." * 200 + "/usr/" + "n" * 250 + '", "crc32": "1"}]',
        "crc_spaces_long": '[{"name": "/usr/a", "crc32": "' + " " * 40 + "0x1" + " " * 40 + '"}]',
        "trailing_comma_object": '[{"name": "/usr/a", "crc32": "0x1",}]',
        "leading_comma": '[,{"name": "/usr/a", "crc32": "0x1"}]',
        "double_comma": '[{"name": "/usr/a", "crc32": "0x1"},,{"name": "/usr/b", "crc32": "0x2"}]',
        "not_array_object": '{"name": "/usr/a", "crc32": "0x1"}',
        "not_array_string": '"/usr/a"',
        "after_array": '[] []',
        "after_array_garbage": '[{"name": "/usr/a", "crc32": "0x1"}] x',
        "comment": '[/* c */{"name": "/usr/a", "crc32": "0x1"}]',
        "single_quotes": "[{'name': '/usr/a', 'crc32': '0x1'}]",
        "unquoted_key": '[{name: "/usr/a", "crc32": "0x1"}]',
        "nested_unknown": '[{"x": {"a": [1, 2, {"b": null, "c": [[], {}]}], "s": "]}\\",{"}, '
                          '"name": "/usr/a", "crc32": "0x10"}]',
        "escapes_in_keys": '[{"n\\u0061me": "/usr/a", "crc\\u0033\\u0032": "0x1", "\\u0073ize": 3}]',
        "escaped_slashes": '[{"name": "\\/usr\\/\\u0061", "crc32": "0X1A2B3C4D"}]',
        "surrogate_pair": '[{"name": "/usr/\\ud83d\\ude00.py", "crc32": "0x1"}]',
        "lone_high": '[{"name": "/usr/\\ud83d.py", "crc32": "0x1"}, {"name": "/usr/b", "crc32": "2"}]',
        "lone_low": '[{"name": "/usr/\\ude00.py", "crc32": "0x1"}]',
        "high_high_low": '[{"name": "/usr/\\ud83d\\ud83d\\ude00", "crc32": "0x1"}]',
        "nul_escape": '[{"name": "/usr/a\\u0000b", "crc32": "0x1"}]',
        "raw_control": '[{"name": "/usr/a\tb", "crc32": "0x1"}]',
        "invalid_utf8": b'[{"name": "/usr/\xff\xfe", "crc32": "0x1"}, {"name": "/usr/\xc3", "crc32": "2"}]',
        "overlong_utf8": b'[{"name": "/usr/\xc0\xaf..", "crc32": "0x1"}, {"name": "/usr/\xe0\x80\xaf", "crc32": "2"}]',
        "surrogate_utf8": b'[{"name": "/usr/\xed\xa0\x80", "crc32": "0x1"}]',
        "c1_control": b'[{"name": "/usr/\xc2\x9b[31m", "crc32": "0x1"}]',
        "utf8_name": '[{"name": "/usr/\u00e9t\u00e9/\u20ac.py", "crc32": "0x1"}]',
        "hostile_names": json.dumps([{"name": n, "crc32": "0x1"} for n in HOSTILE_NAMES]),
        "not_strings": '[{"name": 1, "crc32": "0x1"}, {"name": null, "crc32": "0x1"}, '
                       '{"name": ["/usr/a"], "crc32": "0x1"}, {"name": {"a": 1}, "crc32": "0x1"}, '
                       '{"name": true, "crc32": "0x1"}, 7, "x", null, [], {}]',
        "duplicates": '[{"name": "/usr/a", "crc32": "0x1"}, {"name": "/usr/a", "crc32": "0x2"}, '
                      '{"name": "/usr/a", "name": "/usr/b", "crc32": "0x3"}, '
                      '{"name": "/usr/c", "crc32": "0x3", "crc32": "0x4"}]',
        "crc_forms": json.dumps([{"name": "/usr/c%d" % i, "crc32": c} for i, c in enumerate(
            ["0x0", "0", "ffffffff", "0XFFFFFFFF", "0x", "", "0x123456789", "x1", "0x-1",
             " 0x1", "0x1 ", "0xg", "1" * 9, "00000000"])]),
        "crc_not_strings": '[{"name": "/usr/a", "crc32": 1}, {"name": "/usr/b", "crc32": 3523417719}, '
                           '{"name": "/usr/c", "crc32": null}, {"name": "/usr/d", "crc32": [1]}]',
        "sizes": json.dumps([{"name": "/usr/s%d" % i, "crc32": "0x1", "size": s} for i, s in enumerate(
            [0, 1, 4294967295, 4294967296, -1, 1.5, 1e3, 99999999999999999999, "1", None, True])]),
        "numbers": '[{"name": "/usr/a", "crc32": "0x1", "x": [0, -0, 1.0e+10, -1.5E-10, 1e999, '
                   '123456789012345678901234567890]}]',
        "bad_numbers": '[{"name": "/usr/a", "crc32": "0x1", "size": 01}]',
        "bad_numbers2": '[{"name": "/usr/a", "crc32": "0x1", "size": 1.}]',
        "bad_numbers3": '[{"name": "/usr/a", "crc32": "0x1", "size": -}]',
        "bad_numbers4": '[{"name": "/usr/a", "crc32": "0x1", "size": 1e}]',
        "bad_literals": '[{"name": "/usr/a", "crc32": "0x1", "x": tru}]',
        "bad_escape": '[{"name": "/usr/a\\x", "crc32": "0x1"}]',
        "bad_u_escape": '[{"name": "/usr/a\\u12g4", "crc32": "0x1"}]',
        "many_keys": "[{" + ", ".join('"k%d": %d' % (i, i) for i in range(2000)) +
                     ', "name": "/usr/a", "crc32": "0x1"}]',
        "long_name_100k": '[{"name": "/usr/' + "x" * 100000 + '", "crc32": "0x1"}, '
                          '{"name": "/usr/b", "crc32": "0x2"}]',
        "long_crc_100k": '[{"name": "/usr/a", "crc32": "0x' + "f" * 100000 + '"}, '
                         '{"name": "/usr/b", "crc32": "0x2"}]',
        "long_key": '[{"' + "n" * 5000 + '": 1, "name": "/usr/a", "crc32": "0x1"}]',
        "long_name_256": '[{"name": "/usr/' + "y" * 251 + '", "crc32": "0x1"}]',
        "many_entries": "[" + ",\n".join('{"name": "/usr/f%d", "crc32": "0x%x", "size": %d}' % (i, i, i)
                                         for i in range(500)) + "]",
    }
    for d in (1, 2, 62, 63, 64, 65, 66, 67, 70, 200):
        docs["deep_member_array_%d" % d] = '[{"name": "/usr/a", "x": %s, "crc32": "0x1"}]' % nest(d)
        docs["deep_member_object_%d" % d] = '[{"name": "/usr/a", "x": %s, "crc32": "0x1"}]' % nest(d, "{")
        docs["deep_element_%d" % d] = "[%s, {\"name\": \"/usr/a\", \"crc32\": \"0x1\"}]" % nest(d)
    docs["deep_unclosed_5000"] = "[" * 5000
    docs["deep_objects_unclosed"] = '[{"x": ' + '{"a": ' * 3000
    for off in (1, 2, 5, 13, 17, 30, 45, 60, 61, 62, 70, 100, len(DOC_EXAMPLE) - 3,
                len(DOC_EXAMPLE) - 2, len(DOC_EXAMPLE) - 1):
        docs["truncated_%d" % off] = DOC_EXAMPLE[:off]
    return docs


HOSTILE_NAMES = [
    "/usr/../outside", "/usr/../bak/usr/main.py", "/usr/./x", "/usr//x", "/usr/x/", "/usr/x/.",
    "/usr/x/..", "/usr/", "/usr", "", "/", "//usr/x", "usr/x", "main.py", "/bak/usr/x",
    "/usr/a\\b", "/usr/a\\..\\..\\x", "/usr/a\u0001b", "/usr/a\nb", "/usr/a\u007fb", "/usr/a\u0000b",
    "/usr/a\u009bb", "/USR/x", "/usr/checksum.json", "/usr/Checksum.JSON", "/usr/.qpybak/checksum.json",
    "/usr/.QPYBAK/boot.json", "/usr/.qpybak", "/usr/a.qpybak-tmp", "/usr/a.QPYBAK-TMP",
    "/usr/.qpybak/good/main.py", "/usr/...", "/usr/..a", "/usr/.a", "/usr/a.", "/usr/ a",
]


def flag_docs():
    return {
        "on": '{"enable": 1}',
        "off": '{"enable": 0}',
        "true": '{"enable": true}',
        "false": '{"enable": false}',
        "minus_zero": '{"enable": -0}',
        "zero_float": '{"enable": 0.0}',
        "tiny": '{"enable": 1e-999}',
        "zero_exp": '{"enable": 0e5}',
        "big": '{"enable": 123456789012345678901234567890}',
        "string": '{"enable": "1"}',
        "null": '{"enable": null}',
        "array": '{"enable": [1]}',
        "missing": '{"other": 1}',
        "empty_obj": "{}",
        "dup": '{"enable": 1, "enable": 0}',
        "unknown_members": '{"a": [1, {"b": null}], "enable": 1, "c": "x"}',
        "escaped_key": '{"en\\u0061ble": 1}',
        "key_nul": '{"enable\\u0000": 1}',
        "key_surrogate": '{"enable\\ud800": 1}',
        "bom": "\ufeff" + '{"enable": 1}',
        "bom_broken": b'\xef\xbb{"enable": 1}',
        "trailing_comma": '{"enable": 1,}',
        "truncated": '{"enable": 1',
        "truncated2": '{"enab',
        "garbage_after": '{"enable": 1} x',
        "array_top": '[{"enable": 1}]',
        "empty": "",
        "ws": " \n\t ",
        "deep_64": '{"x": %s, "enable": 1}' % nest(64),
        "deep_65": '{"x": %s, "enable": 1}' % nest(65),
        "deep_66": '{"x": %s, "enable": 1}' % nest(66),
        "deep_200": '{"x": %s, "enable": 1}' % nest(200),
        "size_4096": '{"enable": 1, "pad": "' + "p" * (4096 - 30) + '"}',
        "size_4097": '{"enable": 1, "pad": "' + "p" * (4097 - 30) + '"}',
        "large_5k": '{"enable": 1, "pad": "' + "p" * 5000 + '"}',
        "ws_padded_4096": '{"enable": 1}' + " " * (4096 - 13),
        "ws_padded_4097": '{"enable": 1}' + " " * (4097 - 13),
        # ujson's forms, and where QuecPython's 64 bytes decide otherwise
        "no_colon": '{"enable" 1}',
        "trailing_comma_twice": '{"enable": 1,,}',
        "dup_last_on": '{"enable": 0, "enable": 1}',
        "string_zero": '{"enable": "0"}',
        "string_empty": '{"enable": ""}',
        "object": '{"enable": {}}',
        "window_64": '{"enable": 1}' + " " * 51,
        "window_65": '{"enable": 1}' + " " * 51 + "\n",
        "window_65_cut_brace": '{"enable": 1, "pad": "' + "x" * 41 + '"}',
        "window_cut_string": '{"enable": 1, "pad": "' + "x" * 60 + '"}',
        "window_cut_between": '{"enable": 1,' + " " * 60 + '"x": 2}',
        "window_garbage_after": '{"enable": 1}' + " " * 51 + "x",
        "window_dup_after": '{"enable": 0,' + " " * 60 + '"enable": 1}',
        "window_number": '{"enable":' + " " * 53 + "10}",
        "nul_padding": b'{"enable": 1}' + b"\0" * 100,
        "bom_off": "\ufeff" + '{"enable": 0}',
    }


# ---------------------------------------------------------------- seeds


def reader_seeds(docs):
    # byte 0: chunk size index, 1: name size index, 2: source mode, 3: seed
    params = [bytes([5, 4, 0, 0]),     # 4096-byte chunks, name 256, whole reads
              bytes([0, 5, 0x40, 7]),  # 16-byte chunks, random reads
              bytes([1, 2, 0xC0, 3]),  # 17-byte chunks, name 8, random reads, failing end
              bytes([3, 6, 0x40, 99])]  # 64-byte chunks, name 4097
    for name, doc in docs.items():
        if isinstance(doc, str):
            doc = doc.encode("utf-8", "surrogatepass")
        variants = params if len(doc) < 2000 and not name.startswith("unit_") else params[:2]
        for i, p in enumerate(variants):
            seed("reader", "%s.%d" % (name, i), p + doc)


def flag_seeds(docs):
    for name, doc in docs.items():
        if isinstance(doc, str):
            doc = doc.encode("utf-8")
        seed("flag", name + ".0", bytes([0, 0]) + doc)
        seed("flag", name + ".1", bytes([0x41, 5]) + doc)
        if len(doc) < 200:
            seed("flag", name + ".2", bytes([0xC3, 9]) + doc)


def name_seeds():
    names = HOSTILE_NAMES + ["/usr/main.py", "/usr/lib/a.py", "/usr/\u00e9t\u00e9/\u20ac.py",
                             "/usr/\U0001F600", "/usr/" + "x" * 250, "/usr/" + "x" * 251,
                             "/usr/" + "d/" * 100 + "f", "/usr/a/../b"]
    raw = [b"/usr/\xff", b"/usr/\xc0\xaf", b"/usr/\xe0\x80\xaf", b"/usr/\xed\xa0\x80",
           b"/usr/\xf4\x90\x80\x80", b"/usr/\xf0\x8f\xbf\xbf", b"/usr/\xc2\x80", b"/usr/\xc2\xa0",
           b"/usr/\xc3", b"/usr/\xe2\x82"]
    for i, n in enumerate(names):
        b = n.encode("utf-8", "surrogatepass")
        seed("name", "n%02d" % i, b"\x00\x00" + b)
        seed("name", "n%02d_max24" % i, bytes([24, 0]) + b)
    for i, b in enumerate(raw):
        seed("name", "raw%02d" % i, b"\x00\x00" + b)
    seed("name", "long_4000", bytes([0xA0, 0x0F]) + b"/usr/" + b"z" * 3995)


def roundtrip_seeds():
    def ent(name, c, size=None):
        if isinstance(name, str):
            name = name.encode("utf-8", "surrogatepass")
        return (struct.pack("<H", len(name)) + name + struct.pack("<I", c) +
                bytes([1 if size is not None else 0]) + struct.pack("<I", size or 0))

    sets = {
        "spec": [ent("/usr/main.py", 0x1a2b3c4d, 1834), ent("/usr/apn_cfg.json", 0x00c0ffee, 112)],
        "quecpython": [ent("/usr/a.py", 0x5d3f0a1b), ent("/usr/b", 0xffffffff)],
        "empty": [],
        "escapes": [ent('/usr/a"b\\c/d', 1, 0), ent("/usr/\x01\x1f\x7f", 2, 2),
                    ent(b"/usr/\xc2\x80\xc2\x9f\xc2\xa0", 3, 3), ent("/usr/\u2028", 4, 4)],
        "invalid_utf8": [ent(b"/usr/\xff\xfe", 5, 5), ent(b"/usr/\xed\xa0\x80", 6),
                         ent(b"/usr/\xc3", 7, 7), ent(b"\xf4\x90\x80\x80", 8)],
        "nul": [ent(b"/usr/a\x00b", 9, 9)],
        "hostile": [ent(n, i, i) for i, n in enumerate(HOSTILE_NAMES)],
        "long": [ent("/usr/" + "L" * 4000, 10, 10), ent("/usr/" + "\u20ac" * 1400, 11)],
        "max": [ent("/usr/m", 0xffffffff, 0xffffffff), ent("/usr/z", 0, 0)],
    }
    for name, ents in sets.items():
        body = b"".join(ents)
        seed("roundtrip", name + ".0", bytes([5, 0, 0, 0]) + body)
        seed("roundtrip", name + ".1", bytes([0x08, 3, 0, 0]) + body)
        seed("roundtrip", name + ".fail", bytes([0x13, 0, 40, 0]) + body)


# ----------------------------------------------------------------- scenes


def manifest(entries, size=True):
    out = []
    for n, data in entries:
        e = {"name": n, "crc32": hexcrc(data)}
        if size:
            e["size"] = len(data)
        out.append(json.dumps(e))
    return "[\n" + ",\n".join(out) + "\n]\n"


def scene(primary, shadow, backup, flag, files, opts=(0, 0)):
    parts = [primary, shadow, backup, flag]
    for path, data in files:
        if isinstance(data, str):
            data = data.encode()
        parts.append(path.encode() + (b"" if data is None else b"\n" + data))
    parts = [p.encode() if isinstance(p, str) else p for p in parts]
    assert all(b"\x00" not in p for p in parts)
    return bytes(opts) + b"\x00".join(parts)


def boot_seeds():
    app = [("/usr/main.py", b"print('hello')\n"), ("/usr/lib/net.py", b"import socket\n" * 20),
           ("/usr/apn_cfg.json", b'{"apn": "cmnet"}'), ("/usr/empty.txt", b"")]
    m = manifest(app)
    bak_files = [("bak" + n, d) for n, d in app]
    usr_files = [(n[1:], d) for n, d in app]
    on = ""
    s = {}
    s["intact"] = scene(m, m, m, on, bak_files + usr_files)
    s["file_missing"] = scene(m, m, m, on, bak_files + usr_files[1:])
    s["file_modified"] = scene(m, m, m, on, bak_files + [("usr/main.py", "print('evil')\n")] + usr_files[1:])
    s["all_missing"] = scene(m, m, m, on, bak_files)
    s["backup_copy_bad"] = scene(m, m, m, on, [("bak/usr/main.py", "damaged")] + bak_files[1:] + usr_files[1:])
    s["backup_copy_missing"] = scene(m, m, m, on, bak_files[1:] + usr_files[1:])
    s["primary_missing"] = scene("", m, m, on, bak_files + usr_files)
    s["primary_corrupt"] = scene(m[:40], m, m, on, bak_files + usr_files)
    s["both_missing"] = scene("", "", m, on, bak_files + usr_files[1:])
    s["both_corrupt"] = scene("[{", "x", m, on, bak_files + usr_files[1:])
    s["shadow_stale"] = scene(m, manifest(app[:2]), m, on, bak_files + usr_files)
    s["backup_manifest_corrupt"] = scene(m, m, m[:-5], on, bak_files + usr_files[1:])
    s["backup_manifest_missing"] = scene(m, m, "", on, bak_files + usr_files[1:])
    s["nothing"] = scene("", "", "", on, [])
    s["flag_off"] = scene(m, m, m, '{"enable": 0}', bak_files)
    s["flag_malformed"] = scene(m, m, m, '{"enable": ', bak_files)
    s["flag_bom"] = scene(m, m, m, '\ufeff{"enable": true}', bak_files + usr_files[1:])
    s["quecpython_nosize"] = scene(manifest(app, False), "", manifest(app, False), on,
                                   bak_files + usr_files[1:])
    # a calc'd edit: the user manifest differs from the factory one
    edited = [("/usr/main.py", b"print('edited')\n")] + app[1:]
    s["calc_edit_intact"] = scene(manifest(edited), manifest(edited), m, on,
                                  bak_files + [(n[1:], d) for n, d in edited])
    s["calc_edit_damaged"] = scene(manifest(edited), manifest(edited), m, on,
                                   bak_files + [("usr/main.py", "junk")] + usr_files[1:])
    # hostile names with bait behind them
    bait = b"PWNED\n"
    hm = json.dumps([{"name": n, "crc32": hexcrc(bait)} for n in HOSTILE_NAMES] +
                    [{"name": n, "crc32": hexcrc(d), "size": len(d)} for n, d in app])
    s["hostile_names"] = scene(hm, hm, m, on, bak_files + usr_files[1:] + [
        ("bak/outside", bait), ("bak/usr/x", bait), ("usr/x.d/", None), ("bak/x", bait)])
    s["not_strings"] = scene('[{"name": 1, "crc32": "0x1"}, 5, null, {"name": "/usr/main.py", '
                             '"crc32": "%s"}]' % hexcrc(app[0][1]), "", m, on, bak_files)
    dup = json.dumps([{"name": "/usr/main.py", "crc32": "0x1"},
                      {"name": "/usr/main.py", "crc32": hexcrc(app[0][1])},
                      {"name": "/usr/lib/net.py", "crc32": hexcrc(app[1][1]), "size": len(app[1][1])},
                      {"name": "/usr/lib/net.py", "crc32": "0x2"}])
    s["duplicates"] = scene(dup, dup, m, on, bak_files)
    inv_then_valid = json.dumps([{"name": "/usr/main.py", "crc32": "zz"},
                                 {"name": "/usr/main.py", "crc32": hexcrc(app[0][1])}])
    s["invalid_then_valid"] = scene(inv_then_valid, "", m, on, bak_files)
    s["dir_where_file"] = scene(m, m, m, on, bak_files + [("usr/main.py/", None), ("usr/main.py/x", "1")])
    s["parent_is_file"] = scene(m, m, m, on, bak_files + [("usr/lib", "a file")])
    s["manifest_is_dir"] = scene("", "", m, on, bak_files + [("usr/checksum.json/", None)])
    s["backup_is_dir"] = scene(m, m, m, on, [("bak/usr/main.py/", None)] + bak_files[1:])
    s["stale_temps"] = scene(m, m, m, on, bak_files + usr_files + [
        ("usr/main.py.qpybak-tmp", "half"), ("usr/checksum.json.qpybak-tmp", "[{"),
        ("usr/.qpybak/checksum.json.qpybak-tmp", "x"), ("usr/.qpybak/boot.json.qpybak-tmp", "{")])
    s["temp_is_dir"] = scene(m, m, m, on, bak_files + usr_files[1:] + [("usr/main.py.qpybak-tmp/", None)])
    # FOTA: a pending journal and its staged files
    new = b"print('v2')\n"
    journal = json.dumps([{"name": "/usr/main.py", "crc32": hexcrc(new), "size": len(new),
                           "from": "/usr/.updater/main.py"}])
    s["fota_pending"] = scene(m, m, m, on, bak_files + usr_files + [
        ("usr/.qpybak/fota.json", journal), ("usr/.updater/main.py", new)])
    s["fota_done_half"] = scene(m, m, m, on, bak_files + [("usr/main.py", new)] + usr_files[1:] + [
        ("usr/.qpybak/fota.json", journal)])
    s["fota_staged_bad"] = scene(m, m, m, on, bak_files + usr_files + [
        ("usr/.qpybak/fota.json", journal), ("usr/.updater/main.py", "tampered")])
    s["fota_corrupt_journal"] = scene(m, m, m, on, bak_files + usr_files + [
        ("usr/.qpybak/fota.json", journal[:20])])
    hj = json.dumps([{"name": "/usr/main.py", "crc32": "0x1", "from": "/usr/../bak/x"},
                     {"name": "/usr/main.py", "crc32": hexcrc(app[1][1]), "from": "/usr/lib/net.py"},
                     {"name": "/usr/../x", "crc32": "0x1", "from": "/usr/.updater/../x"},
                     {"name": "/usr/checksum.json", "crc32": "0x1", "from": "/usr/x/checksum.json"}])
    s["fota_hostile_journal"] = scene(m, m, m, on, bak_files + usr_files + [("usr/.qpybak/fota.json", hj)])
    s["last_good"] = scene(manifest([("/usr/main.py", new)] + app[1:]), "", m, on, bak_files +
                           usr_files[1:] + [("usr/.qpybak/good/main.py", new)])
    s["utf8_names"] = scene(manifest([("/usr/\u00e9t\u00e9/\u20ac.py", b"x")]), "",
                            manifest([("/usr/\u00e9t\u00e9/\u20ac.py", b"x")]), on,
                            [("bak/usr/\u00e9t\u00e9/\u20ac.py", "x")])
    s["deep_dirs"] = scene(manifest([("/usr/a/b/c/d/e/f.py", b"deep")]), "",
                           manifest([("/usr/a/b/c/d/e/f.py", b"deep")]), on,
                           [("bak/usr/a/b/c/d/e/f.py", "deep"), ("usr/a/b", "file in the way")])
    s["size_mismatch"] = scene(m.replace('"size": 15', '"size": 16'), "", m, on, bak_files + usr_files)
    # same size, other content: only the CRC tells them apart
    s["same_size_other_crc"] = scene(manifest([("/usr/z", b"\x01" * 64)]), "",
                                     manifest([("/usr/z", b"\x01" * 64)]), on,
                                     [("bak/usr/z", b"\x01" * 64), ("usr/z", b"\x02" * 64)])
    # Found by fuzz_boot (second boot restored again): a user entry whose
    # size the file fails, a factory entry without size whose crc32 the
    # file matches, no backup copy at all.  Boot took the file for "the
    # copy a cut boot installed", reported it restored and left the entry:
    # the same at every boot.
    s["regress_sizeless_factory_shortcut"] = scene(
        '[{"name": "/usr/apn_cfg.json", "crc32":"56f7893a","size": 0}]', "",
        '[\n{"name":"/usr/apn_cfg.json","crc32":"56f7893a"}]', "",
        [("usr/apn_cfg.json", '{"apn": "cmnet"}')])
    # Zero-filled flash: 4096 zero bytes have the crc32 of an empty file.
    # With a factory manifest from QuecPython's tools (no size), only the
    # backup copy tells the damage apart ("\x01Z<n>;" is n zero bytes).
    s["regress_zero_filled_sizeless_factory"] = scene(
        manifest([("/usr/z.txt", b""), ("/usr/a.py", b"x = 1\n")]), "",
        '[{"name": "/usr/z.txt", "crc32": "0xffffffff"}, {"name": "/usr/a.py", "crc32": "%s"}]'
        % hexcrc(b"x = 1\n"), "",
        [("bak/usr/z.txt", ""), ("bak/usr/a.py", "x = 1\n"), ("usr/a.py", "x = 1\n"),
         ("usr/z.txt", b"\x01Z4096;")])
    s["zero_filled_with_size"] = scene(
        manifest([("/usr/z.txt", b"")]), "", manifest([("/usr/z.txt", b"")]), "",
        [("bak/usr/z.txt", ""), ("usr/z.txt", b"\x01Z64;")])
    opts = {"": (0, 0), ".big": (3, 0), ".min37": (1, 0), ".nm24": (4, 0), ".nm400": (12 | 2, 0),
            ".jitter": (0x10, 5), ".byte": (0x80, 0), ".fault3": (0x40, 2), ".fault20": (0x40, 19), ".rofs": (0x40, 0xF0),
            ".nospc": (0x20, 4)}
    for name, data in s.items():
        for suffix, o in opts.items():
            if suffix and suffix not in (".big", ".jitter") and name not in (
                    "file_missing", "hostile_names", "fota_pending", "both_corrupt", "stale_temps",
                    "duplicates", "primary_corrupt", "all_missing", "deep_dirs"):
                continue
            seed("boot", name + suffix, bytes(o) + data[2:])


def main():
    # Rewrites its own seeds (listed in corpus/GENERATED); anything else in
    # corpus/ - reproducers, inputs merged from long runs - stays.
    listed = os.path.join(OUT, "GENERATED")
    if os.path.exists(listed):
        for rel in open(listed).read().split():
            if os.path.exists(os.path.join(OUT, rel)):
                os.remove(os.path.join(OUT, rel))
    mdocs = manifest_docs()
    lit_m = harvested(os.path.join(ROOT, "tests/unit/test_manifest.c"), (b"[", b"{"))
    for i, lit in enumerate(lit_m):
        mdocs["unit_%03d" % i] = lit if lit.lstrip()[:1] == b"[" else b"[" + lit + b"]"
    reader_seeds(mdocs)
    fdocs = flag_docs()
    for i, lit in enumerate(harvested(os.path.join(ROOT, "tests/unit/test_flag.c"), (b"{", b"["))):
        fdocs["unit_%03d" % i] = lit
    flag_seeds(fdocs)
    name_seeds()
    roundtrip_seeds()
    boot_seeds()
    with open(listed, "w") as f:
        f.write("".join(sorted(rel + "\n" for rel in generated)))
    for t in sorted(d for d in os.listdir(OUT) if os.path.isdir(os.path.join(OUT, d))):
        files = os.listdir(os.path.join(OUT, t))
        size = sum(os.path.getsize(os.path.join(OUT, t, f)) for f in files)
        print("%-10s %4d seeds, %7d bytes" % (t, len(files), size))


if __name__ == "__main__":
    sys.exit(main())
