/**
 * Start-up and keeping state (DOM-free, with stand-ins for the address, history and storage): which
 * experiment the app starts from, the hash kept on the settings, the throttled saves, and the snapshots
 * kept for a divergence or a lost device.
 */
import { describe, expect, it } from 'vitest';
import type { Experiment } from '../src/experiment/experiment';
import { DEFAULT_EXPERIMENT } from '../src/experiment/experiment';
import { STORAGE_KEY, saveExperiment, type StorageLike } from '../src/share/storage';
import { experimentQuery, shareQuery } from '../src/share/url';
import { DEFAULT_VIEW, type ViewSettings } from '../src/share/view';
import { HashSync, Saver, readStart, timeAgo, type Shareable } from '../src/app/io/persistence';
import { Snapshots } from '../src/app/runtime/snapshots';
import { linkOfAddress } from '../src/app/io/linkSource';

class MemoryStorage implements StorageLike {
  readonly items = new Map<string, string>();
  full = false;
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.full) throw new Error('QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const EXP: Experiment = { ...DEFAULT_EXPERIMENT, dataset: 'moons', params: {}, arch: [2, 4, 1] };

describe('readStart', () => {
  it('takes a valid link first, with its weights', async () => {
    const storage = new MemoryStorage();
    saveExperiment(storage, DEFAULT_EXPERIMENT);
    const plan = await readStart(`#${experimentQuery(EXP).toString()}&grid=32`, storage);
    expect(plan.source).toBe('link');
    expect(plan.shared?.experiment.dataset).toBe('moons');
    expect(plan.gridGiven).toBe(true);
    expect(plan.linkError).toBeNull();
  });

  it('falls back to the saved experiment, saying why the link failed', async () => {
    const storage = new MemoryStorage();
    const weights = Float32Array.from({ length: 17 }, (_, i) => i / 10);
    saveExperiment(storage, EXP, { weights, now: 1000 });
    const plan = await readStart('#dataset=moons&act=evil', storage);
    expect(plan.source).toBe('saved');
    expect(plan.linkError).toMatch(/act/);
    expect(plan.shared?.weights).toEqual(weights);
    expect(plan.savedAt).toBe(1000);
  });

  it('falls back to the default on damaged saved state, saying why', async () => {
    const storage = new MemoryStorage();
    storage.setItem(
      STORAGE_KEY,
      '{"format":"detangle-saved","version":1,"savedAt":1,"link":"dataset=__proto__"}',
    );
    const plan = await readStart('', storage);
    expect(plan.source).toBe('default');
    expect(plan.savedError).toMatch(/damaged/);
    expect((await readStart('', null)).source).toBe('default');
  });
});

/** A stand-in for the app: settings as link text, weights with a version. */
function fakeApp(): Shareable & { query: string | null; version: number; step: number } {
  return {
    query: experimentQuery(EXP).toString(),
    version: 0,
    step: 0,
    trainedStep() {
      return this.step;
    },
    linkQuery() {
      return this.query;
    },
    experiment() {
      return this.query === null ? null : EXP;
    },
    view(): ViewSettings {
      return { ...DEFAULT_VIEW };
    },
    weights() {
      return null;
    },
    get weightsVersion() {
      return this.version;
    },
  };
}

function fakeWindow() {
  const calls: string[] = [];
  const win = {
    location: { pathname: '/app/', search: '' },
    history: {
      state: null,
      replaceState: (_state: unknown, _title: string, url: string) => calls.push(url),
    },
  };
  return { win: win as unknown as Window, calls };
}

describe('linkOfAddress', () => {
  it('reads settings written after ? as the link when nothing follows #, and says so when something does', async () => {
    expect(linkOfAddress('', '#arch=2-3-1')).toEqual({ hash: '#arch=2-3-1', unread: null });
    expect(linkOfAddress('?test', '')).toEqual({ hash: '', unread: null });
    expect(linkOfAddress('?test&dataset=spiral&arch=2-8-1', '')).toEqual({
      hash: '#dataset=spiral&arch=2-8-1',
      unread: null,
    });
    expect(linkOfAddress('?arch=2-8-1', '#dataset=rings')).toEqual({
      hash: '#dataset=rings',
      unread: 'arch=2-8-1',
    });
    const plan = await readStart(linkOfAddress('?dataset=spiral&arch=2-8-1', '').hash, null);
    expect(plan.source).toBe('link');
    expect(plan.shared?.experiment).toMatchObject({ dataset: 'spiral', arch: [2, 8, 1] });
  });
});

describe('HashSync', () => {
  it('writes the settings into the hash when they change, at most every interval', () => {
    const app = fakeApp();
    const { win, calls } = fakeWindow();
    const sync = new HashSync(app, win, 400);
    sync.tick(0);
    expect(calls).toEqual([`/app/#${app.query}`]);
    sync.tick(100);
    expect(calls.length).toBe(1);
    app.query = 'dataset=rings';
    sync.tick(200);
    expect(calls.length).toBe(1);
    sync.tick(450);
    expect(calls.at(-1)).toBe('/app/#dataset=rings');
    expect(sync.isOwn('#dataset=rings')).toBe(true);
    expect(sync.isOwn('#dataset=moons')).toBe(false);
    // A CSV experiment cannot travel: the hash goes.
    app.query = null;
    sync.tick(1000);
    expect(calls.at(-1)).toBe('/app/');
  });

  it('keeps a link it was opened with until the settings change', () => {
    const app = fakeApp();
    const { win, calls } = fakeWindow();
    const sync = new HashSync(app, win, 400);
    sync.adopt(app.query);
    sync.tick(0);
    expect(calls).toEqual([]);
  });

  it('keeps the weights of a link it was opened with until the network trains on', () => {
    const app = fakeApp();
    const { win, calls } = fakeWindow();
    const sync = new HashSync(app, win, 400);
    app.step = 500;
    const opened = `${app.query}&w=f32.AAAA`;
    sync.adopt(opened);
    // The app's own link text has no weights: the address keeps the opened one while nothing moves.
    sync.tick(0);
    sync.tick(500);
    expect(calls).toEqual([]);
    // A setting changes: the address follows (without the old weights).
    app.query = `${app.query}&lr=0.5`;
    sync.tick(1000);
    expect(calls.at(-1)).toBe(`/app/#${app.query}`);
  });

  it('keeps the weights of the opened link while only the view moves, so a reload opens the same network', async () => {
    const app = fakeApp();
    const { win, calls } = fakeWindow();
    const sync = new HashSync(app, win, 400);
    const weights = Float32Array.from({ length: 17 }, (_, i) => (i - 8) / 10);
    const opened = await shareQuery(EXP, { view: { slider: 0.5 }, weights });
    app.query = experimentQuery(EXP, { slider: 0.5 }).toString();
    sync.adopt(opened);
    sync.tick(0);
    expect(calls).toEqual([]);
    // The slider moves (the address follows it): the weights stay in the address.
    app.query = experimentQuery(EXP, { slider: 1.25 }).toString();
    sync.tick(500);
    expect(calls).toHaveLength(1);
    const reload = await readStart(calls[0].replace('/app/', ''), null);
    expect(reload.shared?.weights).toEqual(weights);
    expect(reload.shared?.view.slider).toBe(1.25);
    expect(sync.isOwn(calls[0].replace('/app/', ''))).toBe(true);
    sync.tick(1000);
    expect(calls).toHaveLength(1);
    // Then the network trains on: the weights in the address are no longer what is on screen.
    app.step = 30;
    sync.tick(1500);
    expect(calls.at(-1)).toBe(`/app/#${app.query}`);
  });

  it('keeps the weights of a link the app spells another way (fields in another order)', async () => {
    const app = fakeApp();
    const { win, calls } = fakeWindow();
    const sync = new HashSync(app, win, 400);
    const weights = Float32Array.from({ length: 17 }, (_, i) => i / 20);
    const text = await shareQuery(EXP, { weights });
    const reordered = text.split('&').reverse().join('&');
    sync.adopt(reordered);
    sync.tick(0);
    const reload = await readStart(calls.at(-1)?.replace('/app/', '') ?? `#${reordered}`, null);
    expect(reload.shared?.weights).toEqual(weights);
  });

  it('drops the weights of the opened link once training moves the network', () => {
    const app = fakeApp();
    const { win, calls } = fakeWindow();
    const sync = new HashSync(app, win, 400);
    app.step = 500;
    sync.adopt(`${app.query}&w=f32.AAAA`);
    app.step = 510;
    sync.tick(0);
    expect(calls).toEqual([`/app/#${app.query}`]);
  });
});

describe('Saver', () => {
  it('saves when something changed, every interval, and says once when storage refuses', () => {
    const app = fakeApp();
    const storage = new MemoryStorage();
    const warnings: string[] = [];
    const saver = new Saver(app, storage, (t) => warnings.push(t), 4000);
    saver.tick(0);
    expect(storage.items.has(STORAGE_KEY)).toBe(true);
    storage.items.clear();
    saver.tick(5000);
    expect(storage.items.size).toBe(0);
    app.version = 1;
    saver.tick(6000);
    expect(storage.items.size).toBe(0);
    saver.tick(9000);
    expect(storage.items.size).toBe(1);
    storage.full = true;
    expect(saver.saveNow()).toBe(false);
    expect(saver.saveNow()).toBe(false);
    expect(warnings.length).toBe(1);
    storage.full = false;
    expect(saver.clear()).toBe(true);
    expect(storage.items.size).toBe(0);
  });
});

describe('Snapshots', () => {
  const state = (step: number, v = 1) => ({
    params: new Float32Array([v, v]),
    moments: new Float32Array([0, 0, 0, 0]),
    step,
  });

  it('keeps the latest finite state and spaced older ones', () => {
    const s = new Snapshots(3, 1000);
    for (let i = 0; i <= 10; i++) s.offer(state(i * 100), i * 500);
    expect(s.latest?.step).toBe(1000);
    // Kept at 0, 1000, 2000, ... ms: steps 0, 200, ..., 1000; the newest three remain.
    expect(s.before(1001)?.step).toBe(1000);
    expect(s.before(1000)?.step).toBe(800);
    expect(s.before(700)?.step).toBe(600);
    expect(s.before(500)).toBeNull();
  });

  it('keeps the state from before a change of rate, so a divergence soon after goes back before it', () => {
    const s = new Snapshots(8, 1000);
    for (let i = 0; i <= 4; i++) s.offer(state(i * 100), i * 300); // kept at 0 and 1000 ms: steps 0 and 400
    s.offer(state(450), 1300);
    s.keepLatest(1300); // the rate changes here
    // Weights read back after the change, 0.1 s apart: none is kept before a whole spacing has passed.
    for (let i = 1; i <= 9; i++) s.offer(state(450 + i * 10), 1300 + i * 100);
    expect(s.before(600)?.step).toBe(450);
    // Spoiled states kept a whole spacing later are passed over while the one from before the change is kept.
    s.offer(state(700), 2300);
    expect(s.before(800)?.step).toBe(450);
    // Once the ring no longer holds it, the newest spaced state again.
    for (let i = 1; i <= 8; i++) s.offer(state(700 + i * 100), 2300 + i * 1000);
    expect(s.before(1600)?.step).toBe(1500);
    // Without a latest state it keeps nothing.
    const empty = new Snapshots(8, 1000);
    empty.keepLatest(0);
    expect(empty.before(10)).toBeNull();
  });

  it('carries the spaced states over a replaced device', () => {
    const s = new Snapshots(3, 1000);
    for (let i = 0; i <= 4; i++) s.offer(state(i * 100), i * 1000);
    const saved = s.saved();
    s.clear();
    expect(s.before(1000)).toBeNull();
    s.restoreFrom(saved, 10_000);
    expect(s.latest?.step).toBe(400);
    s.keepLatest(10_000);
    const again = s.saved();
    s.clear();
    s.restoreFrom(again, 20_000);
    expect(s.before(1000)?.step, 'the state from before the change is carried over too').toBe(400);
    expect(s.before(400)?.step).toBe(300);
    expect(s.before(300)?.step).toBe(200);
    expect(s.before(200)).toBeNull(); // three kept: 200, 300, 400
  });

  it('forgets states labelled at or after a divergence', () => {
    const s = new Snapshots(8, 1000);
    for (let i = 0; i <= 5; i++) s.offer(state(i * 100), i * 1000);
    s.discardFrom(300);
    expect(s.latest?.step).toBe(200);
    expect(s.before(1000)?.step).toBe(200);
  });

  it('ignores states with NaN or infinite values', () => {
    const s = new Snapshots();
    expect(s.offer(state(10), 0)).toBe(true);
    expect(s.offer(state(20, NaN), 2000)).toBe(false);
    expect(s.offer({ ...state(30), moments: new Float32Array([Infinity, 0, 0, 0]) }, 4000)).toBe(false);
    expect(s.latest?.step).toBe(10);
    s.clear();
    expect(s.latest).toBeNull();
  });
});

describe('timeAgo', () => {
  it('says how long ago', () => {
    expect(timeAgo(0, 30_000)).toBe('just now');
    expect(timeAgo(0, 120_000)).toBe('2 minutes ago');
    expect(timeAgo(0, 3_600_000)).toBe('1 hour ago');
    expect(timeAgo(0, 3 * 86_400_000)).toBe('3 days ago');
  });
});
