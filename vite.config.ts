import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './tests/tooling/longestFirst.ts';

const page = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

/**
 * The policy every page carries (also as a meta tag in index.html, bench.html and sweep.html, for hosts that send no
 * headers). `frame-ancestors` works only as a header: no other site may frame the app.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The benchmark page also lets WebAssembly compile and blob workers run (TensorFlow.js's wasm backend). */
export const BENCH_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "script-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
).replace("worker-src 'self'", "worker-src 'self' blob:");

/** The benchmark page's names: the one page whose policy lets WebAssembly compile and blob workers run. */
const BENCH_PAGES = new Set(['bench.html', 'bench']);

/**
 * Whether a request is for the benchmark page: by its path alone (never its query or fragment), by the
 * exact name of its last segment, wherever the site is hosted (`/detangle/bench.html`, `/bench.html/`).
 */
export function isBenchPage(url: string): boolean {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url, 'http://host').pathname);
  } catch {
    return false;
  }
  const segments = path.split('/').filter((s) => s.length > 0);
  return BENCH_PAGES.has(segments[segments.length - 1] ?? '');
}

/**
 * The headers for a request to `url` (path and query as the server sees them). What `vite preview`
 * sends with every response; docs/hosting.md asks the same of any host.
 */
export function securityHeaders(url: string): Record<string, string> {
  return {
    'Content-Security-Policy': isBenchPage(url) ? BENCH_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** Sends the security headers from `vite preview` (a header, unlike a meta tag, can forbid framing). */
const securityHeadersPlugin: Plugin = {
  name: 'detangle-security-headers',
  configurePreviewServer(server) {
    server.middlewares.use((req, res, next) => {
      for (const [name, value] of Object.entries(securityHeaders(req.url ?? '/'))) res.setHeader(name, value);
      next();
    });
  },
};

// `base: './'` makes the built site work from any sub-path (a project page, a file share). Two pages:
// the app, its benchmark (bench.html) and its sweep page (sweep.html), which the app links to.
/** Node test files that need a module graph of their own (see the projects below). */
const ISOLATED = ['tests/app-history-export.test.ts', 'tests/engine-pipeline-cache.test.ts'];

export default defineConfig({
  base: './',
  plugins: [securityHeadersPlugin],
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: { main: page('index.html'), bench: page('bench.html'), sweep: page('sweep.html') },
    },
  },
  server: { host: '127.0.0.1' },
  test: {
    // Three projects. `node`: every file that runs in Node (pure, GPU through Dawn, the CLIs), two at a time:
    // none times anything against the clock, so a second file beside it changes no result, it only shares
    // the cores. Its files share each worker's modules and so one GPU device and its pipeline cache
    // (tests/helpers/gpu.ts): compiling kernels is most of a GPU file's time on a software adapter, and a
    // fifth of the compiles repeated another file's (the same networks in presets, claims, stories and kernel
    // cases); 520 → 390 CPU-seconds for the Node files. `node-isolated`: the files that need modules of their
    // own (a module mock; the pipeline cache's own counts), one at a time beside them. `browser`: the files that drive the app in headless Chromium, one at a time, longest first
    // (the sequencer reads tests/tooling/durations.json): some watch the app's own pace in real time, which
    // a second page's load would change. `npx vitest run` runs them one after the other (groupOrder);
    // `npm test` (tools/test.sh) runs them side by side, the Node files at a lower priority.
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['tests/*.test.ts'],
          exclude: ISOLATED,
          maxWorkers: 2,
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'node-isolated', include: ISOLATED, maxWorkers: 1, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          maxWorkers: 1,
          fileParallelism: false,
          // One preview server and one browser of each kind for all the files (tests/tooling/browserSetup.ts).
          globalSetup: ['tests/tooling/browserSetup.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
    pool: 'forks',
    sequence: { sequencer: LongestFirstSequencer },
    setupFiles: ['tests/tooling/countAssertions.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
