#!/usr/bin/env bash
# What one page costs in SQL, on a dedicated run (no load):
#   1. our server: SQL statements per article page and per list page, two ways:
#      - the server's own counter (/metrics archive_sql_statements_total), read after every request;
#      - PostgreSQL's view: a dedicated server (pool of 1) connects with application_name=stmtcount and
#        log_statement=all (as connection options), and the log lines of its backends are counted:
#        every simple-protocol message ("statement:", e.g. "BEGIN READ ONLY; SET LOCAL ...") and every
#        extended-protocol execution ("execute ..."), i.e. round trips;
#   2. PostGraphile v4 (one process): the same count from the log (its introspection at start-up is
#      not counted);
#   3. EXPLAIN ANALYZE of the one-statement SQL of each page: median and 90th percentile of the
#      execution and planning times over random articles / every leaf section, with timing on, and
#      the execution time with TIMING OFF (less instrumentation overhead).
# Needs superuser rights for log_statement (trust as postgres) and read access to the server log.
#
#   ARCHIVE_BIN=/path/to/release/archive ./statements.sh
#
# Environment: ARCHIVE_BIN [required], PG_URL [postgres://postgres@127.0.0.1:5432/perf_100k],
#   POSTGRAPHILE_DIR [bench/.peer], PG_LOG [/var/log/postgresql/postgresql-15-main.log],
#   N [100] requests per page, EXPLAIN_N [100] articles for EXPLAIN, PORT [8098], PGL_PORT [5002],
#   WORK_DIR [.work], RESULTS_DIR [results].
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
ARCHIVE_BIN=${ARCHIVE_BIN:-$(cd .. && pwd)/target/release/archive}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/perf_100k}
POSTGRAPHILE_DIR=${POSTGRAPHILE_DIR:-$(pwd)/.peer}
PG_LOG=${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
N=${N:-100}
EXPLAIN_N=${EXPLAIN_N:-100}
PORT=${PORT:-8098}
PGL_PORT=${PGL_PORT:-5002}
WORK_DIR=${WORK_DIR:-$here/.work}
RESULTS_DIR=${RESULTS_DIR:-results}
stamp=$(date +%Y%m%d-%H%M%S)
raw="$WORK_DIR/statements-$stamp"
mkdir -p "$raw" "$RESULTS_DIR"
[ -n "$ARCHIVE_BIN" ] && [ -x "$ARCHIVE_BIN" ] || { echo "set ARCHIVE_BIN to the project's release binary" >&2; exit 1; }
ARCHIVE_BIN=$(cd "$(dirname "$ARCHIVE_BIN")" && pwd)/$(basename "$ARCHIVE_BIN")
[ -r "$PG_LOG" ] || { echo "cannot read the PostgreSQL log $PG_LOG (set PG_LOG)" >&2; exit 1; }
q() { psql -X -At -v ON_ERROR_STOP=1 "$PG_URL" -c "$1"; }
sep='?'; case $PG_URL in *\?*) sep='&';; esac
LOG_URL="${PG_URL}${sep}application_name=stmtcount&options=-c%20log_statement%3Dall"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; }
trap cleanup EXIT

# random articles and every leaf section, with the values each target takes
q "select id, rtrim(translate(encode(convert_to('Article:' || id, 'UTF8'), 'base64'), '+/', '-_'), '=') from articles order by random() limit $N" | tr '|' '\t' > "$raw/articles.tsv"
q "select s.id, s.path from sections s where not exists (select 1 from sections c where c.parent_id = s.id) order by s.id" | tr '|' '\t' > "$raw/sections.tsv"
# N list requests cycle through the leaf sections
awk -v n="$N" '{ v[NR] = $0 } END { for (i = 0; i < n; i++) print v[i % NR + 1] }' "$raw/sections.tsv" > "$raw/lists.tsv"
body() { jq -c --arg v "$2" '.variables |= map_values(if . == "__VALUE__" then $v else . end)' "$1"; }
post() { curl -sf -o "$raw/last.json" -X POST -H 'Content-Type: application/json' --data-binary "$2" "$1"; ! grep -q '"errors":' "$raw/last.json"; }
log_lines() { wc -l < "$PG_LOG"; }
count_log() { # from-line backend-pids... -> number of statements / executions logged by those backends
  local from=$1; shift
  local re; re=$(printf '%s|' "$@"); re=${re%|}
  tail -n +"$(( from + 1 ))" "$PG_LOG" | grep -E "\[($re)\] .*LOG:  (statement|execute)" | wc -l
}
backends() { q "select string_agg(pid::text, ' ') from pg_stat_activity where application_name = 'stmtcount'"; }

