#!/usr/bin/env bash
# Server memory while streaming a large quotes export.
#
#   scripts/export-memory.sh [ARTICLES] [FORMAT]     (defaults: 100000 parquet)
#
# Builds the release binary, seeds DATABASE_URL (default: a database of its own,
# news_archive_export_bench) with ARTICLES synthetic articles if it has fewer, starts the
# server, creates a reader key, downloads /export/quotes.FORMAT while sampling the
# server's RSS every 0.2 s, and prints rows, seconds, start and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${1:-100000}
FORMAT=${2:-parquet}
export DATABASE_URL=${DATABASE_URL:-postgres://127.0.0.1:5432/news_archive_export_bench}
export DEMO_ARTICLES=0 RUST_LOG=warn
PORT=${PORT:-18097}

cargo build --release -q
BIN=target/release/archive
have=$(psql -qtA "$DATABASE_URL" -c 'SELECT count(*) FROM articles' 2>/dev/null || echo 0)
if [ "${have:-0}" -lt "$ARTICLES" ]; then
    "$BIN" seed --articles "$ARTICLES" --seed 1 --jobs 4
fi
TOKEN=$("$BIN" keys create --role reader --name "export memory script")

"$BIN" serve --bind "127.0.0.1:$PORT" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.2; done

rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
start_kb=$(rss)
out=$(mktemp)
started=$(date +%s.%N)
curl -sf -H "authorization: Bearer $TOKEN" "127.0.0.1:$PORT/export/quotes.$FORMAT" -o "$out" &
CURL=$!
peak_kb=$start_kb
while kill -0 "$CURL" 2>/dev/null; do
    now=$(rss); [ "$now" -gt "$peak_kb" ] && peak_kb=$now
    sleep 0.2
done
wait "$CURL"
ended=$(date +%s.%N)
case "$FORMAT" in
    ndjson) rows=$(wc -l < "$out") ;;
    csv) rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)' "$out") ;;
    parquet) rows=$(python3 -c 'import pyarrow.parquet as pq,sys; print(pq.ParquetFile(sys.argv[1]).metadata.num_rows)' "$out") ;;
esac
echo "quotes.$FORMAT: $rows rows, $(stat -c %s "$out") bytes in $(echo "$ended - $started" | bc) s;" \
     "server RSS $((start_kb / 1024)) MB before, $((peak_kb / 1024)) MB peak"
rm -f "$out"
