#!/usr/bin/env bash
# Soak test: a release server on a seeded database under a steady mixed load for N
# minutes, then an overload burst.
#
#   64 connections (wrk) cycling through an article page, a list page, a full-text
#   search and an analytics query (top speakers with their monthly timelines), plus a
#   steady ingest of new articles through the ingestArticle mutation (INGEST_PER_SEC).
#   Each minute prints requests/s, p99, errors (non-2xx, socket errors, GraphQL errors in
#   a 200 body, failed ingests) and the server's RSS.
#   Then OVERLOAD_CONNECTIONS (500) connections, far past the pool, for 10 s: prints
#   their status codes and latency (an overloaded server should answer fast, not hang).
#
#   scripts/soak.sh                 # 10 minutes, 100,000 articles in news_archive_bench
#   ANALYTICS_FROM=2020-01-01 scripts/soak.sh   # analytics over every quote since then
#   MINUTES=2 ARTICLES=2000 BENCH_DB=news_archive_soak scripts/soak.sh
#   BIN=path/to/archive scripts/soak.sh    # skip the release build
#
# Needs wrk (apt-get install wrk) and psql. Rate limits are off for the run (all load
# comes from one address). Run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."

MINUTES=${MINUTES:-10}
ARTICLES=${ARTICLES:-100000}
DB=${BENCH_DB:-news_archive_bench}
PORT=${PORT:-8098}
CONNECTIONS=${CONNECTIONS:-64}
OVERLOAD_CONNECTIONS=${OVERLOAD_CONNECTIONS:-500}
INGEST_PER_SEC=${INGEST_PER_SEC:-2}
BASE=${PG_URL:-postgres://127.0.0.1:5432}
export DATABASE_URL="$BASE/$DB" DEMO_ARTICLES=0 RUST_LOG=${RUST_LOG:-warn} RATE_LIMIT_COST_PER_MINUTE=0

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
if [ -n "${BIN:-}" ]; then
    bin=$BIN    # an archive binary built elsewhere
else
    cargo build --release --quiet
    bin=target/release/archive
fi
url="http://127.0.0.1:$PORT/graphql"

have=$(psql "$BASE/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" || true)
count=0
if [ "$have" = 1 ]; then
    count=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM articles" 2>/dev/null || echo 0)
fi
if [ "$count" -lt "$ARTICLES" ]; then
    echo "seeding $ARTICLES articles into $DB (has $count) ..."
    "$bin" seed --articles "$ARTICLES" --seed 1 --jobs 2 >/dev/null
    psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
fi
token=$("$bin" keys create --role editor --name "soak $(date +%s)" 2>/dev/null | tail -1)

work=$(mktemp -d)
HTTP_WORKERS=${HTTP_WORKERS:-2} BIND_ADDR="127.0.0.1:$PORT" "$bin" serve 2>"$work/server.log" &
server=$!
ingester=
cleanup() {
    [ -n "$ingester" ] && kill "$ingester" 2>/dev/null
    kill "$server" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done

slug=$(psql "$DATABASE_URL" -Atc "SELECT a.slug FROM articles a JOIN quotes q ON q.article_id = a.id GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT 1")
section=$(psql "$DATABASE_URL" -Atc "SELECT split_part(s.path, ' > ', 1) FROM articles a JOIN sections s ON s.id = a.section_id GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
word=$(psql "$DATABASE_URL" -Atc "SELECT split_part(title, ' ', 1) FROM articles ORDER BY id LIMIT 1")
# The analytics query covers the archive's last month, as a dashboard would, by default:
# over the whole archive it aggregates every quote (0.4 s of a core at 100,000 articles),
# and a quarter of 64 clients asking it saturates two cores at about 20 requests/s.
from=${ANALYTICS_FROM:-$(psql "$DATABASE_URL" -Atc "SELECT max(published_on) - 30 FROM articles")}

# One request body per line; the Lua script cycles through them.
{
    echo "{\"query\":\"query(\$slug: String!) { article(slug: \$slug) { id title publishedOn sources { outlet { name } page } people { nodes { person { id name } titles mentions { paragraph start end } } } organizations { nodes { organization { id name } } } quotes { nodes { text speaker { __typename ... on Person { name } ... on Organization { name } ... on UnnamedSource { description } } } } } }\",\"variables\":{\"slug\":\"$slug\"}}"
    echo "{\"query\":\"query(\$section: String!) { articles(first: 20, filter: { section: \$section }) { totalCount pageInfo { endCursor } nodes { id title publishedOn people(first: 5) { nodes { person { name } } } } } }\",\"variables\":{\"section\":\"$section\"}}"
    echo "{\"query\":\"query(\$q: String!) { search(query: \$q, first: 10) { type score snippet node { __typename } } }\",\"variables\":{\"q\":\"$word\"}}"
    echo "{\"query\":\"{ topEntities(kind: SPEAKERS, first: 5, quotes: { publishedFrom: \\\"$from\\\" }) { name count timeline(interval: WEEK) { start count } } }\"}"
} >"$work/bodies"
for line in 1 2 3 4; do
    body=$(sed -n "${line}p" "$work/bodies")
    answer=$(curl -s "$url" -H 'content-type: application/json' -d "$body")
    if echo "$answer" | grep -q '"errors"'; then echo "query $line fails: $answer" >&2; exit 1; fi
done

cat >"$work/mixed.lua" <<'LUA'
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
local threads = {}
function setup(thread) table.insert(threads, thread) end
local i = 0
graphql_errors = 0   -- a global: done() reads it from each thread
function init(args) i = math.random(#bodies) end
function request()
    i = i % #bodies + 1
    return wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json" }, bodies[i])
end
function response(status, headers, body)
    if status == 200 and string.find(body, '"errors"', 1, true) then
        graphql_errors = graphql_errors + 1
    end
end
function done(summary, latency, requests)
    local n = 0
    for _, t in ipairs(threads) do n = n + t:get("graphql_errors") end
    io.write(string.format("graphql_errors %d\n", n))
end
LUA

# A steady ingest: INGEST_PER_SEC new articles a second, each a new text.
ingest_loop() {
    local n=0 failed=0
    while true; do
        n=$((n + 1))
        local raw="print PRINT\n\nINTERNATIONAL\n\nSoak article $$-$n-$RANDOM\n\n  • March 1, 2024\n  • , Yomiuri , p. 2\n\nTOKYO — Prime Minister Kishida Fumio said, “This is soak article $n of run $$.”"
        local answer
        answer=$(curl -s -m 10 "$url" -H 'content-type: application/json' -H "authorization: Bearer $token" \
            -d "{\"query\":\"mutation(\$raw: String!) { ingestArticle(input: { raw: \$raw }) { outcome userErrors { message } } }\",\"variables\":{\"raw\":\"$raw\"}}" || true)
        case "$answer" in
            *'"outcome":"CREATED"'*) echo ok >>"$work/ingest" ;;
            *) echo failed >>"$work/ingest" ;;
        esac
        sleep "$(awk "BEGIN { print 1 / $INGEST_PER_SEC }")"
    done
}
: >"$work/ingest"
ingest_loop &
ingester=$!

rss() { awk '/VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$server/status"; }
echo "server pid $server; RSS at start $(rss); $CONNECTIONS connections, $INGEST_PER_SEC ingests/s, $MINUTES min"
echo
echo "| minute | requests/s | p99 | errors | ingested | ingest errors | server RSS |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
threads=2
for minute in $(seq 1 "$MINUTES"); do
    out=$(BODIES="$work/bodies" wrk -t"$threads" -c"$CONNECTIONS" -d60s --timeout 10s --latency -s "$work/mixed.lua" "$url")
    rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
    p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
    non2xx=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
    sockets=$(echo "$out" | awk -F'[ ,]+' '/Socket errors/ { print $4 + $6 + $8 + $10 }')
    gql=$(echo "$out" | awk '/^graphql_errors/ { print $2 }')
    errors=$(( ${non2xx:-0} + ${sockets:-0} + ${gql:-0} ))
    ok=$(grep -c ok "$work/ingest" || true)
    bad=$(grep -c failed "$work/ingest" || true)
    echo "| $minute | $rps | $p99 | $errors | $ok | $bad | $(rss) |"
done
kill "$ingester" 2>/dev/null; wait "$ingester" 2>/dev/null || true; ingester=

echo
echo "overload: $OVERLOAD_CONNECTIONS connections for 10 s (pool: ${DATABASE_POOL_SIZE:-16} per pool)"
ulimit -n 4096 2>/dev/null || true
cat >"$work/status.lua" <<'LUA'
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
local threads = {}
counts = {}   -- a global: done() reads it from each thread
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
local i = 0
function request()
    i = i % #bodies + 1
    return wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json" }, bodies[i])
end
function response(status, headers, body)
    local key = tostring(status)
    if status == 200 and string.find(body, '"errors"', 1, true) then key = "200+errors" end
    counts[key] = (counts[key] or 0) + 1
end
function done(summary, latency, requests)
    local total = {}
    for _, t in ipairs(threads) do
        local c = t:get("counts")
        for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
    end
    for k, v in pairs(total) do io.write(string.format("status %s: %d\n", k, v)) end
end
LUA
curl -s "http://127.0.0.1:$PORT/metrics" >"$work/metrics.before"
out=$(BODIES="$work/bodies" wrk -t2 -c"$OVERLOAD_CONNECTIONS" -d10s --timeout 10s --latency -s "$work/status.lua" "$url" 2>&1)
curl -s "http://127.0.0.1:$PORT/metrics" >"$work/metrics.after"
echo "$out" | grep -E "^status|Requests/sec|Socket errors|     (50|99)%|Latency " | sed 's/^/  /'
# The server's own latency histogram over the burst, by outcome (refused: the fast 503s;
# ok: the requests it admitted; unavailable: those whose wait for a connection ran out):
# the bucket bound that p50 and p99 fall under.
echo "  server-side, by outcome (upper bucket bounds):"
awk '
    /^archive_graphql_request_duration_seconds_bucket/ {
        match($0, /outcome="[a-z_]+"/); o = substr($0, RSTART + 9, RLENGTH - 10)
        match($0, /le="[^"]+"/); le = substr($0, RSTART + 4, RLENGTH - 5)
        n[o SUBSEP le] += (FILENAME ~ /after$/ ? $2 : -$2); les[le] = 1; outs[o] = 1
    }
    END {
        k = 0
        for (le in les) { k++; bound[k] = (le == "+Inf" ? 1e9 : le + 0); name[k] = le }
        for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (bound[j] < bound[i]) {
            t = bound[i]; bound[i] = bound[j]; bound[j] = t; t = name[i]; name[i] = name[j]; name[j] = t
        }
        for (o in outs) {
            total = n[o SUBSEP "+Inf"]; if (total <= 0) continue
            p50 = ""; p99 = ""
            for (i = 1; i <= k; i++) {
                c = n[o SUBSEP name[i]]
                if (p50 == "" && c >= 0.5 * total) p50 = name[i]
                if (p99 == "" && c >= 0.99 * total) p99 = name[i]
            }
            printf "    %s: %d answers, p50 <= %s s, p99 <= %s s\n", o, total, p50, p99
        }
    }' "$work/metrics.before" "$work/metrics.after"
echo
echo "server RSS at the end: $(rss); server log lines at WARN or above: $(grep -cE 'WARN|ERROR' "$work/server.log" || true)"
