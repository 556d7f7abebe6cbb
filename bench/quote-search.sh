#!/usr/bin/env bash
# A page of quote search results (`quotes(first: 20, filter: { search: $q })`), from our
# server on PG_URL, with a search term drawn at random from quote-search-terms.txt for every
# request (words of the synthetic corpus's quotes, from the most to the less frequent).
# Prints wrk's requests/s and latency per concurrency. Used for the partitioning study
# (README, Performance, "Partitioning"); peer.sh measures the article and list pages.
#
#   PG_URL=postgres://postgres@127.0.0.1:5432/perf_1m bench/quote-search.sh
#
# Environment: ARCHIVE_BIN [target/release/archive], PG_URL, PORT [8098], DURATION [8] s,
# WARMUP [3] s, CONCS ["16 1"].
set -euo pipefail
cd "$(dirname "$0")"
ARCHIVE_BIN=${ARCHIVE_BIN:-$(cd .. && pwd)/target/release/archive}
PG_URL=${PG_URL:?PG_URL is not set}
PORT=${PORT:-8098}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-3}
CONCS=${CONCS:-"16 1"}
work=$(mktemp -d)
(cd "$work" && exec env -u DATABASE_POOL_SIZE -u READ_DATABASE_URL DATABASE_URL="$PG_URL" \
    DEMO_ARTICLES=0 RUST_LOG=warn HTTP_WORKERS=2 RATE_LIMIT_COST_PER_MINUTE=0 \
    BIND_ADDR="127.0.0.1:$PORT" "$ARCHIVE_BIN" > "$work/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/readyz" > /dev/null && break
    sleep 0.1
done
export TEMPLATE=$PWD/ours-quote-search.json VALUES=$PWD/quote-search-terms.txt
wrk -t1 -c4 -d"${WARMUP}s" -s wrk-values.lua "http://127.0.0.1:$PORT/graphql" > /dev/null
for c in $CONCS; do
    t=$((c > 1 ? 2 : 1))
    echo "== $c connections"
    wrk -t"$t" -c"$c" -d"${DURATION}s" --latency -s wrk-values.lua "http://127.0.0.1:$PORT/graphql" |
        grep -E "Requests/sec|^ +50%|^ +99%|errors|Non-2xx"
done
