#!/usr/bin/env bash
# The load comparison in the README: the jaio static-file server against the same server done
# with Netty's DefaultFileRegion, each on one event loop on 127.0.0.1, under wrk (Debian's
# package) for a bounded time. Makes its own files and removes them.
#   netty/bench.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
secs=${1:-10}
conns=${2:-32}
command -v wrk >/dev/null || { echo "bench.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
jdk=$("$root/bin/find-jdk")
(cd "$root" && ./mvnw -q -B install -DskipTests >&2)
(cd "$here" && "$root/mvnw" -q -B package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/cp.txt >&2)
data=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
head -c 4096 /dev/urandom > "$data/f4k"
head -c $((1 << 20)) /dev/urandom > "$data/f1m"
printf "%-8s %-6s %12s %10s %10s %10s %8s\n" server file "requests/s" "p50" "p99" "MB/s" errors
for kind in jaio netty; do
    "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$here/target/classes:$(cat "$here/target/cp.txt")" \
        io.jaio.netty.Serve "$kind" "$data" 18080 1 >/dev/null &
    server=$!
    for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18080/f4k && break; sleep 0.1; done
    for f in f4k f1m; do
        wrk -t2 -c"$conns" -d2s "http://127.0.0.1:18080/$f" >/dev/null    # warm-up
        out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:18080/$f")
        rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
        mbs=$(awk '/Transfer\/sec/ {print $2}' <<<"$out")
        errs=$(awk '/Socket errors|Non-2xx/ {e = e $0 "; "} END {print (e == "" ? 0 : e)}' <<<"$out")
        printf "%-8s %-6s %12s %10s %10s %10s %8s\n" "$kind" "$f" "$rps" "$p50" "$p99" "$mbs" "$errs"
    done
    kill "$server"; wait "$server" 2>/dev/null || true
done
