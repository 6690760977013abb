#!/usr/bin/env python3
"""Generates a Plex-like data folder for the benchmarks: the same bytes for the same seed and preset.

Usage: gen_tree.py DIR [--preset small|plex] [--files N] [--mb M] [--seed S] [--jobs N]

Presets (--files and --mb override them):
  small  about 20,000 files, 300 MB (databases about 40 MB)
  plex   about 150,000 files, 3 GB (databases about 400 MB)

What it holds, shaped like "Library/Application Support/Plex Media Server":
- Metadata/Movies and Metadata/TV Shows: bundles named by a 40-digit hash (first digit as a folder), each with
  small XML files (compressible, similar to each other), a JPEG-like poster (random bytes behind a JPEG header,
  incompressible), and in some bundles "_combined" symlinks to an agent's poster (relative, with "..") or an
  empty folder. Bundle paths are 110-190 characters; one path is over 260.
- Plug-in Support/Data: small JSON files; a few names in other scripts (accents, CJK, an emoji, a decomposed
  accent), and a symlink to a folder.
- Cache/PhotoTranscoder: JPEG-like thumbnails.
- Media/localhost: a few large .bif files (index header, then JPEG-like frames).
- Plug-in Support/Databases: real SQLite databases written with python3's sqlite3 module, with tables and
  indexes shaped like Plex's (metadata_items, media_items, media_parts, media_streams, tags, taggings, blobs).
- Logs: a few text logs; Codecs, Crash Reports, Cache/Transcode/Sessions and others: empty folders.
- Preferences.xml.

Every file and link has a fixed modification time (some years ago), so a tree generated again looks unchanged to
a backup tool that compares size and time. Random bytes come from random.Random streams, one per part, each
seeded from --seed and the part's name; the SQLite files come out the same for the same sqlite3 library version.
The parts are written by --jobs processes at once (default: the cores); the bytes do not depend on it.
"""
import argparse
import hashlib
import json
import multiprocessing
import os
import random
import sqlite3
import sys
import time
import unicodedata

PRESETS = {
    "small": {"files": 20_000, "mb": 300},
    "plex": {"files": 150_000, "mb": 3_000},
}

# shares of the bytes; JPEG-like files take what is left
DB_SHARE = 0.13
BIF_SHARE = 0.20
TEXT_SHARE = 0.11
LOG_SHARE = 0.01

BASE_MTIME = 1_600_000_000  # 2020-09-13

WORDS = ("the of and a in night city last dark love man house girl day star road blue king war time story world "
         "return secret life dead black summer little journey heart river mountain ghost family light shadow dream "
         "empire fire ice wolf sea lost game home storm golden silent wild gun iron moon sun lady hunter kingdom "
         "island garden rose stranger brother sister friend winter spring autumn legend hero final").split()
FIRST = ("James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan "
         "Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Margaret").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
        "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez").split()
GENRES = ("Drama Comedy Action Thriller Horror Romance Documentary Animation Crime Adventure Family Fantasy "
          "Mystery Science-Fiction War Western Music History").split()
STUDIOS = ("Universal Pictures", "Warner Bros.", "Paramount Pictures", "Columbia Pictures", "20th Century Fox",
           "Lionsgate", "A24", "Studio Ghibli", "Gaumont", "Toho")
AGENTS = ("com.plexapp.agents.imdb", "com.plexapp.agents.themoviedb", "tv.plex.agents.movie")
CODECS = ("h264", "hevc", "mpeg4", "vc1", "av1")
ACODECS = ("aac", "ac3", "eac3", "dts", "truehd", "flac")
CONTAINERS = ("mkv", "mp4", "avi", "m4v", "ts")
UNICODE_TITLES = ("Amélie (2001)", "Crouching Tiger, Hidden Dragon 臥虎藏龍 (2000)", "千と千尋の神隠し (2001)",
                  "Ōkami Kodomo no Ame to Yuki (2012)", "Léon (1994)", "Das Boot – Director's Cut (1981)",
                  "Смерш (2019)", "Οδύσσεια (1997)", "🎬 Trailers", "Café Society (2016)",
                  unicodedata.normalize("NFD", "Café de Flore (2011)"), "Ærø ønsker (2010)")


