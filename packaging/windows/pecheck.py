#!/usr/bin/env python3
"""Checks a Windows PE file the way Windows would see it, without Windows.

Usage: pecheck.py FILE [--pe32plus] [--gui] [--icon] [--manifest]
                       [--version STRING] [--fixed A.B.C.D]

Reads the headers and the resource directory with struct (no third-party
modules) and fails with a plain message when the file is not what a release
must be: a 64-bit (PE32+) image, the GUI subsystem (no console window), an
application icon (RT_GROUP_ICON + RT_ICON), a manifest, and a version
resource (RT_VERSION) carrying the package's version.
"""
import argparse
import struct
import sys

RT_ICON, RT_GROUP_ICON, RT_VERSION, RT_MANIFEST = 3, 14, 16, 24
RT_NAMES = {RT_ICON: "RT_ICON", RT_GROUP_ICON: "RT_GROUP_ICON", RT_VERSION: "RT_VERSION", RT_MANIFEST: "RT_MANIFEST"}
SUBSYSTEMS = {2: "GUI", 3: "console"}


class PEError(Exception):
    pass


class PE:
    def __init__(self, data):
        self.data = data
        if data[:2] != b"MZ":
            raise PEError("no MZ header: not a Windows executable")
        (e_lfanew,) = struct.unpack_from("<I", data, 0x3C)
        if data[e_lfanew:e_lfanew + 4] != b"PE\0\0":
            raise PEError("no PE signature")
        coff = e_lfanew + 4
        self.machine, nsect, _, _, _, optsize, self.characteristics = struct.unpack_from("<HHIIIHH", data, coff)
        opt = coff + 20
        (self.magic,) = struct.unpack_from("<H", data, opt)
        if self.magic not in (0x10B, 0x20B):
            raise PEError(f"unknown optional header magic {self.magic:#x}")
        (self.subsystem,) = struct.unpack_from("<H", data, opt + 68)
        dirs = opt + (112 if self.magic == 0x20B else 96)
        (ndirs,) = struct.unpack_from("<I", data, dirs - 4)
        self.res_rva = self.res_size = 0
        if ndirs > 2:
            self.res_rva, self.res_size = struct.unpack_from("<II", data, dirs + 8 * 2)
        self.sections = []
        sect = opt + optsize
        for i in range(nsect):
            name, vsize, va, rawsize, rawptr = struct.unpack_from("<8sIIII", data, sect + 40 * i)
            self.sections.append((name.rstrip(b"\0").decode("latin-1"), va, max(vsize, rawsize), rawptr))

    @property
    def kind(self):
        return "PE32+" if self.magic == 0x20B else "PE32"

    def offset(self, rva):
        for _, va, size, rawptr in self.sections:
            if va <= rva < va + size:
                return rva - va + rawptr
        raise PEError(f"RVA {rva:#x} is in no section")

    def resources(self):
        """Returns {type id: [bytes of each leaf]} for integer-typed resources."""
        if not self.res_rva:
            return {}
        base = self.offset(self.res_rva)
        out = {}

        def entries(off):
            _, _, _, _, named, ids = struct.unpack_from("<IIHHHH", self.data, base + off)
            for i in range(named + ids):
                name, target = struct.unpack_from("<II", self.data, base + off + 16 + 8 * i)
                yield name, target

        def leaves(target):
            if target & 0x80000000:
                for _, t in entries(target & 0x7FFFFFFF):
                    yield from leaves(t)
            else:
                rva, size, _, _ = struct.unpack_from("<IIII", self.data, base + target)
                start = self.offset(rva)
                yield self.data[start:start + size]

        for name, target in entries(0):
            if name & 0x80000000:
                continue  # a named type: none of the standard ones
            out[name] = list(leaves(target))
        return out


def fixed_version(blob):
    i = blob.find(struct.pack("<I", 0xFEEF04BD))
    if i < 0:
        raise PEError("version resource has no VS_FIXEDFILEINFO")
    fms, fls = struct.unpack_from("<II", blob, i + 8)
    return f"{fms >> 16}.{fms & 0xFFFF}.{fls >> 16}.{fls & 0xFFFF}"


def string_value(blob, key):
    text = blob.decode("utf-16-le", errors="replace")
    i = text.find(key + "\0")
    if i < 0:
        return None
    rest = text[i + len(key) + 1:].lstrip("\0")
    return rest.split("\0", 1)[0]


def icon_sizes(group):
    _, _, count = struct.unpack_from("<HHH", group, 0)
    sizes = []
    for i in range(count):
        w = group[6 + 14 * i]
        sizes.append(256 if w == 0 else w)
    return sizes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--pe32plus", action="store_true", help="require a 64-bit (x86-64) image")
    ap.add_argument("--gui", action="store_true", help="require the GUI subsystem")
    ap.add_argument("--icon", action="store_true", help="require an application icon")
    ap.add_argument("--manifest", action="store_true", help="require a manifest")
    ap.add_argument("--version", help="ProductVersion string the version resource must carry")
    ap.add_argument("--fixed", help="numeric file version A.B.C.D the version resource must carry")
    a = ap.parse_args()

    with open(a.file, "rb") as f:
        pe = PE(f.read())
    res = pe.resources()
    fails = []
    subsystem = SUBSYSTEMS.get(pe.subsystem, str(pe.subsystem))
    print(f"{a.file}: {pe.kind}, machine {pe.machine:#06x}, subsystem {subsystem}, "
          f"resources: {', '.join(RT_NAMES.get(t, str(t)) for t in sorted(res)) or 'none'}")
    if a.pe32plus and (pe.magic != 0x20B or pe.machine != 0x8664):
        fails.append(f"not a 64-bit PE32+ x86-64 image ({pe.kind}, machine {pe.machine:#x})")
    if a.gui and pe.subsystem != 2:
        fails.append(f"subsystem is {subsystem}, not GUI: Windows would open a console window")
    if a.icon:
        if not res.get(RT_GROUP_ICON) or not res.get(RT_ICON):
            fails.append("no application icon (RT_GROUP_ICON and RT_ICON)")
        else:
            print(f"  icon sizes: {icon_sizes(res[RT_GROUP_ICON][0])}")
    if a.manifest and not res.get(RT_MANIFEST):
        fails.append("no manifest (RT_MANIFEST)")
    if a.version or a.fixed:
        if not res.get(RT_VERSION):
            fails.append("no version resource (RT_VERSION)")
        else:
            blob = res[RT_VERSION][0]
            fixed = fixed_version(blob)
            pv = string_value(blob, "ProductVersion")
            print(f"  version resource: FileVersion {fixed}, ProductVersion {pv!r}, "
                  f"ProductName {string_value(blob, 'ProductName')!r}")
            if a.fixed and fixed != a.fixed:
                fails.append(f"fixed file version is {fixed}, want {a.fixed}")
            if a.version and pv != a.version:
                fails.append(f"ProductVersion is {pv!r}, want {a.version!r}")
    for f in fails:
        print(f"FAIL: {a.file}: {f}", file=sys.stderr)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    try:
        main()
    except (PEError, struct.error, IndexError) as e:
        print(f"FAIL: {sys.argv[1] if len(sys.argv) > 1 else '?'}: not a valid PE file: {e}", file=sys.stderr)
        sys.exit(1)
