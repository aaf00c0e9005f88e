/**
 * Shared by the browser tests: serve the built app with `vite preview` on 127.0.0.1, launch Debian's
 * Chromium through playwright-core (with or without WebGPU), save screenshots, and look at pixels.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Download,
  type LaunchOptions,
  type Page,
} from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = join(ROOT, 'artifacts/screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launch flags that give WebGPU, a presentable WebGPU canvas and WebGL2 on SwiftShader (webgpu-headless.md). */
export const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];
export const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
];
/** Without WebGPU: WebGL2 on SwiftShader still works. */
export const NO_WEBGPU_FLAGS = [
  '--disable-features=WebGPU',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
];

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
    server.on('error', fail);
  });
}

export interface Served {
  url: string;
  stop(): void;
}

/** Newest modification time under a path (files and folders, recursively). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), stat.mtimeMs);
}

/**
 * Under vitest, the browser project's global setup (tests/tooling/browserSetup.ts) starts one preview
 * server and one browser of each kind for every file, and names them here: a file's `stop()` then leaves
 * the server up, and its browser's `close()` ends only the contexts and pages the file opened.
 * Elsewhere (scripts), each call starts its own.
 */
export const SHARED_ENV = {
  url: 'DETANGLE_PREVIEW_URL',
  webgpu: 'DETANGLE_BROWSER_WEBGPU',
  plain: 'DETANGLE_BROWSER_PLAIN',
} as const;

/** Serves dist/, building it first (`vite build`) when it is missing, older than the sources, or BUILD=1. */
export async function serve(): Promise<Served> {
  const shared = process.env[SHARED_ENV.url];
  if (shared) return { url: shared, stop: () => undefined };
  return startServer();
}

/** Starts `vite preview` on a free port (building dist/ first when it is stale). */
export async function startServer(): Promise<Served> {
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const built = existsSync(join(ROOT, 'dist/index.html'))
    ? statSync(join(ROOT, 'dist/index.html')).mtimeMs
    : 0;
  const sources = Math.max(
    ...['src', 'shaders', 'public', 'index.html', 'bench.html', 'sweep.html'].map((p) =>
      newest(join(ROOT, p)),
    ),
  );
  if (built < sources || process.env.BUILD === '1') await buildOnce(vite, sources);
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error('vite preview did not start within 30 s');
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { url, stop: () => child.kill() };
}

/**
 * Builds dist/ while holding a lock folder, so that browser files started at once (the suite runs two
 * files at a time) never build into dist/ together, nor over a dist/ another file is serving: a file
 * that waited for the lock builds only if dist/ is still older than the sources.
 */
async function buildOnce(vite: string, sources: number): Promise<void> {
  const lock = join(ROOT, 'artifacts/.build-lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`${lock} held for 5 minutes: remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    const index = join(ROOT, 'dist/index.html');
    const built = existsSync(index) ? statSync(index).mtimeMs : 0;
    // BUILD=1 forces one build per test run: the files of one run share the runner's process as parent.
    const forcedMark = join(ROOT, `artifacts/.built-for-${process.ppid}`);
    const forced = process.env.BUILD === '1' && !existsSync(forcedMark);
    if (built < sources || forced) await run(process.execPath, [vite, 'build', '--logLevel', 'warn']);
    if (forced) writeFileSync(forcedMark, '');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('exit', (code) =>
      code === 0 ? ok() : fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/** Chromium with WebGPU on SwiftShader, or without WebGPU: the shared one under vitest (see SHARED_ENV). */
export async function launch(webgpu: boolean): Promise<Browser> {
  const shared = process.env[webgpu ? SHARED_ENV.webgpu : SHARED_ENV.plain];
  if (shared) return chromium.connect(shared);
  return chromium.launch(launchOptions(webgpu));
}

export function launchOptions(webgpu: boolean): LaunchOptions {
  return {
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_FLAGS, ...(webgpu ? WEBGPU_FLAGS : NO_WEBGPU_FLAGS)],
  };
}

/** The app's address with the test flag, which installs `window.__detangle` and counts GPU buffers. */
export function testUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('test', '');
  return u.toString().replace('test=', 'test');
}

/** Opens the app and collects console errors and page errors (and, apart, console warnings). */
export async function openApp(browser: Browser, url: string, size = { width: 1366, height: 768 }) {
  const page = await browser.newPage({ viewport: size });
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    if (m.type() === 'warning') warnings.push(`console: ${m.text()}`);
  });
  await page.goto(testUrl(url));
  await page.waitForFunction(() => window.__detangle !== undefined && !window.__detangle.state().busy, null, {
    timeout: 60_000,
  });
  return { page, errors, warnings };
}

