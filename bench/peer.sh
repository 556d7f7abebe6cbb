#!/usr/bin/env bash
# The project's two pages on the project's own schema, three ways, alternating in one run on the
# same database:
#   ours  the project's server (release binary, HTTP_WORKERS=2, DEMO_ARTICLES=0, RUST_LOG=warn, default pool)
#   pg1   PostGraphile v4, one Node process, pointed at schema public of the same database
#   pg2   PostGraphile v4 with --cluster-workers 2
#   sql   one hand-written SQL statement per page, driven by pgbench -M prepared (the practical limit)
# Every request draws a random article (uniform over all articles) or a random leaf section.
#
#   ARCHIVE_BIN=/path/to/release/archive ./peer.sh
#
# Steps: start the three servers (from $WORK_DIR, so no .env or .postgraphilerc.js is picked up);
# write the value files (every article id with its global ID, every leaf section with its path)
# and the pgbench scripts; run check.sh; warm up every (page, target) pair; then ROUNDS rounds.
# In each round, for each page and each concurrency, every target is measured once, in an order
# rotated by one target per round. Before and after every measurement the script looks for
# builds (cargo, rustc, npm, ...) and for any other process that used more than OTHER_CPU_MAX
# cores; if it finds one, it waits until the machine is quiet and repeats the whole round.
# The summary (markdown) goes to $RESULTS_DIR/run-<stamp>.md, raw outputs to $WORK_DIR/run-<stamp>/.
# All servers are stopped (by PID) at exit.
#
# Environment (defaults in brackets):
#   ARCHIVE_BIN       [target/release/archive]  the release binary (`cargo build --release`; never built here)
#   PG_URL            [postgres://postgres@127.0.0.1:5432/perf_100k]  used by every target
#   POSTGRAPHILE_DIR  [bench/.peer]  npm prefix with postgraphile@4.14.1, postgraphile-plugin-connection-filter@2.3.0,
#                     @graphile-contrib/pg-simplify-inflector@6.1.0
#   OURS_PORT [8099]  PG1_PORT [5000]  PG2_PORT [5001]
#   ROUNDS [3]  DURATION [15] s per measurement  WARMUP [5] s per (page, target)
#   CONCS ["16 1"]    connections; wrk -t2 / pgbench -j2 at 2+ connections, -t1 / -j1 at 1
#   TARGETS ["ours pg1 pg2 sql"]  PAGES ["article list"]
#   HTTP_WORKERS [2]  our server's actix workers
#   OTHER_CPU_MAX [0.15]  cores; BUSY_WAIT_MAX [1800] s to wait for a quiet machine
#   WORK_DIR [.work]  RESULTS_DIR [results]
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)

ARCHIVE_BIN=${ARCHIVE_BIN:-$(cd .. && pwd)/target/release/archive}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/perf_100k}
POSTGRAPHILE_DIR=${POSTGRAPHILE_DIR:-$(pwd)/.peer}
OURS_PORT=${OURS_PORT:-8099}
PG1_PORT=${PG1_PORT:-5000}
PG2_PORT=${PG2_PORT:-5001}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
CONCS=${CONCS:-"16 1"}
TARGETS=${TARGETS:-"ours pg1 pg2 sql"}
PAGES=${PAGES:-"article list"}
HTTP_WORKERS=${HTTP_WORKERS:-2}
OTHER_CPU_MAX=${OTHER_CPU_MAX:-0.15}
BUSY_WAIT_MAX=${BUSY_WAIT_MAX:-1800}
WORK_DIR=${WORK_DIR:-$here/.work}
RESULTS_DIR=${RESULTS_DIR:-results}
stamp=$(date +%Y%m%d-%H%M%S)
raw="$WORK_DIR/run-$stamp"
mkdir -p "$raw" "$RESULTS_DIR"
read -r -a targets <<< "$TARGETS"
read -r -a pages <<< "$PAGES"
read -r -a concs <<< "$CONCS"