# --- our server ----------------------------------------------------------------------------------
(cd "$raw" && exec env -u READ_DATABASE_URL DATABASE_URL="$LOG_URL" DATABASE_POOL_SIZE=1 DEMO_ARTICLES=0 RUST_LOG=warn \
   HTTP_WORKERS=1 "$ARCHIVE_BIN" serve --bind "127.0.0.1:$PORT") > "$raw/ours.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz" && break; sleep 0.2; done
url=http://127.0.0.1:$PORT/graphql
metric() { curl -sf "http://127.0.0.1:$PORT/metrics" | awk '/^archive_sql_statements_total/ { print $2 }'; }
# one request of each page first, so the pooled connection exists and its statements are prepared
post "$url" "$(body ours-article-page.json "$(head -1 "$raw/articles.tsv" | cut -f2)")"
post "$url" "$(body ours-list-page.json "$(head -1 "$raw/lists.tsv" | cut -f2)")"
declare -A per_req log_total
for page in article list; do
  if [ $page = article ]; then file="$raw/articles.tsv" tpl=ours-article-page.json; else file="$raw/lists.tsv" tpl=ours-list-page.json; fi
  : > "$raw/ours-$page.counts"
  from=$(log_lines)
  while IFS=$'\t' read -r id value; do
    s0=$(metric); post "$url" "$(body "$tpl" "$value")"; s1=$(metric)
    echo "$id $(( s1 - s0 ))" >> "$raw/ours-$page.counts"
  done < "$file"
  sleep 0.5
  # shellcheck disable=SC2046
  log_total[$page]=$(count_log "$from" $(backends))
  per_req[$page]=$(awk '{ c[$2]++; s += $2 } END { for (k in c) printf "%s statements x %d, ", k, c[k]; printf "mean %.2f", s / NR }' "$raw/ours-$page.counts")
done
kill "${pids[0]}"; wait "${pids[0]}" 2> /dev/null || true

# --- PostGraphile ----------------------------------------------------------------------------------
(cd "$raw" && NODE_ENV=production exec node "$POSTGRAPHILE_DIR/node_modules/.bin/postgraphile" -c "$LOG_URL" -s public \
   --host 127.0.0.1 --port "$PGL_PORT" --dynamic-json --no-ignore-rbac --disable-default-mutations --disable-query-log \
   --append-plugins postgraphile-plugin-connection-filter,@graphile-contrib/pg-simplify-inflector) > "$raw/postgraphile.log" 2>&1 &
pids+=($!)
purl=http://127.0.0.1:$PGL_PORT/graphql
for _ in $(seq 120); do curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' "$purl" && break; sleep 0.5; done
post "$purl" "$(body pg-article-page.json "$(head -1 "$raw/articles.tsv" | cut -f1)")"
post "$purl" "$(body pg-list-page.json "$(head -1 "$raw/lists.tsv" | cut -f1)")"
declare -A pg_total
for page in article list; do
  if [ $page = article ]; then file="$raw/articles.tsv" tpl=pg-article-page.json; else file="$raw/lists.tsv" tpl=pg-list-page.json; fi
  from=$(log_lines)
  while IFS=$'\t' read -r id _; do post "$purl" "$(body "$tpl" "$id")"; done < "$file"
  sleep 0.5
  # shellcheck disable=SC2046
  pg_total[$page]=$(count_log "$from" $(backends))
done
kill "${pids[1]}"; wait "${pids[1]}" 2> /dev/null || true

