#!/usr/bin/env bash
# Load test of the two pages the archive is built for, against a release server on a
# seeded database:
#   article page: one article with sources, authors, section, people (titles, spans),
#                 organizations and quotes with their speakers;
#   list page:    the 20 newest articles of a section with their sources and 5 people each.
# Reports wrk's p50 / p99 latency and requests per second at 1 and 16 connections.
#
#   scripts/load.sh                 # 100,000 articles in database news_archive_bench
#   ARTICLES=1000000 scripts/load.sh
#
# Needs wrk (apt-get install wrk). Run it on an idle machine: wrk, the server and
# PostgreSQL share the cores, and a compile running beside it makes the numbers meaningless.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES=${ARTICLES:-100000}
DB=${BENCH_DB:-news_archive_bench}
PORT=${PORT:-8099}
DURATION=${DURATION:-15s}
BASE=${PG_URL:-postgres://127.0.0.1:5432}
export DATABASE_URL="$BASE/$DB" DEMO_ARTICLES=0 RUST_LOG=${RUST_LOG:-warn}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet
bin=target/release/archive

have=$(psql "$BASE/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" || true)
count=0
if [ "$have" = 1 ]; then
    count=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM articles" 2>/dev/null || echo 0)
fi
if [ "$count" -lt "$ARTICLES" ]; then
    echo "seeding $ARTICLES articles into $DB (has $count) ..."
    /usr/bin/time -f "seed: %e s, max RSS %M KiB" "$bin" seed --articles "$ARTICLES" --seed 1 --jobs 4
    psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
fi

HTTP_WORKERS=${HTTP_WORKERS:-2} BIND_ADDR="127.0.0.1:$PORT" "$bin" serve &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done

# The article with the most quotes, and the largest section with sub-sections.
slug=$(psql "$DATABASE_URL" -Atc "SELECT a.slug FROM articles a JOIN quotes q ON q.article_id = a.id GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT 1")
section=$(psql "$DATABASE_URL" -Atc "SELECT split_part(s.path, ' > ', 1) FROM articles a JOIN sections s ON s.id = a.section_id GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
work=$(mktemp -d)
cat > "$work/article.json" <<JSON
{"query":"query(\$slug: String!) { article(slug: \$slug) { id title publishedOn publication dateline paragraphs sources { outlet { name } page } authors { id name } sectionPath { name } people { nodes { person { id name } titles mentions { paragraph start end } } } organizations { nodes { organization { id name acronym } mentions { paragraph start end } } } quotes { nodes { id text cue isFragment speaker { __typename ... on Person { id name } ... on Organization { id name } ... on UnnamedSource { description } } } } } }","variables":{"slug":"$slug"}}
JSON
cat > "$work/list.json" <<JSON
{"query":"query(\$section: String!) { articles(first: 20, filter: { section: \$section }) { pageInfo { hasNextPage endCursor } nodes { id slug title publishedOn sources { outlet { name } page } people(first: 5) { nodes { person { id name } } } } } }","variables":{"section":"$section"}}
JSON
cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open(os.getenv("BODY_FILE"), "r")
wrk.body = f:read("*a")
f:close()
LUA

for page in article list; do
    body=$(curl -sf "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' -d @"$work/$page.json")
    if echo "$body" | grep -q '"errors"'; then echo "$page page fails: $body" >&2; exit 1; fi
done
rss() { awk '/VmRSS/ { print $2 " KiB" }' "/proc/$server/status"; }
rss_before=$(rss)
echo "article page: $slug ($(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM quotes q JOIN articles a ON a.id = q.article_id WHERE a.slug = '$slug'") quotes); list page: section $section"
echo
echo "| page | connections | p50 | p99 | requests/s |"
echo "| --- | --- | --- | --- | --- |"
for page in article list; do
    for c in 1 16; do
        # Warm up, then measure.
        BODY_FILE="$work/$page.json" wrk -t1 -c"$c" -d2s -s "$work/post.lua" "http://127.0.0.1:$PORT/graphql" >/dev/null
        threads=$(( c < 2 ? c : 2 ))
        out=$(BODY_FILE="$work/$page.json" wrk -t"$threads" -c"$c" -d"$DURATION" --latency -s "$work/post.lua" "http://127.0.0.1:$PORT/graphql")
        p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
        p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
        rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
        errors=$(echo "$out" | grep -E "Non-2xx|Socket errors" || true)
        echo "| $page | $c | $p50 | $p99 | $rps |${errors:+ $errors}"
    done
done
echo
echo "server RSS: $rss_before after warm-up of one request each, $(rss) after the runs"
rm -rf "$work"