class Tree:
    """Writes files and folders under one root, remembering which folders exist."""

    def __init__(self, root, mtime_base=BASE_MTIME):
        self.root = root
        self.mtime_base = mtime_base
        self.dirs = set()
        self.files = 0
        self.bytes = 0
        self.links = 0

    def mkdir(self, rel):
        if rel in self.dirs:
            return
        os.makedirs(os.path.join(self.root, rel), exist_ok=True)
        self.dirs.add(rel)

    def write(self, rel, data):
        self.mkdir(os.path.dirname(rel))
        p = os.path.join(self.root, rel)
        with open(p, "wb") as f:
            f.write(data)
        t = self.mtime_base + self.files
        os.utime(p, (t, t))
        self.files += 1
        self.bytes += len(data)

    def symlink(self, rel, target):
        self.mkdir(os.path.dirname(rel))
        p = os.path.join(self.root, rel)
        os.symlink(target, p)
        os.utime(p, (BASE_MTIME, BASE_MTIME), follow_symlinks=False)
        self.links += 1


class Rng(random.Random):
    """random.Random with cheaper choice, randrange and choices (one random() call each; fine for test data) and
    pools of titles, names and sentences drawn once, so that text costs little to make."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randrange(self, start, stop=None):
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def choices(self, population, weights=None, *, cum_weights=None, k=1):
        r = self.random
        n = len(population)
        return [population[int(r() * n)] for _ in range(k)]

    def make_pools(self):
        self.titles = [" ".join(self.choices(WORDS, k=self.randrange(1, 5))).title() for _ in range(4096)]
        self.people = ["%s %s" % (self.choice(FIRST), self.choice(LAST)) for _ in range(len(FIRST) * len(LAST))]
        self.sentences = [" ".join(self.choices(WORDS, k=self.randrange(5, 18))).capitalize() + "."
                          for _ in range(4096)]
        return self


def stream(seed, part):
    """An independent random stream for one part of the tree, so parts do not shift each other."""
    return Rng(int.from_bytes(hashlib.sha256(("%d/%s" % (seed, part)).encode()).digest()[:8], "big")).make_pools()


def hex40(rng):
    return "%040x" % rng.getrandbits(160)


def title(rng):
    return rng.titles[int(rng.random() * 4096)]


def person(rng):
    return rng.people[int(rng.random() * len(rng.people))]


def sentence(rng, words=None):
    return rng.sentences[int(rng.random() * 4096)]


def jpeg(rng, size):
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return head + rng.randbytes(max(0, size - len(head) - 2)) + b"\xff\xd9"


def bif(rng, size):
    frames = max(1, size // 24_000)
    each = (size - 64 - 8 * (frames + 1)) // frames
    out = bytearray(b"\x89BIF\r\n\x1a\n" + (0).to_bytes(4, "little") + frames.to_bytes(4, "little")
                    + (10_000).to_bytes(4, "little") + bytes(44))
    offset = 64 + 8 * (frames + 1)
    for i in range(frames):
        out += i.to_bytes(4, "little") + (offset + i * each).to_bytes(4, "little")
    out += (0xFFFFFFFF).to_bytes(4, "little") + (offset + frames * each).to_bytes(4, "little")
    for _ in range(frames):
        out += jpeg(rng, each)
    return bytes(out)


def info_xml(rng, size, key, kind="movie"):
    """A Plex-agent-like Info.xml of about size bytes."""
    t = title(rng)
    year = rng.randrange(1930, 2025)
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<%s key="%d" guid="plex://%s/%s" title="%s" year="%d" '
             'originallyAvailableAt="%d-%02d-%02d" contentRating="%s" studio="%s" rating="%.1f" duration="%d">\n'
             % (kind, key, kind, "%024x" % rng.getrandbits(96), t, year, year, rng.randrange(1, 13),
                rng.randrange(1, 29), rng.choice(("G", "PG", "PG-13", "R", "NR")), rng.choice(STUDIOS),
                rng.uniform(1, 10), rng.randrange(3_000_000, 10_800_000)),
             "  <summary>%s</summary>\n" % " ".join(sentence(rng, rng.randrange(6, 18)) for _ in range(3)),
             "  <tagline>%s</tagline>\n" % sentence(rng, 6)]
    n = sum(len(p) for p in parts)
    while n < size:
        r = rng.random()
        if r < 0.5:
            line = '  <Role tag="%s" role="%s" thumb="https://image.tmdb.org/t/p/original/%s.jpg"/>\n' % (
                person(rng), person(rng), "%027x" % rng.getrandbits(108))
        elif r < 0.7:
            line = '  <Genre tag="%s"/>\n' % rng.choice(GENRES)
        elif r < 0.85:
            line = '  <Director tag="%s"/>\n  <Writer tag="%s"/>\n' % (person(rng), person(rng))
        else:
            line = '  <Poster url="https://metadata-static.plex.tv/%s/%s.jpg" preview="%s" sort="%d"/>\n' % (
                "%x" % rng.getrandbits(4), "%040x" % rng.getrandbits(160), hex40(rng), rng.randrange(100))
        parts.append(line)
        n += len(line)
    parts.append("</%s>\n" % kind)
    return "".join(parts).encode()


def data_json(rng, size, key):
    doc = {"id": key, "guid": "plex://movie/%024x" % rng.getrandbits(96), "title": title(rng),
           "updatedAt": BASE_MTIME - rng.randrange(10**8), "items": []}
    n = 200
    while n < size:
        item = {"ratingKey": rng.randrange(10**6), "title": title(rng), "type": rng.choice(("movie", "episode")),
                "viewOffset": rng.randrange(10**7), "lastViewedAt": BASE_MTIME - rng.randrange(10**8),
                "thumb": "/library/metadata/%d/thumb/%d" % (rng.randrange(10**6), rng.randrange(10**9))}
        doc["items"].append(item)
        n += 190
    return json.dumps(doc, ensure_ascii=False).encode()


def log_text(rng, size, start):
    out = []
    n = 0
    t = start
    while n < size:
        t += rng.randrange(0, 3000)
        line = "%s.%03d [%d] %s - %s %s (%d ms)\n" % (
            time.strftime("%b %d, %Y %H:%M:%S", time.gmtime(t // 1000)), t % 1000, rng.randrange(1000, 9999),
            rng.choice(("DEBUG", "DEBUG", "DEBUG", "INFO", "WARN")),
            rng.choice(("Request: [127.0.0.1:50212 (Loopback)] GET /library/metadata/%d" % rng.randrange(10**5),
                        "[Transcoder] Session %s finished" % "%024x" % rng.getrandbits(96),
                        "Scanner: processing directory /media/Movies/%s" % title(rng),
                        "Completed: [127.0.0.1:50212] 200 GET /:/timeline")),
            rng.choice(("", "(12 live)", "#%x" % rng.getrandbits(20))), rng.randrange(0, 400))
        out.append(line)
        n += len(line)
    return "".join(out).encode()


def sized(rng, mean, low):
    return max(low, int(rng.expovariate(1 / mean)))


SCHEMA = """
CREATE TABLE library_sections (id INTEGER PRIMARY KEY, name TEXT, section_type INTEGER, language TEXT,
  agent TEXT, scanner TEXT, uuid TEXT, created_at INTEGER, updated_at INTEGER);
