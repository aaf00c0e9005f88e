// Runs a TypeScript entry point under Node with WebGPU (Dawn) pointed at a Vulkan driver.
// Where no driver is configured and Debian's Chromium is installed, its SwiftShader (a CPU Vulkan) is used.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: node tools/run.mjs ENTRY.ts [args...]');
  process.exit(2);
}
const env = { ...process.env };
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && existsSync(swiftshader)) {
  env.VK_ICD_FILENAMES = swiftshader;
  env.LD_LIBRARY_PATH = ['/usr/lib/chromium', env.LD_LIBRARY_PATH].filter(Boolean).join(':');
}
const loader = fileURLToPath(new URL('./raw-loader.mjs', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', '--import', loader, script, ...args], {
  env,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
