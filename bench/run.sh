#!/usr/bin/env bash
# Benchmarks hindsight on synthetic ledgers of 10k, 100k and 1M forecasts and records wall
# time and peak memory (max RSS) of each command in bench/results/<stamp>.tsv.
#
#   bench/run.sh                  # all sizes (about 5-10 minutes on 2 cores)
#   SIZES="10000 100000" bench/run.sh
#   REPEAT=5 bench/run.sh         # best of 5 for the read commands (default 3)
#   BASELINE=0 bench/run.sh       # skip the pandas/scikit-learn baseline
#   BIN=/tmp/old-hindsight bench/run.sh   # measure another build on the same ledgers
#   SHAPES=wide bench/run.sh      # only the wide shape (default: "deep wide", see gen_ledger)
#   PG=postgres://postgres@127.0.0.1:5432/test bench/run.sh
#                                 # also on PostgreSQL (rows "pg: …"), in a schema per ledger
#
# Needs /usr/bin/time (Debian: apt-get install -y time). The baseline installs pandas and
# scikit-learn into a throwaway virtual environment (/tmp/hindsight-bench-venv).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 100000 1000000"}
SHAPES=${SHAPES:-"deep wide"}
REPEAT=${REPEAT:-3}
BASELINE=${BASELINE:-1}
SEED=${SEED:-1}
WORK=${WORK:-/tmp/hindsight-bench}
# The generator's ledgers are laid out around this day (see examples/gen_ledger.rs).
export HINDSIGHT_NOW=2026-06-01T12:00:00Z
export NO_COLOR=1
unset HINDSIGHT_DB HINDSIGHT_FORECASTER

if [ ! -x /usr/bin/time ]; then
    echo "bench: /usr/bin/time is missing (Debian: apt-get update && apt-get install -y time)" >&2
    exit 2
fi

echo "== building (release)"
cargo build --release --locked --quiet --bin hindsight --example gen_ledger
# BIN=/path/to/another/hindsight measures that binary instead (e.g. an older build, for
# a before/after comparison) on the same generated ledgers.
BIN=${BIN:-$PWD/target/release/hindsight}
GEN=$PWD/target/release/examples/gen_ledger

mkdir -p "$WORK" bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/$STAMP.tsv
printf 'forecasts\tcommand\twall_s\tmax_rss_kb\tuser_s\tsys_s\trecords\n' > "$OUT"

# measure SIZE LABEL RECORDS CMD... : runs CMD once under /usr/bin/time -v (stdout
# discarded) and appends a row. Exits the script if the command fails.
measure() {
    local size=$1 label=$2 records=$3
    shift 3
    local tv="$WORK/time.txt" t0 t1
    # Wall time from the clock around the run (time -v reports only hundredths).
    t0=$(date +%s.%N)
    if ! /usr/bin/time -v -o "$tv" "$@" > "$WORK/stdout.txt" 2> "$WORK/stderr.txt"; then
        echo "bench: '$label' failed:" >&2
        cat "$WORK/stderr.txt" >&2
        exit 1
    fi
    t1=$(date +%s.%N)
    python3 - "$tv" "$size" "$label" "$records" "$t0" "$t1" >> "$OUT" <<'PY'
import sys
path, size, label, records, t0, t1 = sys.argv[1:]
v = {}
for line in open(path):
    k, _, val = line.strip().rpartition(": ")
    v[k] = val
wall = float(t1) - float(t0)
print(f"{size}\t{label}\t{wall:.3f}\t{v['Maximum resident set size (kbytes)']}\t"
      f"{v['User time (seconds)']}\t{v['System time (seconds)']}\t{records}")
PY
}

# best SIZE LABEL CMD... : REPEAT runs, keeps the fastest (and notes it as such).
best() {
    local size=$1 label=$2
    shift 2
    local keep
    keep=$(mktemp)
    for _ in $(seq "$REPEAT"); do
        measure "$size" "$label" "" "$@"
        tail -n 1 "$OUT" >> "$keep"
        sed -i '$ d' "$OUT"
    done
    sort -t$'\t' -k3,3g "$keep" | head -n 1 >> "$OUT"
    rm -f "$keep"
}

has_subcommand() {
    "$BIN" "$1" --help > /dev/null 2>&1
}

if [ "$BASELINE" = 1 ]; then
    VENV=/tmp/hindsight-bench-venv
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import pandas, sklearn' 2>/dev/null; then
        echo "== installing pandas and scikit-learn into $VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet pandas scikit-learn
    fi
fi

if has_subcommand extract; then
    echo "== generating a 10 MB text for extract"
    "$GEN" --prose 10000000 --seed "$SEED" --out "$WORK/prose.txt"
fi

