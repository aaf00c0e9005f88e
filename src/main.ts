/** Wiring: find WebGPU (or fall back), create the views and the app, start the frame loop. */
import './ui/style.css';
import { App } from './app/controller';
import { installDebugHook } from './app/debug';
import { adapterName, requestEngineDevice } from './engine/device';
import { Notice } from './ui/notice';
import { bindKeyboard } from './ui/keyboard';
import { Views } from './view/views';

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html lacks #${id}`);
  return el as T;
};

async function findDevice(notice: Notice): Promise<{ device: GPUDevice | null; adapter: string }> {
  const fallback = (why: string) => {
    notice.info(
      `${why} Training runs on the CPU instead and the views are drawn with WebGL2, on a smaller grid. ` +
        'For the full experience use a browser with WebGPU (recent Chrome or Edge; Firefox and Safari behind a setting).',
    );
    return { device: null, adapter: 'CPU trainer' };
  };
  if (!('gpu' in navigator) || !navigator.gpu) return fallback('This browser has no WebGPU.');
  const adapter = await navigator.gpu
    .requestAdapter({ powerPreference: 'high-performance' })
    .catch(() => null);
  if (!adapter) return fallback('WebGPU is present but found no GPU adapter.');
  try {
    const device = await requestEngineDevice(adapter);
    device.lost.then((info) => {
      if (info.reason !== 'destroyed')
        notice.error(`The GPU device was lost (${info.message}). Reload the page to start again.`);
    });
    device.addEventListener('uncapturederror', (e) => {
      const error = (e as GPUUncapturedErrorEvent).error;
      console.error(error);
      notice.error(`GPU error: ${error.message}`);
    });
    return { device, adapter: adapterName(adapter.info) };
  } catch (e) {
    return fallback(
      `The WebGPU device could not be created (${e instanceof Error ? e.message : String(e)}).`,
    );
  }
}

async function main(): Promise<void> {
  const notice = new Notice(byId('notice'));
  const { device, adapter } = await findDevice(notice);
  const mainCanvas = byId<HTMLCanvasElement>('main-canvas');
  const views = await Views.create(mainCanvas, byId<HTMLCanvasElement>('strip-canvas'), device);
  const app = new App(
    {
      mainCanvas,
      stripCells: byId('strip-cells'),
      caption: byId('caption'),
      legend: byId('legend'),
      pointInfo: byId('point-info'),
      chart: byId<HTMLCanvasElement>('loss-chart'),
      status: byId('status'),
      gui: byId('gui'),
    },
    views,
    device,
    adapter,
    notice,
  );
  byId('reset-camera').addEventListener('click', () => views.resetCamera());
  bindKeyboard({
    togglePlay: () => app.togglePlay(),
    moveSlider: (d) => app.setPosition(app.settings.position + d),
    jumpLayer: (d) => {
      const t = app.settings.position;
      app.setPosition(d > 0 ? Math.floor(t + 1e-6) + 1 : Math.ceil(t - 1e-6) - 1);
    },
    resetCamera: () => views.resetCamera(),
  });
  installDebugHook(app);
  await app.start();
  const loop = (now: number): void => {
    app.frame(now);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}

main().catch((e: unknown) => {
  const el = document.getElementById('notice');
  if (el) {
    el.hidden = false;
    el.className = 'error';
    el.textContent = `Detangle could not start: ${e instanceof Error ? e.message : String(e)}`;
  }
  console.error(e);
});
