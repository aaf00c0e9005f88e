#!/usr/bin/env bash
# Runs a bundled Node entry point on a machine with a real GPU and no Node installed.
# Expects .gpu/ to hold node.xz, dawn.node.xz, node_modules/webgpu/{index.js,package.json} and the bundle,
# and .gl/ the Vulkan loader .deb (see README, "Benchmarks on a real GPU").
set -euo pipefail
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
mkdir -p /tmp/gpu/bin .gpu/node_modules/webgpu/dist/linux-x64
xz -dc .gpu/node.xz > /tmp/gpu/bin/node && chmod +x /tmp/gpu/bin/node
xz -dc .gpu/dawn.node.xz > .gpu/node_modules/webgpu/dist/linux-x64/dawn.node
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
bundle=$1
shift
exec /tmp/gpu/bin/node ".gpu/$bundle" "$@"
