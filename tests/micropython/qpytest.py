# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
#
# What the MicroPython scripts share: two RAM block devices formatted and
# mounted at /usr and /bak (littlefs2 by default, FAT on request), a packer
# that lays the backup partition out as QPYcom and `qpybak pack` do, with
# checksums from binascii.crc32 (not from qpybak), and small checks that
# count failures and print them.
import binascii
import gc
import json
import os
import sys

try:
    import vfs
except ImportError:  # MicroPython before 1.21: the same calls in os
    vfs = os

# QPYBAK_GC_STRESS=1: a collection at nearly every allocation, so that an
# object the module holds where the collector does not look (an open file,
# the list of events) would be freed under it.
if os.getenv("QPYBAK_GC_STRESS"):
    gc.threshold(128)


class RAMBlockDev:
    """A block device in RAM, with the extended interface littlefs uses
    (an offset into the block) and the plain one FAT uses."""

    def __init__(self, block_size, block_count):
        self.fail_writes = False  # a worn or write-protected medium: EIO
        self.on_read = None  # called once, at the next read (then cleared)
        self.block_size = block_size
        self.data = bytearray(block_size * block_count)
        self.block_count = block_count

    def readblocks(self, block, buf, offset=0):
        if self.on_read is not None:
            hook, self.on_read = self.on_read, None
            hook()
        start = block * self.block_size + offset
        buf[:] = self.data[start : start + len(buf)]

    def writeblocks(self, block, buf, offset=None):
        if self.fail_writes:
            return -5  # EIO, which the file system raises as OSError
        if offset is None:  # the plain interface: whole blocks, erase included
            offset = 0
        start = block * self.block_size + offset
        self.data[start : start + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:  # block count
            return self.block_count
        if op == 5:  # block size
            return self.block_size
        if op == 6:  # erase a block
            return 0
        return None


def _make_fs(kind, bdev):
    if kind == "lfs":
        vfs.VfsLfs2.mkfs(bdev)
        return vfs.VfsLfs2(bdev)
    vfs.VfsFat.mkfs(bdev)
    return vfs.VfsFat(bdev)


def _bdev(kind):
    # littlefs: 4 KiB erase blocks; FAT: 512-byte sectors (FatFs wants at
    # least 128 of them).  Both 512 KiB.
    return RAMBlockDev(4096, 128) if kind == "lfs" else RAMBlockDev(512, 1024)


# The block devices behind the mounted partitions, by mount point.
devices = {}


def mount(kind="lfs"):
    """Formats and mounts fresh partitions at /usr and /bak."""
    for point in ("/usr", "/bak"):
        try:
            vfs.umount(point)
        except OSError:
            pass
    devices.clear()
    gc.collect()  # the previous partitions' RAM
    devices["/usr"] = _bdev(kind)
    devices["/bak"] = _bdev(kind)
    usr = _make_fs(kind, devices["/usr"])
    bak = _make_fs(kind, devices["/bak"])
    vfs.mount(usr, "/usr")
    vfs.mount(bak, "/bak")
    return usr, bak


def remount_bak_readonly(bak):
    """The backup partition as a device has it: read-only."""
    vfs.umount("/bak")
    vfs.mount(bak, "/bak", readonly=True)


def crc_text(data):
    return "0x%08x" % binascii.crc32(data, 0xFFFFFFFF)


def exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def makedirs(path):
    part = ""
    for name in path.strip("/").split("/"):
        part += "/" + name
        if not exists(part):
            os.mkdir(part)


def write(path, data):
    makedirs(path[: path.rfind("/")])
    with open(path, "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def pack(files, enable=1, with_size=True):
    """files: {device path under /usr: bytes}.  Writes the backup partition
    (/bak/usr/..., /bak/checksum.json, /bak/backup_restore.json) and the
    user partition (/usr/..., /usr/checksum.json), as a factory image."""
    entries = []
    for name in sorted(files):
        entry = {"name": name, "crc32": crc_text(files[name])}
        if with_size:
            entry["size"] = len(files[name])
        entries.append(entry)
        write("/bak" + name, files[name])
        write(name, files[name])
    manifest = json.dumps(entries)
    write("/bak/checksum.json", manifest)
    write("/usr/checksum.json", manifest)
    write("/bak/backup_restore.json", json.dumps({"enable": enable}))


class Checks:
    def __init__(self, script):
        self.script = script
        self.failed = 0
        self.run = 0

    def eq(self, what, got, want):
        self.run += 1
        if got != want:
            self.failed += 1
            print("FAIL %s: %r, expected %r" % (what, got, want))

    def true(self, what, cond):
        self.eq(what, bool(cond), True)

    def done(self):
        print("%s: %d checks, %d failed" % (self.script, self.run, self.failed))
        sys.exit(1 if self.failed else 0)


def states(result):
    """{name: state} of the files a run reported."""
    return {f["name"]: f["state"] for f in result["files"]}
