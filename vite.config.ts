import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const page = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

// `base: './'` makes the built site work from any sub-path (a project page, a file share). Two pages:
// the app and its benchmark (bench.html), which the app links to.
export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: { main: page('index.html'), bench: page('bench.html') } },
  },
  server: { host: '127.0.0.1' },
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
