/**
 * `npm run bench -- --browser`: serves bench.html from 127.0.0.1 with vite, opens it in headless Chromium
 * (Debian's, through playwright-core) with the flags that give WebGPU on a machine without a GPU, runs the
 * benchmark in the page and returns its report. Progress lines from the page go to `log`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import type { BenchArgs } from '../options';
import { commandLine } from '../options';
import type { PageOptions } from '../browser/page';
import type { BenchReport } from '../types';

/** WebGPU, a WebGPU canvas and WebGL2 in headless Chromium, also on SwiftShader (see docs: webgpu-headless). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
];

function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `no Chromium at ${path}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  return path;
}

export async function runInBrowser(args: BenchArgs, log: (line: string) => void): Promise<BenchReport> {
  const executablePath = chromiumPath();
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const server = await createServer({
    root,
    logLevel: 'warn',
    clearScreen: false,
    // Its own dependency cache, scanned from the bench page up front: a dependency found later would make
    // vite reload the page in the middle of the run.
    cacheDir: 'node_modules/.vite-bench',
    optimizeDeps: { entries: ['bench.html'] },
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
  });
  await server.listen();
  const base = server.resolvedUrls?.local[0];
  if (!base) throw new Error('vite did not report the address it serves on');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 700, height: 760 } });
    page.on('console', (message) => {
      const text = message.text();
      if (text.startsWith('[bench] ')) log(text.slice(8));
      else if (message.type() === 'error') log(`page: ${text}`);
    });
    page.on('pageerror', (error) => log(`page error: ${error.message}`));
    // `?driven`: the page Node drives, not the panel a person uses (see src/bench/browser/entry.ts).
    await page.goto(new URL('bench.html?driven', base).href);
    await page.waitForFunction(() => window.detangleBench !== undefined, null, { timeout: 120_000 });
    const options: PageOptions = {
      quick: args.quick,
      only: args.only,
      maxGpuMb: args.maxGpuMb,
      command: commandLine(args),
    };
    return await page.evaluate((o) => window.detangleBench!.run(o), options);
  } finally {
    await browser.close();
    await server.close();
  }
}
