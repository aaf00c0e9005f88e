/**
 * The app before its views know the vector-field layer: a link or a model file with one is refused with
 * a clear notice ("… is not shown yet"), and nothing changes (against a fake host, DOM-free).
 */
import { describe, expect, it } from 'vitest';
import { importModelText, openLink, type OpenHost } from '../src/app/io/openExperiment';
import { initParams } from '../src/engine/twin';
import { DEFAULT_EXPERIMENT, prepare, type Experiment } from '../src/experiment/experiment';
import { exportModel } from '../src/share/modelExport';
import { experimentQuery } from '../src/share/url';
import { fakeDoor, fakeNotice } from './helpers/appHosts';

function host() {
  const door = fakeDoor();
  const notice = fakeNotice();
  const calls: string[] = [];
  const h: OpenHost = {
    settings: door.settings,
    spec: null,
    trainer: null,
    data: null,
    csv: null,
    device: null,
    notice,
    hashSync: { write: (q) => calls.push(`write ${q}`), adopt: (q) => calls.push(`adopt ${q}`) },
    saver: { clear: () => calls.push('saver cleared') },
    dispatch: door.dispatch,
    queue: async (task) => {
      await task();
    },
    leaveStory: (why) => calls.push(`left: ${why}`),
    linkQuery: () => 'q',
    loadData: () => {
      throw new Error('no data is loaded for a network that is refused');
    },
    loadState: () => calls.push('state loaded'),
    rebuildAll: async () => void calls.push('rebuilt'),
    rebuildNetwork: async () => void calls.push('rebuilt'),
  };
  return { h, door, notice, calls };
}

const EXP: Experiment = {
  ...DEFAULT_EXPERIMENT,
  dataset: 'rings',
  params: { samples: 200 },
  arch: [2, 2, 1],
  fields: [8, 0],
};

describe('a vector-field network in the app, before its views', () => {
  it('a link is refused with a notice that says it is not shown yet; nothing changes', async () => {
    const { h, door, notice } = host();
    const before = structuredClone(door.settings);
    expect(await openLink(h, `#${experimentQuery(EXP).toString()}`)).toBe(false);
    expect(notice.shown.at(-1)?.kind).toBe('error');
    expect(notice.shown.at(-1)?.text).toBe(
      'This link cannot be opened: its layer 1 is a vector-field layer, which is not shown yet: train it with npm run train (docs/cli.md). The current experiment is kept.',
    );
    expect(door.settings).toEqual(before);
  });

  it('a model file too', async () => {
    const { h, door, notice } = host();
    const before = structuredClone(door.settings);
    const run = prepare(EXP);
    const text = exportModel(run.spec, initParams(run.spec, 1, run.train), EXP);
    expect(await importModelText(h, text, 'vf.json')).toBe(false);
    expect(notice.shown.at(-1)?.text).toMatch(
      /^vf\.json cannot be imported: .*vector-field layer, which is not shown yet/,
    );
    expect(door.settings).toEqual(before);
  });
});
