#!/usr/bin/env bash
# Pause (stop) or resume (cont) every build and test process on the machine, so that a
# benchmark can run on a quiet machine while other work waits:
#   bench/pause-builds.sh stop && bench/peer.sh; bench/pause-builds.sh cont
set -euo pipefail
sig=${1:?stop or cont}
case $sig in stop) s=STOP ;; cont) s=CONT ;; *) echo "stop or cont" >&2; exit 2 ;; esac
re='^(cargo|rustc|rustdoc|clippy-driver|cc|cc1|cc1plus|gcc|ld|collect2|ld.lld|build-script-.*|integration-.*|news_archive-.*|archive|fuzz_.*|libfuzzer.*)$'
n=0
for f in /proc/[0-9]*/comm; do
  pid=${f#/proc/}; pid=${pid%/comm}
  comm=$(cat "$f" 2> /dev/null) || continue
  [[ $comm =~ $re ]] || continue
  [ "$pid" = $$ ] && continue
  # never the benchmark's own server (started by peer.sh with --bind 127.0.0.1:$OURS_PORT)
  tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -q -- "--bind 127.0.0.1:${OURS_PORT:-8099}" && continue
  kill -s "$s" "$pid" 2> /dev/null && n=$((n + 1))
done
echo "$sig: $n processes"
