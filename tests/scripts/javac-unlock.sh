#!/bin/sh
# Measures what each translation step unlocks on a real workload: javac (tests/java/ShareJavac)
# compiling the JVMCI sources ROUNDS times in capture mode with the release agent, then counts,
# from index.jsonl, captured methods and refused methods whose structural reasons (all_reasons)
# all lie in a cumulative set of translated kinds.
# Finally installs the captured code in a second run and compares its class files.
# Usage: tests/scripts/javac-unlock.sh OUT_DIR [ROUNDS]   (run from the workspace root after
#        `cargo build --release -p jitfleet-agent`)
set -eu
out=$1; rounds=${2:-4}
src=${JITFLEET_JDK_SRC:-/root/.cache/jitfleet/openjdk-17/src/jdk.internal.vm.ci}
rm -rf "$out"; mkdir -p "$out/classes" "$out/cache" "$out/javac-out" "$out/javac-out-installed"
find "$src" -name '*.java' | sort > "$out/files.txt"
javac -d "$out/classes" tests/java/ShareJavac.java
nice java -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI \
  -agentpath:"$PWD/target/release/libjitfleet.so=mode=capture,cache_dir=$out/cache,log=info" \
  -cp "$out/classes" ShareJavac "$out/files.txt" "$rounds" "$out/javac-out" > "$out/stdout" 2> "$out/stderr"
# Then install what was captured in a second javac run: its class files must equal the first's.
nice java -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI \
  -agentpath:"$PWD/target/release/libjitfleet.so=mode=install,cache_dir=$out/cache,log=info" \
  -cp "$out/classes" ShareJavac "$out/files.txt" "$rounds" "$out/javac-out-installed" > "$out/stdout-installed" 2> "$out/stderr-installed"
grep -o 'install summary:.*' "$out/stderr-installed" || true
if diff -r -q "$out/javac-out" "$out/javac-out-installed" > /dev/null; then echo "class files identical with installed code"; else echo "CLASS FILES DIFFER"; fi
python3 - "$out/cache/index.jsonl" "$out/stderr" <<'PY'
import json, sys, collections, re
lines = [json.loads(l) for l in open(sys.argv[1])]
captured = sum(1 for l in lines if 'file' in l)
refused = [l for l in lines if 'refused' in l]
print(f"nmethods {len(lines)} captured {captured} refused {len(refused)}")
# Which translation each captured method needed (from the agent's "captured" lines).
need = collections.Counter()
for m in re.finditer(r"(\d+) Java calls, (\d+) exception handlers, (\d+) class constants", open(sys.argv[2]).read()):
    calls, handlers, klasses = map(int, m.groups())
    need["class constants (and maybe calls/handlers)" if klasses else "calls or handlers, no class constants" if calls or handlers else "none of the three"] += 1
if need:
    print("captured methods by what they needed:", dict(need))
c = collections.Counter(r for l in refused for r in l.get('all_reasons', []))
print("structural reasons:", dict(c.most_common()))
print("first refusal:", dict(collections.Counter(l['refused'] for l in refused).most_common()))
# Older agents name handler tables and Java calls as such; newer ones only what stays refused.
steps = [None, "exception_handlers", "java_calls", "metadata", "oops", "constants", "osr"]
done = set()
for s in steps:
    if s:
        done.add(s)
    if s == "metadata":  # newer agents name unnamed metadata constants by what they are
        done |= {"unnamed_klass", "hidden_class"}
    n = sum(1 for l in refused if l.get('all_reasons') and set(l['all_reasons']) <= done)
    nd = sum(1 for l in refused if l.get('all_reasons') and set(l['all_reasons']) <= done | {"dependencies"})
    print(f"refused with structural reasons only in {{{','.join(sorted(done))}}}: {n} (with dependencies too: {nd})")
PY