for tool in wrk pgbench psql jq curl node base64 /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
[ -n "$ARCHIVE_BIN" ] && [ -x "$ARCHIVE_BIN" ] || { echo "set ARCHIVE_BIN to the project's release binary" >&2; exit 1; }
ARCHIVE_BIN=$(cd "$(dirname "$ARCHIVE_BIN")" && pwd)/$(basename "$ARCHIVE_BIN")
postgraphile_bin="$POSTGRAPHILE_DIR/node_modules/.bin/postgraphile"
[[ " ${targets[*]} " != *" pg"* ]] || [ -e "$postgraphile_bin" ] || { echo "no PostGraphile at $postgraphile_bin (set POSTGRAPHILE_DIR)" >&2; exit 1; }
for port in "$OURS_PORT" "$PG1_PORT" "$PG2_PORT"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is already in use" >&2; exit 1; fi
done
q() { psql -X -At -v ON_ERROR_STOP=1 "$PG_URL" -c "$1"; }

# --- quiet-machine checks ----------------------------------------------------------------------
# A build paused with SIGSTOP (state T) uses no CPU and does not count.
BUILD_RE='cargo|rustc|rustdoc|clippy-driver|npm|npx|yarn|pnpm|tsc|esbuild|apt|apt-get|dpkg|cc|cc1|cc1plus|c++|gcc|g++|ld|ld.lld|lld|mold|make|cmake|go'
builds() { ps -eo stat=,comm= | awk '$1 !~ /^T/ { print $2 }' | grep -E -x "$BUILD_RE" | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }' || true; }
hz=$(getconf CLK_TCK)
server_pids=()   # filled when the servers are up; their CPU is accounted, not "other"
snap() { # "pid comm jiffies" for every process (utime+stime+cutime+cstime)
  local f line pid comm rest
  for f in /proc/[0-9]*/stat; do
    { read -r line < "$f"; } 2> /dev/null || continue
    pid=${line%% *}; comm=${line#*(}; comm=${comm%)*}; rest=${line##*) }
    # shellcheck disable=SC2086
    set -- $rest
    echo "$pid ${comm// /_} $(( ${12} + ${13} + ${14} + ${15} ))"
  done
}
other_heavy() { # snapshot-before snapshot-after wall-seconds -> "comm(pid) X.XX cores" for busy foreign processes
  local mine=" $$ ${server_pids[*]} $(for p in "${server_pids[@]}"; do ps -o pid= --ppid "$p"; done | tr '\n' ' ') "
  awk -v mine="$mine" -v hz="$hz" -v wall="$3" -v max="$OTHER_CPU_MAX" '
    FNR == NR { before[$1] = $3; next }
    index(mine, " " $1 " ") { next }
    $2 == "postgres" || $2 == "wrk" || $2 == "pgbench" || $2 == "time" { next }
    { d = $3 - (($1 in before) ? before[$1] : 0); c = d / hz / wall
      if (c > max) printf "%s%s(%s) %.2f cores", sep, $2, $1, c; sep = ", " }' "$1" "$2"
}
wait_quiet() { # until no build runs and nothing foreign burns CPU for 5 s
  local waited=0 b s0 s1 o
  while :; do
    b=$(builds)
    snap > "$raw/.q0"; sleep 5; snap > "$raw/.q1"; waited=$(( waited + 5 ))
    o=$(other_heavy "$raw/.q0" "$raw/.q1" 5)
    [ -z "$b" ] && [ -z "$o" ] && return 0
    echo "  waiting for a quiet machine (${b:+builds: $b; }${o:+busy: $o}) ..."
    [ "$waited" -lt "$BUSY_WAIT_MAX" ] || { echo "the machine did not become quiet in ${BUSY_WAIT_MAX}s" >&2; exit 1; }
    sleep 5; waited=$(( waited + 5 ))
  done
}

# --- servers -----------------------------------------------------------------------------------
declare -A pid_of url_of
stop_all() {
  local t p kids
  for t in "${!pid_of[@]}"; do
    p=${pid_of[$t]}
    kill -0 "$p" 2> /dev/null || continue
    kids=$(ps -o pid= --ppid "$p" | tr -s ' \n' ' ' || true)
    kill "$p" 2> /dev/null || true
    for _ in $(seq 40); do kill -0 "$p" 2> /dev/null || break; sleep 0.25; done
    kill -0 "$p" 2> /dev/null && kill -9 "$p" 2> /dev/null
    for k in $kids; do kill "$k" 2> /dev/null || true; done
    echo "stopped $t (pid $p${kids:+, workers $kids})" >&2
  done
}
trap stop_all EXIT
wait_ready() { # name url probe-kind
  local name=$1 url=$2
  for _ in $(seq 240); do
    if curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' "$url"; then return 0; fi
    kill -0 "${pid_of[$name]}" 2> /dev/null || { echo "$name exited:" >&2; cat "$raw/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "$name did not come up at $url" >&2; exit 1
}
start_servers() {
  local t pg_args
  for t in "${targets[@]}"; do
    case $t in
      ours)
        (cd "$WORK_DIR" && exec env -u DATABASE_POOL_SIZE -u READ_DATABASE_URL DATABASE_URL="$PG_URL" DEMO_ARTICLES=0 RUST_LOG=warn \
           HTTP_WORKERS="$HTTP_WORKERS" RATE_LIMIT_COST_PER_MINUTE=0 "$ARCHIVE_BIN" serve --bind "127.0.0.1:$OURS_PORT") > "$raw/ours.log" 2>&1 &
        pid_of[ours]=$!; url_of[ours]=http://127.0.0.1:$OURS_PORT/graphql ;;
      pg1|pg2)
        local port=$PG1_PORT; [ "$t" = pg2 ] && port=$PG2_PORT
        pg_args=(-c "$PG_URL" -s public --host 127.0.0.1 --port "$port"
                 --dynamic-json --no-ignore-rbac --disable-default-mutations --disable-query-log
                 --append-plugins postgraphile-plugin-connection-filter,@graphile-contrib/pg-simplify-inflector)
        [ "$t" = pg2 ] && pg_args+=(--cluster-workers 2)
        (cd "$WORK_DIR" && NODE_ENV=production exec node "$postgraphile_bin" "${pg_args[@]}") > "$raw/$t.log" 2>&1 &
        pid_of[$t]=$!; url_of[$t]=http://127.0.0.1:$port/graphql ;;
    esac
  done
  for t in "${!pid_of[@]}"; do wait_ready "$t" "${url_of[$t]}"; done
  sleep 2   # cluster workers: let both come up
  server_pids=("${pid_of[@]}")
  for t in "${!pid_of[@]}"; do echo "$t up: pid ${pid_of[$t]} at ${url_of[$t]}, RSS $(rss "$t") KiB"; done
}
tree_pids() { local p=$1; echo "$p"; ps -o pid= --ppid "$p" | tr -d ' '; }
rss() { # KiB, the server process and its children (cluster workers)
  local t=0 p
  for p in $(tree_pids "${pid_of[$1]}"); do
    [ -r "/proc/$p/status" ] && t=$(( t + $(awk '/^VmRSS/ { print $2 }' "/proc/$p/status") ))
  done
  echo $t
}
proc_cpu() { # jiffies used so far by a server process and its children
  local t=0 p
  for p in $(tree_pids "$1"); do
    [ -r "/proc/$p/stat" ] && t=$(( t + $(awk '{ print $14 + $15 }' "/proc/$p/stat") ))
  done
  echo $t
}
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# --- inputs: value files and pgbench scripts ---------------------------------------------------
echo "run $stamp: writing value files from $PG_URL"
# Same order in each pair of files, so line i is the same article / section for every target:
# PostGraphile takes the integer id, our server the global ID (article) or the section path (list).
q "select id, rtrim(translate(encode(convert_to('Article:' || id, 'UTF8'), 'base64'), '+/', '-_'), '=') from articles order by id" |
  tr '|' '\t' > "$raw/articles.tsv"
