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

echo "== type-check"
npx tsc --noEmit
echo "== lint"
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
echo "== build"
npx vite build --logLevel warn

if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  export LD_LIBRARY_PATH=/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
# On CI a missing WebGPU adapter fails the run rather than skipping GPU tests.
export DETANGLE_REQUIRE_GPU=1

echo "== tests"
mkdir -p artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=artifacts/vitest.json "$@" || status=$?
node -e '
const r = require("./artifacts/vitest.json");
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit $status