# The sizes of each shape; a row's first column is "N" for the deep shape (the generator's
# default, as in earlier result files) and "N wide" for the other.
for SHAPE in $SHAPES; do
for SIZE in $SIZES; do
    N=$SIZE
    [ "$SHAPE" = deep ] || N="$SIZE $SHAPE"
    CLAIMS=$((SIZE / 10))
    LEDGER=$WORK/ledger-$SHAPE-$SIZE.jsonl
    DB=$WORK/ledger-$SHAPE-$SIZE.db
    echo "== $N forecasts: generating"
    "$GEN" --forecasts "$SIZE" --shape "$SHAPE" --seed "$SEED" --out "$LEDGER"
    RECORDS=$(wc -l < "$LEDGER")

    echo "== $N forecasts: import ($RECORDS records)"
    rm -f "$DB" "$DB-wal" "$DB-shm"
    measure "$N" import "$RECORDS" "$BIN" --db "$DB" import "$LEDGER"
    # The file's size once the import has been checkpointed into it (in the records column).
    printf '%s\tdatabase bytes\t\t\t\t\t%s\n' "$N" "$(stat -c %s "$DB")" >> "$OUT"
    # Read commands after a checkpointed, warm file.
    best "$N" "report --by forecaster --format json" "$BIN" --db "$DB" report --by forecaster --format json
    cp "$WORK/stdout.txt" "$WORK/report-$SHAPE-$SIZE.json"
    best "$N" "report --by tag" "$BIN" --db "$DB" report --by tag
    # The same without resampling (no bands, p-values or intervals; CORP's split stays).
    best "$N" "report --by forecaster --format json --resamples 0" "$BIN" --db "$DB" report --by forecaster --format json --resamples 0
    best "$N" "report --by tag --resamples 0" "$BIN" --db "$DB" report --by tag --resamples 0
    best "$N" "compare alice-0000 bob-0001" "$BIN" --db "$DB" compare alice-0000 bob-0001
    best "$N" "list --due" "$BIN" --db "$DB" list --due
    best "$N" "list --due --limit 10" "$BIN" --db "$DB" list --due --limit 10
    best "$N" "show clm-$(printf %06d $((CLAIMS / 2)))" "$BIN" --db "$DB" show "clm-$(printf %06d $((CLAIMS / 2)))"
    best "$N" "export" "$BIN" --db "$DB" export -o "$WORK/export-$SHAPE-$SIZE.jsonl"
    best "$N" "export --format csv" "$BIN" --db "$DB" export --format csv -o "$WORK/export-$SHAPE-$SIZE.csv"
    # The generator writes no recorded_by; import stamps the importer's name on each record
    # and export writes it, as the last field: left out, the export is the generated file.
    if sed 's/,"recorded_by":"[^"]*"}$/}/' "$WORK/export-$SHAPE-$SIZE.jsonl" | cmp -s "$LEDGER" -; then
        echo "   export gives back the generated file byte for byte (but the importer's recorded_by)"
    else
        echo "   note: export differs from the generated file (record order or defaults)"
    fi
    # Writes on the full ledger, on a copy so the file above stays as generated.
    cp "$DB" "$WORK/write-$SHAPE-$SIZE.db"
    OPEN=$("$BIN" --db "$DB" list --due --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["key"])')
    best "$N" "forecast" "$BIN" --db "$WORK/write-$SHAPE-$SIZE.db" forecast "$OPEN" --p 0.42 --forecaster bench
    best "$N" "resolve" "$BIN" --db "$WORK/write-$SHAPE-$SIZE.db" resolve "$OPEN" yes --on 2026-06-01
    rm -f "$WORK/write-$SHAPE-$SIZE.db"*
    if has_subcommand verify; then
        best "$N" "verify" "$BIN" --db "$DB" verify
    else
        echo "   verify: no such subcommand in this build, skipped"
    fi
    if has_subcommand extract; then
        best "$N" "extract (10 MB text)" "$BIN" --db "$DB" extract "$WORK/prose.txt"
    else
        echo "   extract: no such subcommand in this build, skipped"
    fi
    if [ "$BASELINE" = 1 ]; then
        best "$N" "baseline: pandas + scikit-learn" "$VENV/bin/python" bench/baseline.py compute \
            "$WORK/export-$SHAPE-$SIZE.csv" 2026-06-01 "$WORK/baseline-$SHAPE-$SIZE.json"
        "$VENV/bin/python" bench/baseline.py check "$WORK/baseline-$SHAPE-$SIZE.json" "$WORK/report-$SHAPE-$SIZE.json"
        # The fastest pandas can be: the counted pairs already joined in a 3-column CSV.
        "$VENV/bin/python" bench/baseline.py join "$WORK/export-$SHAPE-$SIZE.csv" 2026-06-01 "$WORK/joined-$SHAPE-$SIZE.csv"
        best "$N" "pandas on joined CSV" "$VENV/bin/python" bench/baseline.py joined \
            "$WORK/joined-$SHAPE-$SIZE.csv" "$WORK/joined-$SHAPE-$SIZE.json"
        "$VENV/bin/python" bench/baseline.py check "$WORK/joined-$SHAPE-$SIZE.json" "$WORK/report-$SHAPE-$SIZE.json"
    fi
    rm -f "$WORK/export-$SHAPE-$SIZE.jsonl"
    if [ -n "${PG:-}" ]; then
        # The same ledger on PostgreSQL, in a schema of its own (dropped at the end).
        SCHEMA="bench_${SHAPE}_${SIZE}"
        psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "CREATE SCHEMA $SCHEMA" 2>/dev/null
        case "$PG" in *\?*) SEP='&' ;; *) SEP='?' ;; esac
        PGDB="$PG${SEP}options=-csearch_path%3D$SCHEMA"
        echo "== $N forecasts: PostgreSQL ($SCHEMA)"
        measure "$N" "pg: import" "$RECORDS" "$BIN" --db "$PGDB" import "$LEDGER"
        # What autovacuum would do within a minute or so: planner statistics.
        psql "$PGDB" -qc "ANALYZE"
        printf '%s\tpg: database bytes\t\t\t\t\t%s\n' "$N" "$(psql "$PG" -tAc \
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = '$SCHEMA' AND c.relkind = 'r'")" >> "$OUT"
        best "$N" "pg: report --by forecaster --format json" "$BIN" --db "$PGDB" report --by forecaster --format json
        cmp -s "$WORK/stdout.txt" "$WORK/report-$SHAPE-$SIZE.json" \
            && echo "   the report is the same as on SQLite, byte for byte" \
            || echo "   note: the report differs from SQLite's"
        best "$N" "pg: report --by forecaster --format json --resamples 0" "$BIN" --db "$PGDB" report --by forecaster --format json --resamples 0
        best "$N" "pg: list --due" "$BIN" --db "$PGDB" list --due
        best "$N" "pg: list --due --limit 10" "$BIN" --db "$PGDB" list --due --limit 10
        best "$N" "pg: show clm-$(printf %06d $((CLAIMS / 2)))" "$BIN" --db "$PGDB" show "clm-$(printf %06d $((CLAIMS / 2)))"
        best "$N" "pg: export" "$BIN" --db "$PGDB" export -o "$WORK/pg-export-$SHAPE-$SIZE.jsonl"
        sed 's/,"recorded_by":"[^"]*"}$/}/' "$WORK/pg-export-$SHAPE-$SIZE.jsonl" | cmp -s "$LEDGER" - \
            && echo "   export gives back the generated file byte for byte (but the importer's recorded_by)" \
            || echo "   note: export differs from the generated file"
        rm -f "$WORK/pg-export-$SHAPE-$SIZE.jsonl"
        best "$N" "pg: verify" "$BIN" --db "$PGDB" verify
        # Writes last, on this ledger itself (a copy of a schema is not cheap).
        OPEN=$("$BIN" --db "$PGDB" list --due --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["key"])')
        best "$N" "pg: forecast" "$BIN" --db "$PGDB" forecast "$OPEN" --p 0.42 --forecaster bench
        best "$N" "pg: resolve" "$BIN" --db "$PGDB" resolve "$OPEN" yes --on 2026-06-01
        [ "${KEEP_PG:-0}" = 1 ] || psql "$PG" -qc "DROP SCHEMA $SCHEMA CASCADE" 2>/dev/null
    fi