q "select s.id, s.path from sections s where not exists (select 1 from sections c where c.parent_id = s.id) order by s.id" |
  tr '|' '\t' > "$raw/sections.tsv"
cut -f1 "$raw/articles.tsv" > "$raw/values-article-pg.txt"; cut -f2 "$raw/articles.tsv" > "$raw/values-article-ours.txt"
cut -f1 "$raw/sections.tsv" > "$raw/values-list-pg.txt"; cut -f2 "$raw/sections.tsv" > "$raw/values-list-ours.txt"
! grep -q '["\\]' "$raw"/values-*.txt || { echo "a value contains a quote or backslash" >&2; exit 1; }
sections_tsv="$raw/sections.tsv"
n_articles=$(wc -l < "$raw/articles.tsv"); n_sections=$(wc -l < "$sections_tsv")
read -r a_min a_max a_count < <(q 'select min(id), max(id), count(*) from articles' | tr '|' ' ')
[ "$a_count" -gt 0 ] || { echo "no articles: run ./setup.sh first" >&2; exit 1; }
# pgbench draws an id in [min, max]; where ids have gaps (identity values consumed by concurrent
# or refused inserts), the statement takes the first article at or after the drawn id: one more
# index probe, and an article after a gap is drawn a little more often.
if [ $(( a_max - a_min + 1 )) = "$a_count" ]; then
  { echo "\\set id random($a_min, $a_max)"; cat sql-article-page.sql; } > "$raw/pgbench-article.sql"