CREATE TABLE metadata_items (id INTEGER PRIMARY KEY, library_section_id INTEGER, parent_id INTEGER,
  metadata_type INTEGER, guid TEXT, title TEXT, title_sort TEXT, original_title TEXT, studio TEXT, rating REAL,
  tagline TEXT, summary TEXT, content_rating TEXT, duration INTEGER, user_thumb_url TEXT, user_art_url TEXT,
  tags_genre TEXT, tags_director TEXT, tags_star TEXT, year INTEGER, originally_available_at INTEGER,
  added_at INTEGER, updated_at INTEGER, hash TEXT, extra_data TEXT);
CREATE TABLE media_items (id INTEGER PRIMARY KEY, library_section_id INTEGER, metadata_item_id INTEGER,
  width INTEGER, height INTEGER, size INTEGER, duration INTEGER, bitrate INTEGER, container TEXT,
  video_codec TEXT, audio_codec TEXT, display_aspect_ratio REAL, frames_per_second REAL, audio_channels INTEGER,
  created_at INTEGER, updated_at INTEGER, extra_data TEXT);
CREATE TABLE media_parts (id INTEGER PRIMARY KEY, media_item_id INTEGER, directory_id INTEGER, hash TEXT,
  open_subtitle_hash TEXT, file TEXT, size INTEGER, duration INTEGER, created_at INTEGER, updated_at INTEGER,
  extra_data TEXT);
