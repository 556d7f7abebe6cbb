#!/usr/bin/env bash
# Seeds each fuzz target's corpus from the repository's fixtures and tour queries.
# Usage: fuzz/seed.sh   (from the repository root; writes fuzz/corpus/<target>/)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/ingest fuzz/corpus/json fuzz/corpus/graphql_request
find tests/fixtures -type f -name '*.txt' -exec cp {} fuzz/corpus/ingest/ \;
find tests/fixtures -type f \( -name '*.json' -o -name '*.ndjson' \) ! -name '*.gold.json' \
  -exec cp {} fuzz/corpus/json/ \;
for q in ui/src/tour/*.graphql queries/*.graphql; do
  [ -f "$q" ] || continue
  name=$(basename "$q" .graphql)
  cp "$q" "fuzz/corpus/graphql_request/$name.graphql"
  python3 -c 'import json,sys; print(json.dumps({"query": open(sys.argv[1]).read()}))' "$q" \
    > "fuzz/corpus/graphql_request/$name.json"
done
printf '%s' '{"query":"query($f: ArticleFilter){ articles(first: 2, filter: $f) { totalCount nodes { id title } } }","variables":{"f":{"or":[{"search":"Taiwan"},{"not":{"publishedFrom":"2022-01-01"}}]}}}' \
  > fuzz/corpus/graphql_request/variables.json
printf '%s' '[{"query":"{ __typename }"},{"query":"mutation { deleteArticle(input: {id: \"QXJ0aWNsZTox\"}) { userErrors { message } } }"}]' \
  > fuzz/corpus/graphql_request/batch.json
for target in ingest json graphql_request; do
  echo "$target: $(ls fuzz/corpus/$target | wc -l) seeds"
done
