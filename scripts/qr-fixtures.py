#!/usr/bin/env python3
"""Writes the QR code fixtures of runtime/shell/tests/qr.rs into OUTDIR, made by segno.

segno is an encoder independent of the `qrcode` crate the runtime uses, so the camera's decoder
is tested against codes it did not make itself. Each fixture is a plain PNG of one code
(`<name>.png`, 10 px per module, the standard 4-module quiet zone) plus `<name>.txt` with the
exact text it holds; the test does the distortions (rotation, scaling, blur, noise, JPEG, photos)
itself with the `image` crate, so nothing here needs Pillow.

Usage: python3 scripts/qr-fixtures.py OUTDIR
Needs: segno (`pip install segno`; `cargo xtask setup` installs it).
"""

import os
import sys

try:
    import segno
except ImportError:
    sys.exit("error: the Python package segno is missing; run `cargo xtask setup` (or `pip install segno`)")

# name -> text. Error correction M (segno's default would boost it; fixed here so the fixtures
# do not change with segno's version) and never a Micro QR code, which rqrr cannot read.
FIXTURES = {
    # a launch URL, version 4 at level M
    "launch": "http://127.0.0.1:7878/apps/counter?path=pages/index/index&scene=poster42",
    # text that is not a launch URL
    "hello": "hello from the camera test",
    # a longer launch URL (more modules, so smaller ones at the same image size)
    "long": "https://cloud.example.com/prefix/apps/com.example.shop?path=pages/item/item&query=id%3D1234%26ref%3Dposter&scene=spring",
}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python3 scripts/qr-fixtures.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, text in FIXTURES.items():
        code = segno.make_qr(text, error="m", boost_error=False)
        code.save(os.path.join(out, name + ".png"), scale=10, border=4)
        with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)
        print(f"{name}.png: version {code.version}-{code.error}, {text}")


if __name__ == "__main__":
    main()
