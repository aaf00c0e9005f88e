/**
 * The security headers `vite preview` sends (vite.config.ts): the benchmark page's policy (WebAssembly
 * and blob workers) goes to the benchmark page alone, chosen by the request's path and the page's exact
 * name, never by its query; every other page gets the strict one. docs/hosting.md names what the code
 * exports and gives the same policy.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as config from '../vite.config';

const { BENCH_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY, isBenchPage, securityHeaders } = config;

const policy = (url: string) => securityHeaders(url)['Content-Security-Policy'];

describe('the security headers', () => {
  it.each([
    '/bench.html',
    '/bench',
    '/bench.html?kernel=fused',
    '/bench.html#results',
    '/bench.html/',
    '/detangle/bench.html',
    '/detangle/bench.html?x=1',
    '/%62ench.html',
  ])('%s is the benchmark page', (url) => {
    expect(isBenchPage(url)).toBe(true);
    expect(policy(url)).toBe(BENCH_CONTENT_SECURITY_POLICY);
  });

  it.each([
    '/',
    '/index.html',
    '/?x=/bench',
    '/?x=/bench.html',
    '/#/bench',
    '/sweep.html?/bench',
    '/sweep.html?x=/bench.html',
    '/bench.html.map',
    '/assets/bench-4f2a.js',
    '/benchmark.html',
    '/mybench.html',
    '/bench.html/x',
    '/%E0%A4%A',
  ])('%s gets the strict policy', (url) => {
    expect(isBenchPage(url)).toBe(false);
    expect(policy(url)).toBe(CONTENT_SECURITY_POLICY);
    expect(policy(url)).not.toMatch(/blob:|wasm-unsafe-eval/);
  });

  it('sends the same other headers to every page', () => {
    for (const url of ['/', '/bench.html']) {
      expect(securityHeaders(url)['X-Content-Type-Options']).toBe('nosniff');
      expect(securityHeaders(url)['Referrer-Policy']).toBe('no-referrer');
    }
  });

  it('docs/hosting.md names what vite.config.ts exports, with the same policies', () => {
    const docs = readFileSync(new URL('../docs/hosting.md', import.meta.url), 'utf8');
    const named = [...docs.matchAll(/`vite\.config\.ts` (?:holds|exports)[^`]*`(\w+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(Object.keys(config), name).toContain(name);
    expect(docs).toContain(CONTENT_SECURITY_POLICY);
    expect(docs).toContain(BENCH_CONTENT_SECURITY_POLICY);
  });
});
