#!/usr/bin/env python3
"""Prints one line per entry of a tree, sorted by path: enough to tell two trees apart by content.

    bench/tree_sum.py DIR > DIR.sum

Lines: `d PATH` for a folder, `f PATH SIZE SHA256` for a regular file, `l PATH TARGET` for a symbolic link (not
followed), `o PATH` for anything else. PATH is relative to DIR, with `\\n` and `\\` escaped. Two trees whose sums are
equal hold the same folders (empty ones too), the same file contents and the same link targets: what
`diff -r --no-dereference` compares, read once per tree instead of once per comparison. Files are hashed on one
thread per core (hashlib releases the interpreter lock while it hashes).
"""
import hashlib
import os
import stat
import sys
from concurrent.futures import ThreadPoolExecutor


def escape(path):
    return path.replace("\\", "\\\\").replace("\n", "\\n")


def walk(root):
    """Yields (kind, relative path, full path) for every entry below root, links not followed."""
    stack = [""]
    while stack:
        rel = stack.pop()
        with os.scandir(os.path.join(root, rel) if rel else root) as it:
            for e in it:
                path = rel + "/" + e.name if rel else e.name
                mode = e.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    stack.append(path)
                    yield "d", path, e.path
                elif stat.S_ISREG(mode):
                    yield "f", path, e.path
                elif stat.S_ISLNK(mode):
                    yield "l", path, e.path
                else:
                    yield "o", path, e.path


def file_line(path, full):
    with open(full, "rb") as f:
        digest = hashlib.file_digest(f, "sha256") if hasattr(hashlib, "file_digest") else _digest(f)
        size = f.tell()
    return "f %s %d %s" % (escape(path), size, digest.hexdigest())


def _digest(f):
    h = hashlib.sha256()
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
    return h


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: tree_sum.py DIR")
    root = sys.argv[1]
    lines = []
    files = []
    for kind, path, full in walk(root):
        if kind == "f":
            files.append((path, full))
        elif kind == "l":
            lines.append("l %s %s" % (escape(path), escape(os.readlink(full))))
        else:
            lines.append("%s %s" % (kind, escape(path)))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        lines.extend(pool.map(lambda pf: file_line(*pf), files, chunksize=256))
    lines.sort(key=lambda line: line[2:])
    out = sys.stdout
    for line in lines:
        out.write(line)
        out.write("\n")


if __name__ == "__main__":
    main()
