/**
 * The browser project's global setup: one preview server of dist/ and one Chromium of each kind (with and
 * without WebGPU) for every browser file, instead of one each per file. The files reach them through the
 * addresses in SHARED_ENV (tests/browser/harness.ts): `serve()` returns the shared server, `launch()`
 * connects to the shared browser, and a file's `close()` ends the contexts and pages it opened.
 */
import { chromium } from 'playwright-core';
import { SHARED_ENV, launchOptions, startServer } from '../browser/harness';

export default async function setup(): Promise<() => Promise<void>> {
  const [served, webgpu, plain] = await Promise.all([
    startServer(),
    chromium.launchServer(launchOptions(true)),
    chromium.launchServer(launchOptions(false)),
  ]);
  process.env[SHARED_ENV.url] = served.url;
  process.env[SHARED_ENV.webgpu] = webgpu.wsEndpoint();
  process.env[SHARED_ENV.plain] = plain.wsEndpoint();
  return async () => {
    await Promise.all([webgpu.close(), plain.close()]);
    served.stop();
  };
}
