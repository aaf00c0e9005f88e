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

# The type-check runs beside lint and build (two cores): each writes to its own log, shown if it fails.
echo "== type-check, lint, build"
mkdir -p artifacts
checks=$(mktemp -d)
npx tsc --noEmit >"$checks/tsc.log" 2>&1 &
tsc_pid=$!
lint_status=0
{ npx eslint . && { npx prettier --check . >/dev/null || npx prettier --check .; } && npx vite build --logLevel warn; } \
  >"$checks/lint.log" 2>&1 || lint_status=$?
tsc_status=0
wait "$tsc_pid" || tsc_status=$?
if [ "$tsc_status" != 0 ]; then echo "type-check failed:"; cat "$checks/tsc.log"; fi
if [ "$lint_status" != 0 ]; then echo "lint or build failed:"; cat "$checks/lint.log"; fi
rm -rf "$checks"
[ "$tsc_status" = 0 ] && [ "$lint_status" = 0 ] || exit 1

if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  export LD_LIBRARY_PATH=/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
# On CI a missing WebGPU adapter fails the run rather than skipping GPU tests.
export DETANGLE_REQUIRE_GPU=1

echo "== tests"
rm -f artifacts/assertions.tsv
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=artifacts/vitest.json "$@" || status=$?
node tools/slowest.mjs || true
node -e '
const r = require("./artifacts/vitest.json");
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit $status