CREATE TABLE media_streams (id INTEGER PRIMARY KEY, stream_type_id INTEGER, media_item_id INTEGER,
  media_part_id INTEGER, codec TEXT, language TEXT, channels INTEGER, bitrate INTEGER, idx INTEGER,
  "default" BOOLEAN, extra_data TEXT);
CREATE TABLE tags (id INTEGER PRIMARY KEY, tag TEXT, tag_type INTEGER, created_at INTEGER);
CREATE TABLE taggings (id INTEGER PRIMARY KEY, metadata_item_id INTEGER, tag_id INTEGER, "index" INTEGER,
  text TEXT, created_at INTEGER);
CREATE INDEX index_metadata_items_on_guid ON metadata_items (guid);
CREATE INDEX index_metadata_items_on_title_sort ON metadata_items (title_sort);
CREATE INDEX index_metadata_items_on_library_section_id ON metadata_items (library_section_id);
CREATE INDEX index_media_items_on_metadata_item_id ON media_items (metadata_item_id);
CREATE INDEX index_media_parts_on_media_item_id ON media_parts (media_item_id);
CREATE INDEX index_media_parts_on_file ON media_parts (file);
CREATE INDEX index_media_streams_on_media_part_id ON media_streams (media_part_id);
CREATE INDEX index_taggings_on_metadata_item_id ON taggings (metadata_item_id);
CREATE INDEX index_tags_on_tag ON tags (tag);
"""


def open_db(path):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA page_size = 4096")
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    return db


def db_size(db):
    return db.execute("PRAGMA page_count").fetchone()[0] * 4096


def library_db(path, rng, target):
    db = open_db(path)
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    db.executemany("INSERT INTO library_sections VALUES (?,?,?,?,?,?,?,?,?)",
                   [(1, "Movies", 1, "en-US", "tv.plex.agents.movie", "Plex Movie", hex40(rng), BASE_MTIME, BASE_MTIME),
                    (2, "TV Shows", 2, "en-US", "tv.plex.agents.series", "Plex TV Series", hex40(rng), BASE_MTIME,
                     BASE_MTIME)])
    db.executemany("INSERT INTO tags VALUES (?,?,?,?)",
                   [(i + 1, g, 1, BASE_MTIME) for i, g in enumerate(GENRES)]
                   + [(len(GENRES) + i + 1, "%s %s" % (f, l), 6, BASE_MTIME)
                      for i, (f, l) in enumerate((f, l) for f in FIRST for l in LAST)])
    n_tags = len(GENRES) + len(FIRST) * len(LAST)
    db.execute("COMMIT")
    item = part = stream_id = tagging = 0
    while db_size(db) < target:
        meta, media, parts, streams, tgs = [], [], [], [], []
        for _ in range(2000):
            item += 1
            t = title(rng)
            year = rng.randrange(1930, 2025)
            added = BASE_MTIME - rng.randrange(10**8)
            genres = rng.sample(GENRES, rng.randrange(1, 4))
            stars = [person(rng) for _ in range(rng.randrange(2, 8))]
            meta.append((item, 1 + (item % 3 == 0), None, 1 if item % 3 else 4,
                         "plex://movie/%024x" % rng.getrandbits(96), t, t.lower(), t, rng.choice(STUDIOS),
                         round(rng.uniform(1, 10), 1), sentence(rng, 7),
                         " ".join(sentence(rng, rng.randrange(8, 20)) for _ in range(rng.randrange(2, 6))),
                         rng.choice(("G", "PG", "PG-13", "R")), rng.randrange(3_000_000, 10_800_000),
                         "metadata://posters/%s_%s" % (rng.choice(AGENTS), hex40(rng)),
                         "metadata://art/%s_%s" % (rng.choice(AGENTS), hex40(rng)),
                         "|".join(genres), person(rng), "|".join(stars), year, added - 10**8, added, added,
                         hex40(rng), "pv%%3AdurationMs=%d&at%%3AratingImage=imdb%%3A%%2F%%2Fimage.rating"
                         % rng.randrange(10**7)))
            width = rng.choice((720, 1280, 1920, 3840))
            fsize = rng.randrange(500_000_000, 60_000_000_000)
            container = rng.choice(CONTAINERS)
            media.append((item, 1, item, width, width * 9 // 16, fsize, rng.randrange(3_000_000, 10_800_000),
                          rng.randrange(1000, 60_000), container, rng.choice(CODECS), rng.choice(ACODECS), 1.78,
                          23.976, rng.choice((2, 6, 8)), added, added,
                          "ma%%3AvideoProfile=high&ma%%3AaudioProfile=lc&ma%%3Aheight=%d" % (width * 9 // 16)))
            part += 1
            parts.append((part, item, 1 + item % 500, hex40(rng), "%016x" % rng.getrandbits(64),
                          "/media/Movies/%s (%d)/%s (%d) - %s.%s" % (t, year, t, year,
                                                                   rng.choice(("1080p", "2160p", "720p", "SD")),
                                                                   container),
                          fsize, rng.randrange(3_000_000, 10_800_000), added, added,
                          "ma%%3Acontainer=%s&ma%%3Asize=%d" % (container, fsize)))
            for s in range(rng.randrange(2, 7)):
                stream_id += 1
                streams.append((stream_id, 1 if s == 0 else rng.choice((2, 3)), item, part,
                                rng.choice(CODECS if s == 0 else ACODECS),
                                rng.choice(("eng", "fre", "ger", "jpn", "spa")), rng.choice((2, 6)),
                                rng.randrange(100, 40_000), s, int(s < 2), "ms%%3Atitle=%s" % rng.choice(WORDS)))
            for k in range(rng.randrange(3, 10)):
                tagging += 1
                tgs.append((tagging, item, rng.randrange(1, n_tags + 1), k, None, added))
        db.execute("BEGIN")
        db.executemany("INSERT INTO metadata_items VALUES (%s)" % ",".join("?" * 25), meta)
        db.executemany("INSERT INTO media_items VALUES (%s)" % ",".join("?" * 17), media)
        db.executemany("INSERT INTO media_parts VALUES (%s)" % ",".join("?" * 11), parts)
        db.executemany("INSERT INTO media_streams VALUES (%s)" % ",".join("?" * 11), streams)
        db.executemany("INSERT INTO taggings VALUES (?,?,?,?,?,?)", tgs)
        db.execute("COMMIT")
    db.close()
    return item


def blobs_db(path, rng, target, items):
    db = open_db(path)
    db.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, blob_type INTEGER, linked_type TEXT, linked_id INTEGER,"
               " linked_guid TEXT, blob BLOB, created_at INTEGER, updated_at INTEGER)")
    db.execute("CREATE INDEX index_blobs_on_linked_id ON blobs (linked_id)")
    n = 0
    while db_size(db) < target:
        rows = []
        for _ in range(200):
            n += 1
            if n % 3:
                blob = jpeg(rng, sized(rng, 12_000, 2000))   # small thumbnails kept in the database
            else:
                blob = info_xml(rng, sized(rng, 6000, 500), n)
            rows.append((n, 1 + n % 3, "metadata_item", 1 + n % max(1, items), "plex://movie/%024x"
                         % rng.getrandbits(96), blob, BASE_MTIME - n, BASE_MTIME - n))
        db.execute("BEGIN")
        db.executemany("INSERT INTO blobs VALUES (?,?,?,?,?,?,?,?)", rows)
        db.execute("COMMIT")
    db.close()


def dlna_db(path, rng):
    db = open_db(path)
    db.execute("CREATE TABLE dlna_devices (id INTEGER PRIMARY KEY, identifier TEXT, name TEXT, "
               "platform TEXT, last_seen_at INTEGER)")
    db.executemany("INSERT INTO dlna_devices VALUES (?,?,?,?,?)",
                   [(i, "uuid:%032x" % rng.getrandbits(128), "%s TV" % rng.choice(LAST),
                     rng.choice(("Samsung", "LG", "Sony")), BASE_MTIME - i) for i in range(1, 200)])
    db.close()


def plan(files, mb):
    """How many files of each kind, and their mean sizes, for a tree of about files files and mb MB."""
    total = mb * 1_000_000
    n_bif = max(4, files // 1600)
    rest = files - 3 - 1 - 6 - n_bif - 1       # databases, Preferences.xml, logs, bif, the deep thumbnail
    bundles = int(rest * 0.2)                  # 4 files each: 3 XML, 1 poster
    thumbs = int(rest * 0.08)
    text_bytes = total * TEXT_SHARE
    jsons = rest - 4 * bundles - thumbs
    return {"total": total, "db_bytes": int(total * DB_SHARE), "n_bif": n_bif,
            "bif_each": int(total * BIF_SHARE / n_bif), "log_each": int(total * LOG_SHARE / 6),
            "bundles": bundles, "thumbs": thumbs, "jsons": jsons, "text_each": text_bytes / (3 * bundles + jsons),
            "jpeg_each": max(2000, int(total * (1 - DB_SHARE - BIF_SHARE - LOG_SHARE - TEXT_SHARE) / (bundles + thumbs)))}


METADATA_CHUNKS = 4


def part_databases(tree, seed, p):
    dbdir = "Plug-in Support/Databases"
    tree.mkdir(dbdir)
    items = library_db(os.path.join(tree.root, dbdir, "com.plexapp.plugins.library.db"), stream(seed, "library.db"),
                       int(p["db_bytes"] * 0.78))
    blobs_db(os.path.join(tree.root, dbdir, "com.plexapp.plugins.library.blobs.db"), stream(seed, "blobs.db"),
             int(p["db_bytes"] * 0.22), items)
    dlna_db(os.path.join(tree.root, dbdir, "com.plexapp.dlna.db"), stream(seed, "dlna.db"))
    for name in sorted(os.listdir(os.path.join(tree.root, dbdir))):
        path = os.path.join(tree.root, dbdir, name)
        os.utime(path, (BASE_MTIME, BASE_MTIME))
        tree.files += 1
        tree.bytes += os.path.getsize(path)


def part_misc(tree, seed, p):
    rng = stream(seed, "prefs")
    tree.write("Preferences.xml", ('<?xml version="1.0" encoding="utf-8"?>\n<Preferences MachineIdentifier="%s" '
                                   'ProcessedMachineIdentifier="%s" AnonymousMachineIdentifier="%s" '
                                   'FriendlyName="bench" ManualPortMappingMode="1" TranscoderTempDirectory=""/>\n'
                                   % (hex40(rng), hex40(rng), hex40(rng))).encode())
    rng = stream(seed, "logs")
    for i, name in enumerate(("Plex Media Server.log", "Plex Media Server.1.log", "Plex Media Server.2.log",
                              "Plex Media Scanner.log", "Plex Tuner Service.log", "Plex Crash Uploader.log")):
        tree.write("Logs/" + name, log_text(rng, p["log_each"], (BASE_MTIME - 86_400 * (i + 1)) * 1000))
    for empty in ("Codecs", "Crash Reports", "Diagnostics", "Scanners", "Plug-ins", "Cache/Transcode/Sessions",
                  "Plug-in Support/Caches", "Plug-in Support/Preferences", "Media/localhost/0/empty.bundle/Contents"):
        tree.mkdir(empty)


def part_bif(tree, seed, p):
    rng = stream(seed, "bif")
    for i in range(p["n_bif"]):
        h = hex40(rng)
        tree.write("Media/localhost/%s/%s.bundle/Contents/Indexes/index-sd.bif" % (h[0], h[1:]),
                   bif(rng, int(p["bif_each"] * rng.uniform(0.6, 1.4))))


def part_metadata(tree, seed, p, chunk):
    rng = stream(seed, "metadata/%d" % chunk)
    text_each, jpeg_each = p["text_each"], p["jpeg_each"]
    for i in range(chunk, p["bundles"], METADATA_CHUNKS):
        section = "Movies" if i % 4 else "TV Shows"
        h = hex40(rng)
        contents = "Metadata/%s/%s/%s.bundle/Contents" % (section, h[0], h[1:])
        agent = AGENTS[i % len(AGENTS)]
        kind = "movie" if section == "Movies" else "show"
        tree.write(contents + "/_combined/Info.xml", info_xml(rng, sized(rng, text_each, 300), i, kind))
        tree.write(contents + "/%s/Info.xml" % agent, info_xml(rng, sized(rng, text_each, 300), i, kind))
        tree.write(contents + "/com.plexapp.agents.localmedia/Info.xml",
                   info_xml(rng, sized(rng, text_each, 300), i, kind))
        poster = hex40(rng)
        tree.write(contents + "/%s/posters/%s" % (agent, poster), jpeg(rng, sized(rng, jpeg_each, 2000)))
        if i % 50 == 7:
            # Plex's _combined folder links to the agents' files
            tree.symlink(contents + "/_combined/posters/%s_%s" % (agent, poster), "../../%s/posters/%s"
                         % (agent, poster))
        if i % 40 == 3:
            tree.mkdir(contents + "/_stored/art")   # an empty folder
        if i == 0:
            # an episode thumbnail deep enough to pass 260 characters
            deep = contents + "/%s/seasons/1/episodes/12/thumbs/%s_%s/%s" % (
                "com.plexapp.agents.thetvdb", "com.plexapp.agents.thetvdb", hex40(rng), hex40(rng) + hex40(rng))
            tree.write(deep + ".jpg", jpeg(rng, 20_000))
            assert len(deep) > 260, len(deep)


def part_thumbs(tree, seed, p):
    rng = stream(seed, "thumbs")
    for i in range(p["thumbs"]):
        h = hex40(rng)
        tree.write("Cache/PhotoTranscoder/%s/%s.jpg" % (h[:2], h), jpeg(rng, sized(rng, p["jpeg_each"], 2000)))


def part_json(tree, seed, p):
    rng = stream(seed, "json")
    for i in range(p["jsons"]):
        if i < len(UNICODE_TITLES):
            rel = "Plug-in Support/Data/com.plexapp.agents.localmedia/Films/%s/Info.json" % UNICODE_TITLES[i]
        else:
            rel = "Plug-in Support/Data/com.plexapp.system/%02d/%s.json" % (i % 97, hex40(rng)[:16])
        tree.write(rel, data_json(rng, sized(rng, p["text_each"], 300), i))
    tree.symlink("Plug-in Support/Data/latest", "com.plexapp.system")


# the parts, longest first; each has its own random stream and its own range of modification times
PARTS = [("databases", part_databases)] + [("metadata/%d" % c, lambda t, s, p, c=c: part_metadata(t, s, p, c))
                                           for c in range(METADATA_CHUNKS)] \
    + [("thumbs", part_thumbs), ("bif", part_bif), ("json", part_json), ("misc", part_misc)]


def run_part(args):
    root, seed, p, index = args
    tree = Tree(root, mtime_base=BASE_MTIME + index * 1_000_000)
    PARTS[index][1](tree, seed, p)
    return tree.files, tree.bytes, tree.links


def generate(root, files, mb, seed, jobs):
    os.makedirs(root, exist_ok=True)
    p = plan(files, mb)
    work = [(root, seed, p, i) for i in range(len(PARTS))]
    if jobs <= 1:
        done = [run_part(w) for w in work]
    else:
        with multiprocessing.Pool(min(jobs, len(work))) as pool:
            done = list(pool.imap_unordered(run_part, work))
    return tuple(sum(d[k] for d in done) for k in range(3))


def main():
    ap = argparse.ArgumentParser(description="Generate a Plex-like data folder, the same for the same seed.")
    ap.add_argument("dir")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="small")
    ap.add_argument("--files", type=int, help="number of regular files (default: the preset's)")
    ap.add_argument("--mb", type=int, help="total size in MB, 10^6 bytes (default: the preset's)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="processes writing parts of the tree at once (default: the cores); the bytes do not depend on it")
    a = ap.parse_args()
    files = a.files or PRESETS[a.preset]["files"]
    mb = a.mb or PRESETS[a.preset]["mb"]
    if files < 200 or mb < 20:
        ap.error("need at least 200 files and 20 MB, got %d files, %d MB" % (files, mb))
    if os.path.exists(a.dir) and os.listdir(a.dir):
        ap.error("%s exists and is not empty" % a.dir)
    start = time.time()
    n_files, n_bytes, n_links = generate(a.dir, files, mb, a.seed, a.jobs)
    print("gen_tree: %s: %d files, %d symlinks, %.0f MB, seed %d, %.1f s"
          % (a.dir, n_files, n_links, n_bytes / 1e6, a.seed, time.time() - start),
          file=sys.stderr)


if __name__ == "__main__":
    main()
