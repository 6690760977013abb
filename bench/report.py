#!/usr/bin/env python3
"""Turns bench/run's raw figures into docs/BENCHMARKS.md (Markdown on stdout).

Usage: report.py META RESULTS

META holds key=value lines about the machine and the tree; RESULTS holds tab-separated lines
"label phase run wall user sys rss_kB", "label phase-size run bytes" and "label restore-check run equal".
Each figure reported is the median over the runs, taken on its own.
"""
import statistics
import sys

BK = "backupkit "
ORDER = ["backupkit tar.zst", "backupkit zip", "backupkit 7z", "backupkit mirror", "tar | zstd -1 -T0",
         "tar | cat (read floor)", "find (metadata floor)", "zip -r -1", "7z a -mx1", "restic"]
FLOORS = ("tar | cat (read floor)", "find (metadata floor)")
NAMES = {
    "backupkit tar.zst": "BackupKit `tar.zst` (level 1, as the peer)",
    "backupkit zip": "BackupKit `zip` (deflate 1 as the peer, media stored)",
    "backupkit 7z": "BackupKit `7z` (LZMA2 1 as the peer, media stored)",
    "backupkit mirror": "BackupKit `mirror` (plain copy)",
    "tar | zstd -1 -T0": "`tar -cf - . \\| zstd -1 -T0`",
    "tar | cat (read floor)": "`tar -cf - . \\| cat > /dev/null` (read floor)",
    "find (metadata floor)": "`find . -printf '%s %T@ %m\\n'` (metadata floor)",
    "zip -r -1": "`zip -r -1 -y`",
    "7z a -mx1": "`7z a -mx1 -snl`",
    "restic": "`restic backup`",
}
RESTORE_NAMES = {
    "tar | zstd -1 -T0": "`zstd -d \\| tar -x`",
    "zip -r -1": "`unzip`",
    "7z a -mx1": "`7z x -snld`",
    "restic": "`restic restore`",
}