/**
 * Opens the app in a context (pages of one context share local storage), with `hash` as the link, and
 * collects page errors, console errors and Content-Security-Policy violations into `errors`.
 */
export async function openPage(
  context: BrowserContext,
  url: string,
  options: { hash?: string; errors?: string[] } = {},
): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = options.errors ?? [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  const pageUrl = testUrl(url);
  await page.goto(options.hash ? `${pageUrl}#${options.hash}` : pageUrl);
  await waitReady(page);
  return { page, errors };
}

/**
 * A download's bytes. Through a shared browser (a connection, not a launch) `download.path()` is not
 * available, so the file is copied here first.
 */
export async function downloadedBytes(download: Download): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'detangle-download-'));
  try {
    const path = join(dir, 'file');
    await download.saveAs(path);
    return readFileSync(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until the app is up and not rebuilding. */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__detangle !== undefined && !window.__detangle.state().busy, null, {
    timeout: 60_000,
  });
}

/**
 * Holds the app's own animation loop (or lets it go again): held, frames come only from the test's
 * runFrames. For tests that step every frame they look at, and for a page left waiting while the test
 * uses another: the loop draws several frames a second on a software GPU and would take the CPU from
 * them.
 */
export async function holdFrames(page: Page, held = true): Promise<void> {
  await page.evaluate((h) => window.__detangle!.holdFrames(h), held);
}

export type AppState = ReturnType<NonNullable<Window['__detangle']>['state']>;

/** Polls the app's state from Node until `predicate` holds (throws with the last state on timeout). */
export async function waitFor(
  page: Page,
  predicate: (s: AppState) => boolean,
  timeout = 60_000,
): Promise<AppState> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const s = await page.evaluate(() => window.__detangle!.state());
    if (predicate(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last state ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Runs `act` and waits until the banner shows a new message; returns the newest message. Messages are
 * counted, so the same text twice in a row is still seen.
 */
export async function nextNotice(page: Page, act: () => Promise<unknown>, timeout = 30_000): Promise<string> {
  const before = await page.evaluate(() => window.__detangle!.state().noticeCount);
  await act();
  await page.waitForFunction((n) => window.__detangle!.state().noticeCount > n, before, { timeout });
  return (await page.evaluate(() => window.__detangle!.state().notice)) ?? '';
}

/** Screenshot of one element, saved under artifacts/screenshots; returns the decoded pixels. */
export async function shoot(page: Page, selector: string, name: string): Promise<Image> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const png = await page.locator(selector).screenshot();
  writeFileSync(join(SCREENSHOTS, `${name}.png`), png);
  return decodePng(png);
}

export async function shootPage(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(join(SCREENSHOTS, `${name}.png`), await page.screenshot());
}

export interface Image {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel. */
  data: Uint8Array;
}

/** A minimal PNG decoder for what Chromium writes: 8-bit RGB or RGBA, not interlaced. */
export function decodePng(png: Buffer): Image {
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 4;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const length = png.readUInt32BE(pos);
    const type = png.toString('ascii', pos + 4, pos + 8);
    const body = png.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const colorType = body[9];
      if (body[8] !== 8 || body[12] !== 0 || (colorType !== 2 && colorType !== 6)) {
        throw new Error('decodePng: only 8-bit, non-interlaced RGB/RGBA');
      }
      channels = colorType === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  const prev = new Uint8Array(stride);
  const cur = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = v & 255;
    }
    for (let x = 0; x < width; x++) {
      out[(y * width + x) * 4] = cur[x * channels];
      out[(y * width + x) * 4 + 1] = cur[x * channels + 1];
      out[(y * width + x) * 4 + 2] = cur[x * channels + 2];
      out[(y * width + x) * 4 + 3] = channels === 4 ? cur[x * channels + 3] : 255;
    }
    prev.set(cur);
  }
  return { width, height, data: out };
}

/** Pixels close to an sRGB colour (within `tolerance` per channel). */
export function countColor(img: Image, hex: number, tolerance = 40): number {
  const r = (hex >> 16) & 255;
  const g = (hex >> 8) & 255;
  const b = hex & 255;
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    if (
      Math.abs(img.data[i] - r) <= tolerance &&
      Math.abs(img.data[i + 1] - g) <= tolerance &&
      Math.abs(img.data[i + 2] - b) <= tolerance
    )
      n++;
  }
  return n;
}

/** Mean absolute difference per channel between two images of one size, 0..255. */
export function difference(a: Image, b: Image): number {
  if (a.width !== b.width || a.height !== b.height) return 255;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}
