#!/usr/bin/env bash
# Renders the worked example's HTML report (and its charts) to PNG with headless Chromium, so a
# person can look at what hindsight publishes. Usage: scripts/render-report.sh [OUTDIR]
# Needs Debian's chromium package (apt-get install chromium); builds hindsight in release mode.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/render}
mkdir -p "$out"
cargo build --release --quiet
bin=target/release/hindsight
db="$out/demo.db"
rm -f "$db" "$db-wal" "$db-shm"
"$bin" --db "$db" demo >/dev/null
"$bin" --db "$db" report --format html -o "$out/report.html"
"$bin" --db "$db" chart calibration -o "$out/calibration.svg"
"$bin" --db "$db" chart history -o "$out/history.svg"
shoot() { # file width height png
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --hide-scrollbars \
    --window-size="$2,$3" --screenshot="$4" "file://$(realpath "$1")" 2>/dev/null
}
shoot "$out/report.html" 1200 3000 "$out/report-desktop.png"
shoot "$out/report.html" 390 4000 "$out/report-phone.png"
shoot "$out/calibration.svg" 820 720 "$out/calibration.png"
echo "wrote $out/report-desktop.png, $out/report-phone.png, $out/calibration.png"