else
  echo "  article ids have gaps ($a_count ids in $a_min-$a_max): pgbench takes the next id at or after the drawn one"
  { echo "\\set id random($a_min, $a_max)"
    sed 's/where a\.id = :id/where a.id = (select min(n.id) from articles n where n.id >= :id)/' sql-article-page.sql; } > "$raw/pgbench-article.sql"
  grep -q 'n.id >= :id' "$raw/pgbench-article.sql" || { echo "could not rewrite the article id lookup" >&2; exit 1; }
fi
{ echo "\\set k random(1, $n_sections)"
  printf '\\set section_id CASE'
  awk -F '\t' '{ printf " WHEN :k = %d THEN %s", NR, $1 }' "$sections_tsv"
  echo " END"
  cat sql-list-page.sql; } > "$raw/pgbench-list.sql"
echo "  $n_articles articles (ids $a_min-$a_max), $n_sections leaf sections"

start_servers

if [ -n "${url_of[ours]:-}" ] && [ -n "${url_of[pg1]:-${url_of[pg2]:-}}" ]; then
  echo "content check (check.sh):"
  PG_URL=$PG_URL OURS_URL=${url_of[ours]} PGL_URL=${url_of[pg1]:-${url_of[pg2]}} WORK_DIR=$raw ./check.sh > "$raw/check.txt" 2>&1 ||
    { sed 's/^/  /' "$raw/check.txt"; exit 1; }
  sed 's/^/  /' "$raw/check.txt"
fi

# --- measurement -------------------------------------------------------------------------------
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) }
                 else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'; }
