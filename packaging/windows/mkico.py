#!/usr/bin/env python3
"""Writes a Windows .ico from the app's PNG icons.

Usage: mkico.py OUT.ico PNG...

Each PNG is stored as is (PNG-compressed icon entries, read by Windows Vista
and later, goversioninfo and makensis), so the .ico is rebuilt from the
committed PNGs on every package build and never drifts from them.
"""
import struct
import sys


def png_size(data, name):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        sys.exit(f"mkico: {name} is not a PNG file")
    return struct.unpack(">II", data[16:24])


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: mkico.py OUT.ico PNG...")
    out, pngs = sys.argv[1], sys.argv[2:]
    images = []
    for name in pngs:
        with open(name, "rb") as f:
            data = f.read()
        w, h = png_size(data, name)
        if w != h or w > 256:
            sys.exit(f"mkico: {name} is {w}x{h}; icons must be square and at most 256 px")
        images.append((w, data))
    images.sort(key=lambda i: i[0])
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for w, data in images:
        # A width or height of 256 is written as 0 in the directory entry.
        dim = 0 if w == 256 else w
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    with open(out, "wb") as f:
        f.write(header + entries + blobs)


if __name__ == "__main__":
    main()