def load(meta_path, results_path):
    meta = {}
    with open(meta_path, encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    raw = {}
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            raw.setdefault((cols[0], cols[1]), []).append(cols[3:])
    return meta, raw


class Figures:
    def __init__(self, raw):
        self.raw = raw

    def has(self, label, phase):
        return (label, phase) in self.raw

    def _median(self, label, phase, pick):
        rows = self.raw.get((label, phase))
        return statistics.median(pick(r) for r in rows) if rows else None

    def wall(self, label, phase):
        return self._median(label, phase, lambda r: float(r[0]))

    def cpu(self, label, phase):
        return self._median(label, phase, lambda r: float(r[1]) + float(r[2]))

    def sys(self, label, phase):
        return self._median(label, phase, lambda r: float(r[2]))

    def rss_mb(self, label, phase):
        return self._median(label, phase, lambda r: int(r[3]) / 1024)

    def size(self, label, phase):
        return self._median(label, phase + "-size", lambda r: int(r[0]))

    def checked(self, label):
        rows = self.raw.get((label, "restore-check"))
        return "equal (%d/%d)" % (len(rows), len(rows)) if rows else None

    def peak_rss_mb(self, prefix):
        peaks = [int(r[3]) / 1024 for (label, phase), rows in self.raw.items()
                 if label.startswith(prefix) and phase in ("backup", "backup2", "restore") for r in rows]
        return max(peaks) if peaks else None


def sec(v):
    return "–" if v is None else ("%.2f s" % v if v < 10 else "%.1f s" % v)


def mb(v):
    return "–" if v is None else "{:,.0f} MB".format(v)


def size_mb(v):
    if v is None:
        return "–"
    if v < 1e6:
        return "{:,.0f} kB".format(v / 1e3)
    return "{:,.1f} MB".format(v / 1e6) if v < 10e6 else "{:,.0f} MB".format(v / 1e6)


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def rx(v):
    return "–" if v is None else "%.2fx" % v


def main():
    meta, raw = load(sys.argv[1], sys.argv[2])
    fig = Figures(raw)
    runs = int(meta.get("runs", "1"))
    have_restic = meta.get("restic") == "1"
    labels = [l for l in ORDER if any(k[0] == l for k in raw)]
    out = []
    p = out.append

    p("# Benchmarks")
    p("")
    try:
        busy = float(meta.get("load", "0").split()[0]) > int(meta.get("nproc", "1"))
    except ValueError:
        busy = False
    loads = "load average %s before, %s after" % (meta.get("load", "?"), meta.get("load_after", "?"))
    if runs < 3:
        p("> **Smoke run** (%d run of each measurement, not the median of 3): it checks that `bench/run` works end to "
          "end and gives a first idea only. %s; do not quote these figures as BackupKit's speed. Run `bench/run %s` "
          "with the default `BENCH_RUNS=3` on a quiet machine for figures to rely on."
          % (runs, ("Other heavy builds were running on this %s-core machine at the same time (%s), so single wall "
                    "times can be off by half or more" % (meta.get("nproc", "?"), loads)) if busy
             else "A single run's wall times can be off by a third or more (%s)" % loads, meta.get("preset", "small")))
        p("")
    elif busy:
        p("> The machine was busy (%s on %s cores): compare figures within this report only." % (loads, meta.get("nproc")))
        p("")
    command = "bench/run --tree DIR" if meta.get("tree_origin", "").startswith("given") else \
        "bench/run " + meta.get("preset", "")
    archivers = meta.get("archivers", "tar.zst zip 7z mirror")
    if archivers.split() != meta.get("default_archivers", "tar.zst zip 7z mirror").split():
        command = "BENCH_ARCHIVERS='%s' %s" % (archivers, command)
    p("Generated by `%s` (BENCH_RUNS=%d) on %s; the whole run took %s s. Every figure is the median of %d "
      "run%s, each taken on its own. The page cache was warm: the tree was read once before the first "
      "measurement and again before each later run, and everything ran one after the other in one session on the same tree. Wall time, user+sys "
      "CPU time and peak RSS come from GNU time (`/usr/bin/time -f '%%e %%U %%S %%M'`; for a pipeline, CPU is the "
      "sum over its processes and RSS the largest one). Output is the apparent size of the archive, the snapshot "
      "folder (manifest, index and log included) or the repository (`du -sb`); for a second backup, the bytes it "
      "added (hard links counted once). Every restore went into a new folder and was compared with the source "
      "(`bench/tree_sum.py`: every folder, empty ones too, every file's SHA-256, every link's target, as "
      "`diff -r --no-dereference` compares them); nothing was excluded. Each run took all its "
      "backups, then all its restores, and nothing they made was deleted in between but single archives: on ext4 "
      "without a journal, every inode freed in the last five minutes slows each file made after it, and a "
      "restore right after deleting the last restored tree ran up to 20 times slower. %s"
      % (command, runs, meta.get("date"), meta.get("elapsed_s", "?"), runs, "" if runs == 1 else "s",
         ("The outputs of the earlier runs were deleted before run %s, for room; that run's backups came first."
          % ", ".join(meta["emptied_before_runs"].split())) if meta.get("emptied_before_runs")
         else "The outputs of all runs were kept until the end."))
    p("")

    p("## Machine")
    p("")
    for key, name in (("cpu", "CPU"), ("nproc", "nproc"), ("ram", "RAM"), ("os", "OS"), ("kernel", "kernel"),
                      ("disk_free", "disk"), ("filesystem", "file system"), ("load", "load average before"),
                      ("load_after", "load average after"),
                      ("java", "java -version"), ("java_opts", "JVM options"), ("tar", "tar"), ("zstd", "zstd"),
                      ("zip", "zip"), ("unzip", "unzip"), ("7z", "7z"), ("python3", "python3"),
                      ("restic_version", "restic")):
        if key in meta:
            p("- %s: %s" % (name, meta[key].strip() or "none"))
    if not have_restic:
        p("- restic: **not installed**, its rows and the target against it were skipped")
    p("- CLI jar: `%s`" % meta.get("jar"))
    p("")

    p("## Tree")
    p("")
    p("%s: %s regular files, %s symlinks, %s folders (%s empty), %s in all; longest path %s characters."
      % (meta.get("tree_origin"), "{:,}".format(int(meta["files"])), meta["links"],
         "{:,}".format(int(meta["dirs"])), meta["empty_dirs"], size_mb(int(meta["bytes"])), meta["longest_path"]))
    p("")

    p("## Figures")
    p("")
    p("| run | backup wall | CPU | peak RSS | output | second backup, unchanged | CPU | peak RSS | added "
      "| restore | wall | CPU | peak RSS | restored |")
    p("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for l in labels:
        incremental = fig.has(l, "backup2")
        restore_name = "BackupKit `restore`" if l.startswith(BK) else RESTORE_NAMES.get(l)
        row = [NAMES[l], sec(fig.wall(l, "backup")), sec(fig.cpu(l, "backup")), mb(fig.rss_mb(l, "backup")),
               size_mb(fig.size(l, "backup"))]
        if incremental:
            row += [sec(fig.wall(l, "backup2")), sec(fig.cpu(l, "backup2")), mb(fig.rss_mb(l, "backup2")),
                    size_mb(fig.size(l, "backup2"))]
        else:
            row += ["n/a (no incremental mode)" if l not in FLOORS else "n/a", "", "", ""]
        if restore_name:
            row += [restore_name, sec(fig.wall(l, "restore")), sec(fig.cpu(l, "restore")),
                    mb(fig.rss_mb(l, "restore")), fig.checked(l) or "–"]
        else:
            row += ["–", "", "", "", ""]
        p("| " + " | ".join(row) + " |")
    p("")

    p("## Ratios")
    p("")
    p("Each BackupKit figure divided by the same figure of the peer it is measured against (below 1 means "
      "BackupKit is faster, lighter or smaller).")
    p("")
    p("| BackupKit ÷ peer | backup wall | CPU | peak RSS | output | restore wall | restore CPU | restore RSS |")
    p("|---|---|---|---|---|---|---|---|")
    pairs = [("backupkit tar.zst", "tar | zstd -1 -T0"), ("backupkit tar.zst", "tar | cat (read floor)"),
             ("backupkit zip", "zip -r -1"), ("backupkit 7z", "7z a -mx1"),
             ("backupkit mirror", "tar | cat (read floor)")]
    if have_restic:
        pairs += [("backupkit tar.zst", "restic"), ("backupkit mirror", "restic")]
    for a, b in pairs:
        if a not in labels or b not in labels:
            continue
        floor = b == "tar | cat (read floor)"
        row = [NAMES[a] + " ÷ " + NAMES[b]]
        for f in (fig.wall, fig.cpu, fig.rss_mb):
            row.append(rx(ratio(f(a, "backup"), f(b, "backup"))))
        row.append("–" if floor else rx(ratio(fig.size(a, "backup"), fig.size(b, "backup"))))
        for f in (fig.wall, fig.cpu, fig.rss_mb):
            row.append("–" if floor else rx(ratio(f(a, "restore"), f(b, "restore"))))
        p("| " + " | ".join(row) + " |")
    p("")
    mf = "find (metadata floor)"
    have_mf = mf in labels
    p("| second backup ÷ first | wall | CPU |" + (" second backup wall ÷ restic's second |" if have_restic else "")
      + (" second backup wall ÷ the metadata floor |" if have_mf else ""))
    p("|---|---|---|" + ("---|" if have_restic else "") + ("---|" if have_mf else ""))
    for l in labels:
        if not fig.has(l, "backup2"):
            continue
        row = [NAMES[l], rx(ratio(fig.wall(l, "backup2"), fig.wall(l, "backup"))),
               rx(ratio(fig.cpu(l, "backup2"), fig.cpu(l, "backup")))]
        if have_restic:
            row.append(rx(ratio(fig.wall(l, "backup2"), fig.wall("restic", "backup2"))))
        if have_mf:
            row.append(rx(ratio(fig.wall(l, "backup2"), fig.wall(mf, "backup"))))
        p("| " + " | ".join(row) + " |")
    if have_mf:
        p("")
        p("The metadata floor is what any backup that finds changes by size and time must do at least: list every "
          "folder and `lstat` every entry, on one thread (%s here; %s of it system time). %s of the `tar.zst` "
          "first backup's wall time, against the 0.10x the second backup is asked for."
          % (sec(fig.wall(mf, "backup")), sec(fig.sys(mf, "backup")),
             rx(ratio(fig.wall(mf, "backup"), fig.wall("backupkit tar.zst", "backup")))))
    p("")

    p("## Targets")
    p("")
    p("| target | measured | ratio | limit | |")
    p("|---|---|---|---|---|")

    def target(text, a, b, limit, measured, strict=False):
        r = ratio(a, b)
        if r is None:
            status = "not measured"
        elif (r < limit) if strict else (r <= limit):
            status = "**met**"
        else:
            status = "**missed**"
        p("| %s | %s | %s | %s %.2fx | %s |" % (text, measured, rx(r), "<" if strict else "<=", limit, status))

    tz, tp, fl = "backupkit tar.zst", "tar | zstd -1 -T0", "tar | cat (read floor)"
    target("`tar.zst` backup wall time vs `tar \\| zstd -1 -T0`", fig.wall(tz, "backup"), fig.wall(tp, "backup"), 1.0,
           "%s vs %s" % (sec(fig.wall(tz, "backup")), sec(fig.wall(tp, "backup"))))
    target("`tar.zst` backup wall time vs the read floor", fig.wall(tz, "backup"), fig.wall(fl, "backup"), 1.5,
           "%s vs %s" % (sec(fig.wall(tz, "backup")), sec(fig.wall(fl, "backup"))))
    target("`tar.zst` output vs `tar \\| zstd -1 -T0`'s", fig.size(tz, "backup"), fig.size(tp, "backup"), 1.05,
           "%s vs %s" % (size_mb(fig.size(tz, "backup")), size_mb(fig.size(tp, "backup"))))
    z, zp = "backupkit zip", "zip -r -1"
    target("`zip` backup wall time vs `zip -r -1`", fig.wall(z, "backup"), fig.wall(zp, "backup"), 0.6,
           "%s vs %s" % (sec(fig.wall(z, "backup")), sec(fig.wall(zp, "backup"))))
    target("`zip` output vs `zip -r -1`'s", fig.size(z, "backup"), fig.size(zp, "backup"), 1.10,
           "%s vs %s" % (size_mb(fig.size(z, "backup")), size_mb(fig.size(zp, "backup"))))
    for l in labels:
        if l.startswith(BK):
            target("second backup of the unchanged tree vs the first, `%s`" % l[len(BK):], fig.wall(l, "backup2"),
                   fig.wall(l, "backup"), 0.1,
                   "%s vs %s" % (sec(fig.wall(l, "backup2")), sec(fig.wall(l, "backup"))))
    for l in labels:
        if l.startswith(BK):
            if have_restic:
                target("second backup faster than restic's second, `%s`" % l[len(BK):], fig.wall(l, "backup2"),
                       fig.wall("restic", "backup2"), 1.0,
                       "%s vs %s" % (sec(fig.wall(l, "backup2")), sec(fig.wall("restic", "backup2"))), strict=True)
            else:
                p("| second backup faster than restic's second, `%s` | %s vs – (restic not installed) | – | "
                  "< 1.00x | not measured |" % (l[len(BK):], sec(fig.wall(l, "backup2"))))
    target("`tar.zst` restore wall time vs `zstd -d \\| tar -x`", fig.wall(tz, "restore"), fig.wall(tp, "restore"), 1.0,
           "%s vs %s" % (sec(fig.wall(tz, "restore")), sec(fig.wall(tp, "restore"))))
    peak = fig.peak_rss_mb(BK)
    plex = meta.get("preset") == "plex"
    r = None if peak is None else peak / 300
    status = "not measured" if r is None else ("**met**" if r <= 1 else "**missed**")
    if not plex:
        status += " on `%s` (the target is for `plex`)" % meta.get("preset")
    p("| peak RSS of the CLI, any command%s | %s | %s | <= 300 MB | %s |"
      % ("" if plex else " (target on `plex`)", mb(peak), rx(r), status))
    p("")
    p("Notes on the peers: `zip -y` and `7z -snl`/`-snld` store and restore symlinks as links (without them both "
      "follow links, and the restored tree would differ); the read floor is what reading every file costs, "
      "`cat` keeps GNU tar from skipping the reads when it sees `/dev/null`. The peers have no incremental mode "
      "except restic, so their second-backup columns say n/a. BackupKit's second backup is the same command into "
      "the same destination; its restore restores the newest snapshot (the second).")
    print("\n".join(out))


if __name__ == "__main__":
    main()