done
done

echo "== results: $OUT"
column -t -s$'\t' "$OUT"
if [ -n "${PG:-}" ]; then
    echo "== PostgreSQL vs SQLite (wall time, same ledgers, same run)"
    awk -F'\t' '$2 !~ /^pg: / && $3 != "" { s[$1 "\t" $2] = $3 }
        $2 ~ /^pg: / && $3 != "" { k = $1 "\t" substr($2, 5); p[k] = $3 }
        END { for (k in p) if (k in s) { split(k, a, "\t"); printf "%s forecasts: %-55s sqlite %7.3f s  postgres %7.3f s  ratio %.1fx\n", a[1], a[2], s[k], p[k], p[k] / s[k] } }' "$OUT" | sort -n
fi
if [ "$BASELINE" = 1 ]; then
    # Compared without resampling: neither baseline computes intervals or bands.
    echo "== report --by forecaster --resamples 0 vs the baseline (wall time, start-up included)"
    awk -F'\t' '$2 == "report --by forecaster --format json --resamples 0" { r[$1] = $3 } $2 ~ /^baseline/ { b[$1] = $3 }
        END { for (n in r) if (n in b) printf "%s forecasts: hindsight %.3f s, baseline %.3f s, ratio %.1fx\n", n, r[n], b[n], b[n] / r[n] }' "$OUT" | sort -n
    echo "== report --by forecaster --resamples 0 vs pandas on the joined CSV (same run, same data)"
    awk -F'\t' '$2 == "report --by forecaster --format json --resamples 0" { r[$1] = $3 } $2 ~ /^pandas on joined/ { b[$1] = $3 }
        END { for (n in r) if (n in b) printf "%s forecasts: hindsight %.3f s, pandas %.3f s, ratio %.1fx\n", n, r[n], b[n], b[n] / r[n] }' "$OUT" | sort -n
fi