# --- EXPLAIN ANALYZE of the one-statement SQL --------------------------------------------------------
explain() { # sql-file var values-file options -> "exec_median exec_p90 plan_median plan_p90"
  local sql=$1 var=$2 values=$3 opts=$4 script="$raw/explain.sql"
  : > "$script"
  while IFS=$'\t' read -r id _; do
    echo "\\set $var $id" >> "$script"
    { printf 'explain (%s) ' "$opts"; grep -v '^--' "$sql"; } >> "$script"
  done < "$values"
  psql -X -At -v ON_ERROR_STOP=1 -f "$script" "$PG_URL" > "$raw/explain.out"
  for k in Execution Planning; do
    awk -v k="$k" '$1 == k && $2 == "Time:" { print $3 }' "$raw/explain.out" | sort -g |
      awk '{ v[NR] = $1 } END { printf "%.3f %.3f ", v[int(NR * 0.5 + 0.5)], v[int(NR * 0.9 + 0.5)] }'
  done
  echo
}
awk -v n="$EXPLAIN_N" 'NR <= n' "$raw/articles.tsv" > "$raw/explain-articles.tsv"
awk '{ for (i = 0; i < 4; i++) print }' "$raw/sections.tsv" > "$raw/explain-sections.tsv"
# warm the caches once with the same statements
explain sql-article-page.sql id "$raw/explain-articles.tsv" "analyze, timing off" > /dev/null
explain sql-list-page.sql section_id "$raw/explain-sections.tsv" "analyze, timing off" > /dev/null
read -r ae50 ae90 ap50 ap90 < <(explain sql-article-page.sql id "$raw/explain-articles.tsv" "analyze, buffers")
read -r le50 le90 lp50 lp90 < <(explain sql-list-page.sql section_id "$raw/explain-sections.tsv" "analyze, buffers")
read -r aeo50 aeo90 _ _ < <(explain sql-article-page.sql id "$raw/explain-articles.tsv" "analyze, timing off")
read -r leo50 leo90 _ _ < <(explain sql-list-page.sql section_id "$raw/explain-sections.tsv" "analyze, timing off")
# one full plan of each, for the record
{ echo "\\set id $(head -1 "$raw/articles.tsv" | cut -f1)"; printf 'explain (analyze, buffers) '; grep -v '^--' sql-article-page.sql; } |
  psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" > "$raw/plan-article.txt"
{ echo "\\set section_id $(head -1 "$raw/sections.tsv" | cut -f1)"; printf 'explain (analyze, buffers) '; grep -v '^--' sql-list-page.sql; } |
  psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" > "$raw/plan-list.txt"

summary="$RESULTS_DIR/statements-$stamp.md"
{
  echo "### Statements per page and EXPLAIN ANALYZE ($stamp)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $N requests per page, one at a time (random articles; list pages cycle through the $(wc -l < "$raw/sections.tsv") leaf sections)."
  echo
  echo "| target | page | SQL statements per request (server counter) | round trips per request (PostgreSQL log) |"
  echo "|---|---|---|---|"
  for page in article list; do
    echo "| our server | $page | ${per_req[$page]} | $(awk -v t="${log_total[$page]}" -v n="$N" 'BEGIN { printf "%.2f", t / n }') |"
  done
  for page in article list; do
    echo "| PostGraphile | $page | - | $(awk -v t="${pg_total[$page]}" -v n="$N" 'BEGIN { printf "%.2f", t / n }') |"
  done
  echo
  echo "Our server's log count includes \`BEGIN READ ONLY; SET LOCAL statement_timeout\` (one message, two statements) and \`COMMIT\`."
  echo
  echo "EXPLAIN ANALYZE of the one-statement SQL (ms; median / 90th percentile):"
  echo
  echo "| page | samples | execution (ANALYZE, BUFFERS) | planning | execution (TIMING OFF) |"
  echo "|---|---:|---:|---:|---:|"
  echo "| article | $(wc -l < "$raw/explain-articles.tsv") | $ae50 / $ae90 | $ap50 / $ap90 | $aeo50 / $aeo90 |"
  echo "| list | $(wc -l < "$raw/explain-sections.tsv") | $le50 / $le90 | $lp50 / $lp90 | $leo50 / $leo90 |"
  echo
  echo "Plans: ${raw#"$here"/}/plan-article.txt, ${raw#"$here"/}/plan-list.txt (in bench/)"
} > "$summary"
cat "$summary"
echo "saved: $summary"
