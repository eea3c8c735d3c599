#!/usr/bin/env python3
"""Reduces a bionic symbol map (libc/libc.map.txt and the like) to the names
public to apps on one ABI at one API level, one name a line.

Usage: reduce_map.py MAP ABI API [--only-block NAME]
  ABI is arm64-v8a, armeabi-v7a or x86_64; API is the app's minSdkVersion.

The rules follow the map format that AOSP's NDK stub generator reads:
- blocks named *_PRIVATE or *_PLATFORM, and LIBC_DEPRECATED, are not NDK API;
- a symbol or block tagged with architectures (arm, arm64, x86, x86_64, ...)
  exists only there;
- `introduced=N` (or a codename such as O, P, Q) and `introduced-ARCH=N` give
  the first API level; a symbol's level is the later of its own and its
  block's; `versioned=N` symbols exist before N (they only gain a version);
- symbols tagged apex, llndk, platform-only or future are not NDK API.
"""
import re
import sys

ABI_ARCH = {"arm64-v8a": "arm64", "armeabi-v7a": "arm", "x86_64": "x86_64", "x86": "x86"}
ARCHES = {"arm", "arm64", "x86", "x86_64", "mips", "mips64", "riscv64"}
CODENAMES = {"N": 24, "O": 26, "O-MR1": 27, "P": 28, "Q": 29, "R": 30, "S": 31, "T": 33,
             "Tiramisu": 33, "U": 34, "V": 35}
NOT_NDK = {"apex", "llndk", "platform-only", "future"}


def level(value):
    return CODENAMES[value] if value in CODENAMES else int(value)


def parse_tags(comment, arch):
    """Returns (arches or None, introduced level, excluded?) for a tag comment."""
    tags = comment.split()
    arches = {t for t in tags if t in ARCHES}
    introduced = 0
    own_arch = None
    excluded = any(t in NOT_NDK for t in tags)
    for t in tags:
        if t.startswith("introduced="):
            introduced = level(t.split("=", 1)[1])
        elif t.startswith("introduced-") and "=" in t:
            key, value = t.split("=", 1)
            if key == "introduced-" + arch:
                own_arch = level(value)
    if own_arch is not None:
        introduced = own_arch
    return (arches or None), introduced, excluded


def reduce(text, abi, api, only_block=None):
    arch = ABI_ARCH[abi]
    names = set()
    block = None  # (name, arches, introduced, skipped)
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        code, _, comment = line.partition("#")
        code = code.strip()
        opened = re.match(r"^([A-Za-z0-9_]+)\s*\{$", code)
        if opened:
            name = opened.group(1)
            arches, introduced, excluded = parse_tags(comment, arch)
            skipped = (excluded or name.endswith("_PRIVATE") or name.endswith("_PLATFORM")
                       or name == "LIBC_DEPRECATED"
                       or (arches is not None and arch not in arches)
                       or (only_block is not None and name != only_block))
            block = (name, introduced, skipped)
            continue
        if code.startswith("}"):
            block = None
            continue
        if block is None or code in ("global:", "local:", "*;"):
            continue
        if not code.endswith(";"):
            raise SystemExit(f"reduce_map.py: cannot read line: {raw!r}")
        _, block_level, skipped = block
        if skipped:
            continue
        symbol = code[:-1].strip()
        arches, introduced, excluded = parse_tags(comment, arch)
        if excluded or (arches is not None and arch not in arches):
            continue
        if max(introduced, block_level) > api:
            continue
        names.add(symbol)
    return sorted(names)


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--only-block")]
    only = None
    for a in argv[1:]:
        if a.startswith("--only-block="):
            only = a.split("=", 1)[1]
    if len(args) != 3 or args[1] not in ABI_ARCH:
        raise SystemExit(__doc__)
    with open(args[0]) as f:
        for name in reduce(f.read(), args[1], int(args[2]), only):
            print(name)


if __name__ == "__main__":
    main(sys.argv)
