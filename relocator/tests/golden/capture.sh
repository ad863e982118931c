#!/bin/sh
# Regenerates the golden dumps: runs Workload on Debian's OpenJDK 17 under a GC, waits for
# C2 to compile its hot methods, and dumps the largest C2 nmethods with SaDump (the
# Serviceability Agent attaches with ptrace: run as root or with CAP_SYS_PTRACE).
# Usage: capture.sh GC_FLAG NAME COUNT   e.g. capture.sh -XX:+UseG1GC g1 40
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gc=$1 name=$2 count=$3
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
exports="--add-modules jdk.hotspot.agent"
for p in sun.jvm.hotspot sun.jvm.hotspot.code sun.jvm.hotspot.compiler sun.jvm.hotspot.debugger \
         sun.jvm.hotspot.runtime sun.jvm.hotspot.types sun.jvm.hotspot.oops; do
    exports="$exports --add-exports jdk.hotspot.agent/$p=ALL-UNNAMED"
done
# shellcheck disable=SC2086
javac -d "$work" $exports "$here/SaDump.java" "$here/Workload.java"
java "$gc" -Xmx256m -cp "$work" Workload > "$work/out" 2>&1 &
pid=$!
i=0
until grep -q ready "$work/out"; do
    i=$((i + 1)); [ "$i" -lt 120 ] || { echo "workload did not get ready" >&2; exit 1; }
    sleep 1
done
# shellcheck disable=SC2086
java $exports -cp "$work" SaDump "$pid" "$count" "$here/$name-workload.dump"
