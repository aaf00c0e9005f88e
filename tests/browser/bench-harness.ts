/**
 * For the benchmark panel's browser test: build dist/ when bench.html or its sources are newer, and serve
 * dist/ under a sub-path (/detangle/) from 127.0.0.1 with a small static server, so the test also shows
 * that the built page works away from the site's root (vite's base './').
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { ROOT } from './harness';

export const SUB_PATH = '/detangle/';

const DIST = join(ROOT, 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.wgsl': 'text/plain; charset=utf-8',
};

/** Newest modification time under a path (files and folders, recursively). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), stat.mtimeMs);
}

/** Builds dist/ (`vite build`) when dist/bench.html is missing, older than its sources, or BUILD=1. */
export async function buildIfStale(): Promise<void> {
  const built = existsSync(join(DIST, 'bench.html')) ? statSync(join(DIST, 'bench.html')).mtimeMs : 0;
  const sources = Math.max(
    ...['src', 'shaders', 'public', 'index.html', 'bench.html', 'vite.config.ts'].map((p) =>
      newest(join(ROOT, p)),
    ),
  );
  if (built >= sources && process.env.BUILD !== '1') return;
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  await new Promise<void>((ok, fail) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`vite build exited with ${code}`))));
  });
}

export interface ServedDist {
  /** http://127.0.0.1:PORT/detangle/ */
  url: string;
  stop(): Promise<void>;
}

/** Serves dist/ at SUB_PATH on 127.0.0.1 (a secure context, so navigator.gpu exists). */
export async function serveDist(): Promise<ServedDist> {
  await buildIfStale();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(SUB_PATH)) {
      res.writeHead(404).end('not under the sub-path');
      return;
    }
    let file = normalize(join(DIST, path.slice(SUB_PATH.length)));
    if (!file.startsWith(DIST + sep) && file !== DIST) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${SUB_PATH}`,
    stop: () => new Promise((ok) => server.close(() => ok())),
  };
}