tname() { case $1 in ours) echo "our server";; pg1) echo "PostGraphile 1 proc";; pg2) echo "PostGraphile 2 workers";; sql) echo "SQL via pgbench";; esac; }
disturbed=""
measure() { # round page conc target seconds -> appends a row to $round_tsv (unless warm-up)
  local label=$1 page=$2 conc=$3 target=$4 secs=$5
  local base="$raw/$label-$page-c$conc-$target" threads=2
  [ "$conc" -lt 2 ] && threads=1
  local b; b=$(builds)
  if [ -n "$b" ]; then disturbed="builds before $target/$page/c$conc: $b"; return; fi
  local spid="" b0 s0 t0 b1 s1 t1
  [ "$target" != sql ] && spid=${pid_of[$target]}
  snap > "$base.snap0"
  b0=$(cpu_busy); s0=0; [ -n "$spid" ] && s0=$(proc_cpu "$spid"); t0=$(date +%s.%N)
  if [ "$target" = sql ]; then
    rm -f "$base.log".*
    /usr/bin/time -f '%U %S' -o "$base.time" \
      pgbench -n -M prepared -c "$conc" -j "$threads" -T "$secs" -f "$raw/pgbench-$page.sql" \
        -l --log-prefix="$base.log" "$PG_URL" > "$base.txt" 2>&1
  else
    local kind=pg; [ "$target" = ours ] && kind=ours
    TEMPLATE=$kind-$page-page.json VALUES=$raw/values-$page-$kind.txt /usr/bin/time -f '%U %S' -o "$base.time" \
      wrk -t"$threads" -c"$conc" -d"${secs}s" --timeout 10s --latency -s wrk-values.lua "${url_of[$target]}" > "$base.txt" 2>&1
  fi
  t1=$(date +%s.%N); b1=$(cpu_busy); s1=0; [ -n "$spid" ] && s1=$(proc_cpu "$spid")
  snap > "$base.snap1"
  local wall; wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  local o; o=$(other_heavy "$base.snap0" "$base.snap1" "$wall")
  b=$(builds)
  if [ -n "$o$b" ]; then disturbed="during $target/$page/c$conc: ${o}${b:+ builds: $b}"; return; fi
  [ "$label" = warmup ] && { echo "  warm-up $(tname "$target"), $page page: done"; return; }

  local rps p50 p99 avg errors rss_kib=""
  if [ "$target" = sql ]; then
    rps=$(awk '/^tps = / { printf "%.0f", $3 }' "$base.txt")
    avg=$(awk '/^latency average = / { printf "%.2f", $4 }' "$base.txt")
    read -r p50 p99 < <(cat "$base.log".* | awk '{ print $3 }' | sort -n |
      awk '{ v[NR] = $1 } END { i50 = int(NR * 0.50 + 0.999); i99 = int(NR * 0.99 + 0.999); printf "%.2f %.2f\n", v[i50] / 1000, v[i99] / 1000 }')
    errors=$(awk '/^number of failed transactions:/ { print $5 }' "$base.txt"); errors=${errors:-0}
    rm -f "$base.log".*
  else
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$base.txt")
    p50=$(awk '$1 == "50%" { print $2 }' "$base.txt" | to_ms)
    p99=$(awk '$1 == "99%" { print $2 }' "$base.txt" | to_ms)
    avg=$(awk '$1 == "Latency" { print $2; exit }' "$base.txt" | to_ms)
    errors=$(awk '/^bad responses/ { n += $NF } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$base.txt")
    rss_kib=$(rss "$target")
  fi
  local machine loadgen server rest
  machine=$(awk -v d=$(( b1 - b0 )) -v hz="$hz" -v w="$wall" 'BEGIN { printf "%.2f", d / hz / w }')
  loadgen=$(awk -v w="$wall" '{ printf "%.2f", ($1 + $2) / w }' "$base.time")
  server=$(awk -v d=$(( s1 - s0 )) -v hz="$hz" -v w="$wall" 'BEGIN { printf "%.2f", d / hz / w }')
  rest=$(awk -v m="$machine" -v l="$loadgen" -v s="$server" 'BEGIN { printf "%.2f", m - l - s }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${label#r}" "$page" "$conc" "$target" \
    "$rps" "$p50" "$p99" "$avg" "$errors" "$machine" "$loadgen" "$server" "$rest" "${rss_kib:--}" >> "$round_tsv"
  printf '  round %s  %-7s c%-3s %-24s %6s req/s  p50 %7s ms  p99 %7s ms  errors %s  CPU %s (load %s, server %s, rest %s)%s\n' \
    "${label#r}" "$page" "$conc" "$(tname "$target")" "$rps" "$p50" "$p99" "$errors" "$machine" "$loadgen" "$server" "$rest" \
    "${rss_kib:+  RSS $(( rss_kib / 1024 )) MiB}"
}

tsv="$raw/results.tsv"
: > "$tsv"
round_tsv="$raw/warmup.tsv"
wait_quiet
echo "warm-up: ${WARMUP}s per (page, target) at c${concs[0]}"
for page in "${pages[@]}"; do
  for t in "${targets[@]}"; do measure warmup "$page" "${concs[0]}" "$t" "$WARMUP"; done
done
rss_after_warmup=$(for t in "${!pid_of[@]}"; do printf '%s %s KiB; ' "$t" "$(rss "$t")"; done)
echo "measuring: ${DURATION}s each, connections: ${concs[*]}, $ROUNDS round(s)"
r=1 repeats=0
while [ "$r" -le "$ROUNDS" ]; do
  round_tsv="$raw/round-$r.tsv"
  : > "$round_tsv"
  disturbed=""
  # rotate the target order by one per round
  order=("${targets[@]:$(( (r - 1) % ${#targets[@]} ))}" "${targets[@]:0:$(( (r - 1) % ${#targets[@]} ))}")
  for page in "${pages[@]}"; do
    for conc in "${concs[@]}"; do
      for t in "${order[@]}"; do
        measure "r$r" "$page" "$conc" "$t" "$DURATION"
        [ -n "$disturbed" ] && break 3
      done
    done
  done
  if [ -n "$disturbed" ]; then
    repeats=$(( repeats + 1 ))
    mv "$round_tsv" "$raw/round-$r-discarded-$repeats.tsv"
    echo "  round $r disturbed ($disturbed): discarded, waiting for a quiet machine, then repeating it"
    echo "round $r discarded: $disturbed" >> "$raw/disturbances.txt"
    wait_quiet
    continue
  fi
  cat "$round_tsv" >> "$tsv"
  r=$(( r + 1 ))
done
rss_end=$(for t in "${!pid_of[@]}"; do printf '%s %s KiB; ' "$t" "$(rss "$t")"; done)
ours_requests=""
[ -n "${url_of[ours]:-}" ] && ours_requests=$(curl -sf "http://127.0.0.1:$OURS_PORT/metrics" | awk '/^archive_graphql_requests_total/ { r += $NF } /^archive_sql_statements_total/ { s = $2 } END { printf "%s GraphQL requests, %s SQL statements", r, s }')

# --- report ------------------------------------------------------------------------------------
pg_version=$(q 'show server_version')
shared_buffers=$(q 'show shared_buffers')
db_size=$(q 'select pg_size_pretty(pg_database_size(current_database()))')
pgl_version=$(node -p "require('$POSTGRAPHILE_DIR/node_modules/postgraphile/package.json').version")
summary="$RESULTS_DIR/run-$stamp.md"
med() { # printf-format
  sort -g | awk -v f="${1:-%s}" '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf f "\n", m }'; }
rng() { # printf-format
  sort -g | awk -v f="${1:-%s}" 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf f "-" f "\n", lo, hi }'; }
col() { awk -F '\t' -v p="$1" -v c="$2" -v t="$3" -v k="$4" '$2 == p && $3 == c && $4 == t { print $k }' "$tsv"; }
{
  echo "### Run $stamp"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);" \
       "PostgreSQL $pg_version (shared_buffers $shared_buffers), $a_count articles, $n_sections leaf sections, database $db_size;" \
       "our server: $(basename "$ARCHIVE_BIN") serve, HTTP_WORKERS=$HTTP_WORKERS, default pool;" \
       "PostGraphile $pgl_version on Node $(node --version) (1 process, and --cluster-workers 2);" \
       "${DURATION}s per measurement after ${WARMUP}s warm-up per pair, $ROUNDS rounds, target order rotated per round;" \
       "wrk -t2 / pgbench -j2 at 16 connections, -t1 / -j1 at 1; pgbench -M prepared. Load generator, servers and PostgreSQL share the cores."
  echo
  echo "Medians over $ROUNDS rounds, with the range (min-max) in parentheses. CPU in cores (CPU-s per wall s): whole machine, load generator, server process(es), rest (mostly PostgreSQL). RSS: server after the measurement (max over rounds)."
  echo
  echo "| page | conns | target | req/s | p50 ms | p99 ms | errors | CPU | load gen | server | rest | RSS MiB |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for page in "${pages[@]}"; do
    for conc in "${concs[@]}"; do
      for t in "${targets[@]}"; do
        [ -n "$(col "$page" "$conc" "$t" 5)" ] || continue
        rss_max=$(col "$page" "$conc" "$t" 14 | grep -v '^-$' | sort -g | tail -1 || true)
        printf '| %s | %s | %s | %s (%s) | %s (%s) | %s (%s) | %s | %s | %s | %s | %s | %s |\n' "$page" "$conc" "$(tname "$t")" \
          "$(col "$page" "$conc" "$t" 5 | med %.0f)" "$(col "$page" "$conc" "$t" 5 | rng %.0f)" \
          "$(col "$page" "$conc" "$t" 6 | med %.2f)" "$(col "$page" "$conc" "$t" 6 | rng %.2f)" \
          "$(col "$page" "$conc" "$t" 7 | med %.2f)" "$(col "$page" "$conc" "$t" 7 | rng %.2f)" \
          "$(col "$page" "$conc" "$t" 9 | awk '{ n += $1 } END { print n + 0 }')" \
          "$(col "$page" "$conc" "$t" 10 | med %.2f)" "$(col "$page" "$conc" "$t" 11 | med %.2f)" \
          "$(col "$page" "$conc" "$t" 12 | med %.2f)" "$(col "$page" "$conc" "$t" 13 | med %.2f)" \
          "${rss_max:+$(( rss_max / 1024 ))}"
      done
    done
  done
  echo
  echo "Throughput ratios within each round (same time window), then their median and range:"
  echo
  echo "| page | conns | round | ours | PG 1 proc | PG 2 workers | SQL | ours / best PG | ours / PG 1 | ours / PG 2 | ours / SQL | best PG / SQL |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F '\t' '
    { k = $2 "\t" $3 "\t" $1; if (!(k in seen)) { seen[k] = 1; order[++n] = k } v[k, $4] = $5 }
    function r(a, b) { return (a > 0 && b > 0) ? sprintf("%.2f", a / b) : "-" }
    function mx(a, b) { return a > b ? a : b }
    END { for (i = 1; i <= n; i++) { k = order[i]; split(k, a, "\t")
            o = v[k, "ours"]; g1 = v[k, "pg1"]; g2 = v[k, "pg2"]; s = v[k, "sql"]; g = mx(g1 + 0, g2 + 0)
            printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", a[1], a[2], a[3], o, g1, g2, s, r(o, g), r(o, g1), r(o, g2), r(o, s), r(g, s) } }' "$tsv" |
    sort -t '|' -k2,2 -k3,3nr -k4,4n | tee "$raw/ratios.md"
  echo
  echo "| page | conns | ours / best PG | ours / PG 1 | ours / PG 2 | ours / SQL | best PG / SQL |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for page in "${pages[@]}"; do
    for conc in "${concs[@]}"; do
      rows=$(awk -F '|' -v p=" $page " -v c=" $conc " '$2 == p && $3 == c' "$raw/ratios.md")
      [ -n "$rows" ] || continue
      line="| $page | $conc |"
      for f in 9 10 11 12 13; do
        vals=$(echo "$rows" | awk -F '|' -v f="$f" '{ gsub(/ /, "", $f); if ($f != "-") print $f }')
        line="$line $(echo "$vals" | med %.2f)x ($(echo "$vals" | rng %.2f)) |"
      done
      echo "$line"
    done
  done
  echo
  echo "Server RSS after start-up and warm-up: $rss_after_warmup at the end: $rss_end"
  [ -n "$ours_requests" ] && echo "Our server over the whole run (check, warm-up, rounds): $ours_requests."
  [ -s "$raw/disturbances.txt" ] && { echo; echo "Discarded rounds:"; sed 's/^/- /' "$raw/disturbances.txt"; }
  if [ -s "$raw/check.txt" ]; then
    echo
    echo "Content check before measuring (check.sh; response sizes in bytes: ours / PostGraphile / SQL):"
    echo
    echo '```'
    cat "$raw/check.txt"
    echo '```'
  fi
  echo
  echo "Raw outputs: ${raw#"$here"/} (in bench/)"
} > "$summary"
echo
cat "$summary"
echo "saved: $summary"
