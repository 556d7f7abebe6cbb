#!/usr/bin/env bash
# Create the benchmark database with the project itself: `archive migrate`, then
# `archive seed --articles N --seed 1 --jobs 4` under /usr/bin/time -v (the bulk-load figure),
# then VACUUM ANALYZE; print the load time, articles/s, peak RSS, row counts and sizes.
# Refuses to seed a database that already has articles (drop it first to redo the load).
#
#   ARCHIVE_BIN=/path/to/release/archive ./setup.sh          # about 7.5 min for 100,000 articles
#
# Environment (defaults in brackets):
#   ARCHIVE_BIN  [target/release/archive]  the release binary
#   PG_URL       [postgres://postgres@127.0.0.1:5432/perf_100k]  created if missing
#   ARTICLES [100000]  SEED [1]  JOBS [4]
#   WORK_DIR     [.work]  the seed's output and /usr/bin/time report go to $WORK_DIR/setup-<stamp>/
set -euo pipefail
cd "$(dirname "$0")"
ARCHIVE_BIN=${ARCHIVE_BIN:-$(cd .. && pwd)/target/release/archive}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/perf_100k}
ARTICLES=${ARTICLES:-100000}
SEED=${SEED:-1}
JOBS=${JOBS:-4}
WORK_DIR=${WORK_DIR:-$(pwd)/.work}
[ -n "$ARCHIVE_BIN" ] && [ -x "$ARCHIVE_BIN" ] || { echo "set ARCHIVE_BIN to the project's release binary" >&2; exit 1; }
out="$WORK_DIR/setup-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
export DATABASE_URL=$PG_URL DEMO_ARTICLES=0 RUST_LOG=${RUST_LOG:-warn}

# run from $out so that no .env of another folder is read
(cd "$out" && "$ARCHIVE_BIN" migrate)
have=$(psql -X -At "$PG_URL" -c 'select count(*) from articles')
[ "$have" = 0 ] || { echo "the database already has $have articles; drop it to reload" >&2; exit 1; }

echo "seeding $ARTICLES articles (seed $SEED, $JOBS jobs) ..."
(cd "$out" && /usr/bin/time -v -o "$out/seed.time" "$ARCHIVE_BIN" seed --articles "$ARTICLES" --seed "$SEED" --jobs "$JOBS") \
  > "$out/seed.out" 2>&1 || { cat "$out/seed.out" "$out/seed.time" >&2; exit 1; }
tail -1 "$out/seed.out"
wall=$(awk -F ': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$out/seed.time")
awk -v w="$wall" -v n="$ARTICLES" -F ': ' '
  /User time/ { u = $2 } /System time/ { s = $2 } /Percent of CPU/ { p = $2 } /Maximum resident/ { r = $2 }
  END { printf "seed: %.1f s wall, %.0f articles/s, CPU user %.1f s + system %.1f s (%s of a core), peak RSS %.1f MB\n", w, n / w, u, s, p, r / 1024 }' "$out/seed.time"

t0=$(date +%s.%N)
psql -X -q "$PG_URL" -c 'vacuum analyze'
printf 'vacuum analyze: %.1f s\n' "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"

psql -X -q "$PG_URL" <<'SQL'
\pset footer off
select s.relname as table, s.n_live_tup as rows,
       pg_size_pretty(pg_total_relation_size(s.relid)) as total,
       pg_size_pretty(pg_relation_size(s.relid)) as heap,
       pg_size_pretty(coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)) as toast,
       pg_size_pretty(pg_indexes_size(s.relid)) as indexes
from pg_stat_user_tables s join pg_class c on c.oid = s.relid
where s.schemaname = 'public' and s.n_live_tup > 0
order by pg_total_relation_size(s.relid) desc;
select pg_size_pretty(pg_database_size(current_database())) as database_size;
select round(avg(q), 2) as quotes_per_article, max(q) as max_quotes,
       round(100.0 * count(*) filter (where q > 20) / count(*), 1) as pct_articles_over_20_quotes
from (select a.id, count(q.id) as q from articles a left join quotes q on q.article_id = a.id group by a.id) t;
select round(avg(n), 2) as person_mentions_per_article, round(avg(p), 2) as people_per_article, max(p) as max_people
from (select article_id, count(*) as n, count(distinct person_id) as p from mentions where person_id is not null group by 1) t;
SQL
echo "seed output and /usr/bin/time report: $out"
