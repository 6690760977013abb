#!/usr/bin/env bash
# Archiver benchmark: backs up one generated tree with every archiver through the CLI, restores it, and runs the
# usual tools on the same tree in the same session, so the numbers compare on one machine at one time.
#
#   bench/archivers.sh [WORK_DIR]        (default /tmp/backupkit-bench; needs ~8 GB free)
#   BACKUPKIT_JAR=path/to/backupkit.jar bench/archivers.sh ...   (measure another build; default: this checkout's)
#
# Needs: java 17, python3, tar, zstd, zip, unzip, 7z, GNU time (/usr/bin/time), and backup-examples/target/backupkit.jar
# (mvn -q -B -DskipTests package). Caches are warm: the tree is read once before the first measurement.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
jar="${BACKUPKIT_JAR:-$here/backup-examples/target/backupkit.jar}"
work="${1:-/tmp/backupkit-bench}"
src="$work/src"
[ -f "$jar" ] || { echo "build first: mvn -q -B -DskipTests package" >&2; exit 2; }
mkdir -p "$work"
[ -d "$src" ] || python3 "$here/bench/gen_tree.py" "$src" --files 50000 --mb 1000   # the size its README table used
files=$(find "$src" -type f | wc -l)
bytes=$(find "$src" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
tar -cf - -C "$src" . > /dev/null   # warm the page cache

timed() {  # timed CMD... -> prints "seconds peakRSS_MB"
    /usr/bin/time -o "$work/time.txt" -f '%e %M' "$@" > /dev/null 2> "$work/last.err" \
        || { cat "$work/last.err" >&2; exit 1; }
    tail -1 "$work/time.txt" | awk '{printf "%.1f %d\n", $1, $2/1024}'
}
size_of() { du -sb --apparent-size "$1" | awk '{printf "%.0f", $1/1e6}'; }

echo "tree: $files files, $((bytes / 1000000)) MB; $(nproc) cores; $(java -version 2>&1 | head -1)"
printf '%-22s %10s %9s %10s %9s %10s %12s\n' tool backup_s rss_MB size_MB restore_s rss_MB unchanged_s
for a in zip 7z tar.gz tar.xz tar.zst mirror; do
    dest="$work/dest-$a"; out="$work/out-$a"; rm -rf "$dest" "$out"
    read -r b brss < <(timed java -jar "$jar" backup --source "$src" --dest "$dest" --archiver "$a" --quiet)
    snap=$(ls "$dest" | grep -E '^[0-9]{8}T[0-9]{6}Z$' | head -1)
    size=$(size_of "$dest/$snap")
    read -r r rrss < <(timed java -jar "$jar" restore --dest "$dest" --target "$out" --quiet)
    diff -rq "$src" "$out" > /dev/null || { echo "$a: restored tree differs" >&2; exit 1; }
    read -r u urss < <(timed java -jar "$jar" backup --source "$src" --dest "$dest" --archiver "$a" --quiet)
    printf '%-22s %10s %9s %10s %9s %10s %12s\n' "backupkit $a" "$b" "$brss" "$size" "$r" "$rrss" "$u"
    rm -rf "$dest" "$out"
done
peer() {  # peer LABEL ARCHIVE BACKUP_CMD RESTORE_CMD
    local label=$1 archive=$2 bcmd=$3 rcmd=$4 out="$work/out-peer"
    rm -rf "$archive" "$out"; mkdir -p "$out"
    read -r b brss < <(timed bash -c "$bcmd")
    local size; size=$(size_of "$archive")
    read -r r rrss < <(timed bash -c "$rcmd")
    printf '%-22s %10s %9s %10s %9s %10s %12s\n' "$label" "$b" "$brss" "$size" "$r" "$rrss" "-"
    rm -rf "$archive" "$out"
}
peer "tar | zstd -1 -T0" "$work/p.tar.zst" "tar -cf - -C '$src' . | zstd -q -1 -T0 -o '$work/p.tar.zst'" \
    "zstd -q -d -c '$work/p.tar.zst' | tar -xf - -C '$work/out-peer'"
peer "zip -r -1" "$work/p.zip" "cd '$src' && zip -q -r -1 '$work/p.zip' ." "unzip -q '$work/p.zip' -d '$work/out-peer'"
peer "7z a -mx1" "$work/p.7z" "cd '$src' && 7z a -bd -mx1 '$work/p.7z' . > /dev/null" \
    "7z x -bd -o'$work/out-peer' '$work/p.7z' > /dev/null"
