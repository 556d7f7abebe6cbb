#!/usr/bin/env bash
# Times the two bulk load paths on one generated corpus, each into an empty database:
# `archive seed --articles N` and `archive ingest --bulk` of the same articles as NDJSON.
# Usage: N=20000 RUNS=2 BIN=target/release/archive scripts/load-compare.sh
# Needs a release build of the binary and of the example (cargo build --release --examples).
# BIN may name several binaries (two commits' builds, copied aside): each run loads with
# each in turn, so that they compare on a machine whose speed drifts; MODES=seed skips
# the NDJSON path.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}
RUNS=${RUNS:-2}
BIN=${BIN:-target/release/archive}
MODES=${MODES:-seed ndjson}
PGHOST=${PGHOST:-127.0.0.1}
ndjson=$(mktemp --suffix=.ndjson)
trap 'rm -f "$ndjson"' EXIT
if [[ " $MODES " == *" ndjson "* ]]; then
  target/release/examples/synth_ndjson "$N" 1 > "$ndjson"
  echo "corpus: $N articles, $(du -h "$ndjson" | cut -f1) of NDJSON"
fi
for run in $(seq "$RUNS"); do
  for bin in $BIN; do
  for mode in $MODES; do
    db=scratch_load_$mode
    psql -q -h "$PGHOST" -U postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
    export DATABASE_URL=postgres://postgres@$PGHOST:5432/$db
    DEMO_ARTICLES=0 "$bin" migrate > /dev/null 2>&1
    start=$(date +%s.%N)
    if [ "$mode" = seed ]; then
      "$bin" seed --articles "$N" --seed 1 > /dev/null 2>&1
    else
      "$bin" ingest --bulk "$ndjson" > /dev/null 2>&1
    fi
    end=$(date +%s.%N)
    counts=$(psql -h "$PGHOST" -U postgres -d "$db" -Atc \
      "SELECT (SELECT count(*) FROM articles) || ' articles, ' || (SELECT count(*) FROM quotes)
              || ' quotes, ' || (SELECT count(*) FROM mentions) || ' mentions'")
    secs=$(echo "$end - $start" | bc)
    echo "run $run, $bin, $mode: $secs s ($(echo "$N / $secs" | bc) articles/s), $counts"
  done
  done
done
for mode in seed ndjson; do
  psql -q -h "$PGHOST" -U postgres -c "DROP DATABASE IF EXISTS scratch_load_$mode" 2>/dev/null
done
