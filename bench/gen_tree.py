#!/usr/bin/env python3
"""Generates a Plex-like data folder for the archiver benchmark, the same for a given seed.

Usage: gen_tree.py DIR [--files N] [--mb M] [--seed S]

Roughly what a media server holds: many small XML/JSON metadata files (compressible), JPEG posters and BIF
thumbnail files (random bytes, incompressible, like the real ones), and a few large SQLite-like databases
(compressible). Defaults: 50,000 files, about 1 GB.
"""
import argparse
import os
import random

WORDS = ("movie title year genre director actor rating summary studio tagline poster art thumb guid "
         "agent library section metadata item media part stream codec bitrate width height duration").split()


def text_block(rng, size):
    out = []
    n = 0
    while n < size:
        line = '<Item key="%d" %s="%s" %s="%d"/>\n' % (
            rng.randrange(10**9), rng.choice(WORDS), " ".join(rng.choices(WORDS, k=rng.randrange(2, 9))),
            rng.choice(WORDS), rng.randrange(10**6))
        out.append(line)
        n += len(line)
    return "".join(out).encode()[:size]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--files", type=int, default=50_000)
    ap.add_argument("--mb", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    total = a.mb * 1_000_000
    # shares of bytes: metadata text 15 %, posters 45 %, bif 20 %, databases 20 %
    n_db = 3
    n_bif = max(1, a.files // 250)
    n_jpg = max(1, a.files // 6)
    n_meta = a.files - n_db - n_bif - n_jpg
    pool = text_block(rng, 4_000_000)

    def write(rel, data):
        p = os.path.join(a.dir, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)

    def text(size):
        start = rng.randrange(0, len(pool) - size) if size < len(pool) else 0
        return pool[start:start + size]

    meta_each = int(total * 0.15 / n_meta)
    for i in range(n_meta):
        bucket = "%02x" % (i % 256)
        write("Metadata/Movies/%s/%08d.bundle/Contents/_combined/Info.xml" % (bucket, i),
              text(max(200, int(rng.expovariate(1 / meta_each)))))
    jpg_each = int(total * 0.45 / n_jpg)
    for i in range(n_jpg):
        write("Metadata/Movies/%02x/%08d.bundle/Contents/_combined/posters/poster.jpg" % (i % 256, i),
              os.urandom(max(1000, int(rng.uniform(0.5, 1.5) * jpg_each))))
    bif_each = int(total * 0.20 / n_bif)
    for i in range(n_bif):
        write("Media/localhost/%x/%08d.bundle/Contents/Indexes/index-sd.bif" % (i % 16, i), os.urandom(bif_each))
    db_each = int(total * 0.20 / n_db)
    for i, name in enumerate(("com.plexapp.plugins.library.db", "com.plexapp.plugins.library.blobs.db",
                              "com.plexapp.dlna.db")):
        data = bytearray()
        while len(data) < db_each:
            data += text(min(1_000_000, db_each - len(data)))
            data += bytes(4096)
        write("Plug-in Support/Databases/" + name, bytes(data[:db_each]))
    write("Preferences.xml", b'<Preferences MachineIdentifier="bench"/>\n')


if __name__ == "__main__":
    main()
