/**
 * Wiring: find WebGPU (or fall back), read the link or the saved experiment, create the views and the
 * app, keep the address and the saved state up to date, start the frame loop.
 */
import { openLink, startFresh, startFrom } from './app/io/openExperiment';
import { App } from './app/shell/app';
import { installErrorHandlers } from './app/shell/faults';
import { fallbackMessage, requestGpu, watchDevices } from './engine/browserGpu';
import { linkOfAddress, linkPresents } from './app/io/linkSource';
import { HashSync, Saver, localStore, readStart, timeAgo } from './app/io/persistence';
import { Notice } from './ui/notice';
import { bindKeyboard, bindMenusBlur } from './ui/keyboard';
import { bindPresenting } from './ui/presenting';
import { bindPanelToggle } from './ui/panelToggle';
import { Views } from './view/views';

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html lacks #${id}`);
  return el as T;
};

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

async function main(): Promise<void> {
  const notice = new Notice(byId('notice'));
  installErrorHandlers(notice);
  // The browser tests open the page with `?test`: only then are GPU buffers counted and the hook installed.
  const testing = new URLSearchParams(location.search).has('test');
  if (testing) watchDevices((await import('./app/testing/bufferCounter')).countBuffers);
  const gpu = await requestGpu();
  if (!gpu.device) notice.info(fallbackMessage(gpu.why), { topic: 'backend' });
  const device = gpu.device;
  const storage = localStore();
  const address = linkOfAddress(location.search, location.hash);
  const plan = await readStart(address.hash, storage);
  if (plan.linkError) {
    const instead = plan.source === 'saved' ? 'your last saved experiment' : 'the default experiment';
    // The address is rewritten to the run shown: the link as it was stays here to be mended.
    const was = address.hash.length > 160 ? `${address.hash.slice(0, 157)}...` : address.hash;
    notice.error(
      `The link in the address cannot be opened: ${plan.linkError}. Started from ${instead} instead. ` +
        `The link was ${was}`,
      { topic: 'link' },
    );
  }
  if (address.unread) {
    notice.info(
      `The settings after ? in the address were not read (“?${address.unread.slice(0, 80)}”): a link's ` +
        'settings go after #, and those were read.',
      { topic: 'query' },
    );
  }
  if (plan.savedError)
    notice.error(`${capitalise(plan.savedError)}. Started from the default experiment.`, { topic: 'saved' });

  const mainCanvas = byId<HTMLCanvasElement>('main-canvas');
  const stripCanvas = byId<HTMLCanvasElement>('strip-canvas');
  const views = await Views.create(mainCanvas, stripCanvas, device, document.getElementById('diagram'));
  const app = new App(
    {
      mainCanvas,
      stripCanvas,
      stripCells: byId('strip-cells'),
      caption: byId('caption'),
      legend: byId('legend'),
      pointInfo: byId('point-info'),
      chart: byId<HTMLCanvasElement>('loss-chart'),
      status: byId('status'),
      gui: byId('gui'),
      progress: byId('progress'),
      trainingBar: byId('training-bar'),
      story: byId('story'),
      presentStory: byId('present-story'),
      timeline: document.getElementById('timeline-bar') ?? undefined,
    },
    views,
    device,
    device ? gpu.adapter : 'CPU trainer',
    notice,
  );
  byId('reset-camera').addEventListener('click', () => app.dispatch({ type: 'resetCamera' }));
  const dispatch = (c: Parameters<typeof app.dispatch>[0]): void => app.dispatch(c);
  app.edits.mount(byId('training-bar'), byId('gui'));
  bindKeyboard(dispatch, {
    get presenting() {
      return app.run.presenting;
    },
    edits: app.edits,
  });
  bindMenusBlur();
  bindPresenting(byId<HTMLButtonElement>('present'), dispatch, {
    get presenting() {
      return app.run.presenting;
    },
    subscribe: (topics, run) => app.store.subscribe(topics, run),
  });
  bindPanelToggle(byId('panel-toggle'), byId('side'));
  if (testing) (await import('./app/testing/testHook')).installDebugHook(app);
  await startFrom(app, plan);
  if (plan.source === 'link' && linkPresents(address.hash)) dispatch({ type: 'setPresenting', on: true });
  if (plan.source === 'saved' && !notice.latest) {
    notice.info(`Restored your last experiment (saved ${timeAgo(plan.savedAt ?? Date.now())}).`, {
      topic: 'saved',
      actions: [{ label: 'Start fresh', run: () => void startFresh(app) }],
    });
  }

  // The address always links to what is on screen; a link opened from a link keeps its text (and weights).
  const hashSync = new HashSync(app, window);
  const fromQuery = address.hash !== location.hash;
  // Settings read from after ? move after #, where a reload reads them.
  if (fromQuery) history.replaceState(history.state, '', `${location.pathname}${testing ? '?test' : ''}`);
  if (plan.source === 'link' && !fromQuery) hashSync.adopt(location.hash.slice(1));
  else hashSync.write(app.linkQuery());
  app.hashSync = hashSync;
  // The link the person put in the address is the event's: the address may have been rewritten since.
  window.addEventListener('hashchange', (e) => {
    const hash = new URL(e.newURL).hash;
    if (hashSync.isOwn(hash)) return;
    void openLink(app, hash).then((ok) => ok && dispatch({ type: 'setPresenting', on: linkPresents(hash) }));
  });
  const saver = new Saver(app, storage, (text) => notice.info(text, { topic: 'saved' }));
  saver.attach(window);
  app.saver = saver;

  const loop = (now: number): void => {
    if (!app.loop.held) app.frame(now);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}

main().catch((e: unknown) => {
  const el = document.getElementById('notice');
  if (el) {
    const row = document.createElement('div');
    row.className = 'notice-row error';
    row.textContent = `Detangle could not start: ${e instanceof Error ? e.message : String(e)}`;
    el.replaceChildren(row);
    el.hidden = false;
  }
  console.error(e);
});
