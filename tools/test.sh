#!/usr/bin/env bash
# The whole test suite: installs what it needs, type-checks, lints, runs unit, GPU-kernel and browser tests.
# Ends with one line "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."

need_root() { [ "$(id -u)" = 0 ] || { echo "error: $1 is missing and installing it needs root (apt-get install -y $2)" >&2; exit 1; }; }

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium (browser + SwiftShader Vulkan driver)"
  need_root /usr/bin/chromium chromium
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -f /usr/lib/chromium/vk_swiftshader_icd.json ] && [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  echo "error: no Vulkan driver for WebGPU in Node: /usr/lib/chromium/vk_swiftshader_icd.json is missing" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi

mkdir -p artifacts
echo "== build"
npx vite build --logLevel warn

if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  export LD_LIBRARY_PATH=/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
# On CI a missing WebGPU adapter fails the run rather than skipping GPU tests.
export DETANGLE_REQUIRE_GPU=1
# SwiftShader (the CPU Vulkan driver) reads SwiftShader.ini from the working directory: one worker thread per
# Node process. With two Node files and a browser sharing two cores, a pool of one thread per core in every
# process oversubscribes the cores and spins; one thread each ran four GPU files, two at a time, in 138–155 s
# instead of 179–180 s. Chromium's GPU process does not read the file and keeps its pool.
printf '[Processor]\nThreadCount=1\n' >SwiftShader.ini
trap 'rm -f SwiftShader.ini' EXIT

# The browser files (one at a time) start as soon as the app is built; beside them, at a lower priority,
# the type-check, lint and the Node files (two at a time). A browser file leaves much of a core idle
# while its page waits on frames and read-backs, and the rest fills it; the pages keep the pace they have
# alone. The shortest browser files (LATE) wait until the Node files or the other browser files are done,
# and then run beside whichever is still going, instead of after it on a half-idle machine. The browser
# files' logs follow the Node files'.
LATE=(
  tests/browser/fallback.test.ts
  tests/browser/bench-panel.test.ts
  tests/browser/diagram.test.ts
  tests/browser/sweep.test.ts
  tests/browser/handTuning.test.ts
)
echo "== browser tests (their log comes after the Node files'); beside them: type-check, lint"
rm -f artifacts/assertions.tsv artifacts/vitest*.json
status=0
common=(--passWithNoTests --reporter=default --reporter=json)
# Files named on the command line run in one browser run, as named.
late=()
if [ $# = 0 ]; then
  late=("${LATE[@]}")
  early=()
  for f in "${LATE[@]}"; do early+=(--exclude "$f"); done
else
  early=("$@")
fi
# Each run's exit status lands in a file: the runs end in any order.
rc=$(mktemp -d)
# In a session of its own, so that stopping it stops its workers and browsers too.
setsid bash -c 'npx vitest run --project browser "$@"; echo $? >"'"$rc"'/browser"' run \
  "${common[@]}" --outputFile.json=artifacts/vitest-browser.json "${early[@]}" >artifacts/browser-tests.log 2>&1 &
browser_pid=$!
stop_browser_tests() { kill -- "-$browser_pid" 2>/dev/null || true; }
trap 'stop_browser_tests; exit 130' INT TERM

# The type-check and lint run beside the tests from the start, at the Node files' priority, each to its
# own log; their verdict is read at the end (the Node files used to wait for them: 86 s of a 12-minute run).
checks=$(mktemp -d)
nice -n 10 npx tsc --noEmit >"$checks/tsc.log" 2>&1 &
tsc_pid=$!
nice -n 10 bash -c 'npx eslint . && { npx prettier --check . >/dev/null || npx prettier --check .; }' \
  >"$checks/lint.log" 2>&1 &
lint_pid=$!

echo "== Node tests"
(
  nice -n 10 npx vitest run --project node --project node-isolated "${common[@]}" --outputFile.json=artifacts/vitest-node.json "$@"
  echo $? >"$rc/node"
) &
node_pid=$!
reports=(artifacts/vitest-node.json artifacts/vitest-browser.json)
if [ ${#late[@]} -gt 0 ]; then
  # Whichever of the two runs ends first, the shortest browser files start then.
  wait -n "$node_pid" "$browser_pid" || true
  npx vitest run --project browser "${common[@]}" --outputFile.json=artifacts/vitest-browser-late.json "${late[@]}" \
    >artifacts/browser-tests-late.log 2>&1
  echo $? >"$rc/late"
  reports+=(artifacts/vitest-browser-late.json)
fi
wait "$node_pid" || true
wait "$browser_pid" || true
tsc_status=0
wait "$tsc_pid" || tsc_status=$?
lint_status=0
wait "$lint_pid" || lint_status=$?
echo "== browser tests"
cat artifacts/browser-tests.log
if [ ${#late[@]} -gt 0 ]; then
  echo "== the shortest browser files"
  cat artifacts/browser-tests-late.log
fi
if [ "$tsc_status" != 0 ]; then echo "type-check failed:"; cat "$checks/tsc.log"; status=1; fi
if [ "$lint_status" != 0 ]; then echo "lint failed:"; cat "$checks/lint.log"; status=1; fi
rm -rf "$checks"
for run in "$rc"/*; do [ "$(cat "$run")" = 0 ] || status=1; done
[ -f "$rc/node" ] && [ -f "$rc/browser" ] || status=1
rm -rf "$rc"
node tools/mergeReports.mjs artifacts/vitest.json "${reports[@]}" || status=1
node tools/slowest.mjs || true
node -e '
const r = require("./artifacts/vitest.json");
// What failed, last, with the first lines of its message: a log read from its tail names it.
for (const f of r.testResults ?? []) {
  const file = f.name.slice(Math.max(0, f.name.lastIndexOf("/tests/") + 1));
  const failed = (f.assertionResults ?? []).filter((t) => t.status === "failed");
  if (f.status === "failed" && failed.length === 0) console.log(`FAILED ${file}: ${String(f.message ?? "").split("\n").slice(0, 4).join(" | ")}`);
  for (const t of failed) {
    const why = (t.failureMessages ?? []).join("\n").split("\n").filter((l) => l.trim()).slice(0, 4).join(" | ");
    console.log(`FAILED ${file} > ${t.fullName}: ${why.slice(0, 600)}`);
  }
}
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
# The checks beside the tests fail the run too: say so on the last line, not only above the file table.
[ "$tsc_status" = 0 ] || echo "FAILED the type-check (its log is above)"
[ "$lint_status" = 0 ] || echo "FAILED the lint (its log is above; npm run format mends formatting)"
exit $status
