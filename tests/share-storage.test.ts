import { describe, expect, it } from 'vitest';
import { paramLayout } from '../src/engine/spec';
import type { Experiment } from '../src/experiment/experiment';
import { DEFAULT_EXPERIMENT, prepare } from '../src/experiment/experiment';
import type { StorageLike } from '../src/share/storage';
import { STORAGE_KEY, clearSaved, restoreExperiment, saveExperiment } from '../src/share/storage';
import { DEFAULT_VIEW } from '../src/share/view';

/** localStorage in Node: a Map behind getItem, setItem and removeItem. */
class MapStorage implements StorageLike {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, String(value));
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

const EXP: Experiment = {
  ...structuredClone(DEFAULT_EXPERIMENT),
  dataset: 'moons',
  params: { noise: 0.2 },
  seed: 7,
};

function record(changes: Record<string, unknown>): string {
  const s = new MapStorage();
  saveExperiment(s, EXP, { now: 1000 });
  return JSON.stringify({ ...JSON.parse(s.getItem(STORAGE_KEY)!), ...changes });
}

function restoreText(text: string): ReturnType<typeof restoreExperiment> {
  const s = new MapStorage();
  s.setItem(STORAGE_KEY, text);
  return restoreExperiment(s);
}

describe('saved experiment', () => {
  it('restores what was saved: experiment, view and weights', () => {
    const s = new MapStorage();
    const { spec } = prepare(EXP);
    const w = Float32Array.from({ length: paramLayout(spec).count }, (_, i) => Math.sin(i) - 0.5);
    const view = { layer: 2, slider: 0.5, grid: 32, projection: 'units' as const };
    expect(saveExperiment(s, EXP, { view, weights: w, now: 1234 })).toEqual({ ok: true });
    const { saved, reason } = restoreExperiment(s);
    expect(reason).toBeNull();
    expect(saved!.experiment).toEqual(EXP);
    expect(saved!.spec).toEqual(spec);
    expect(saved!.view).toEqual(view);
    expect(saved!.savedAt).toBe(1234);
    expect(saved!.weights).toEqual(w);
  });

  it('without weights, view or anything saved', () => {
    const s = new MapStorage();
    expect(restoreExperiment(s)).toEqual({ saved: null, reason: null });
    saveExperiment(s, EXP);
    const { saved } = restoreExperiment(s);
    expect(saved!.view).toEqual(DEFAULT_VIEW);
    expect(saved!.weights).toBeUndefined();
  });

  it('clearSaved starts fresh', () => {
    const s = new MapStorage();
    saveExperiment(s, EXP);
    expect(clearSaved(s)).toBe(true);
    expect(s.map.size).toBe(0);
    expect(restoreExperiment(s)).toEqual({ saved: null, reason: null });
  });

  it('uses one versioned key', () => {
    const s = new MapStorage();
    saveExperiment(s, EXP);
    expect([...s.map.keys()]).toEqual(['detangle:v1:experiment']);
  });

  it('refuses to save what it could not restore', () => {
    const s = new MapStorage();
    const r = saveExperiment(s, { ...EXP, batchSize: 0 });
    expect(r).toEqual({
      ok: false,
      reason: 'the experiment cannot be saved: batch must be a whole number from 1 to 1048576; got 0',
    });
    const csv = saveExperiment(s, { ...EXP, dataset: 'csv', params: {} });
    expect(csv.ok).toBe(false);
    const w = saveExperiment(s, EXP, { weights: new Float32Array(3) });
    expect(w).toEqual({
      ok: false,
      reason: 'the experiment cannot be saved: weights: the network has 20 parameters but 3 were given',
    });
    expect(s.map.size).toBe(0);
  });

  it('reports a full or blocked storage instead of throwing', () => {
    const broken: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError: storage is disabled');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('nope');
      },
    };
    expect(saveExperiment(broken, EXP)).toEqual({
      ok: false,
      reason: 'the browser did not store it (QuotaExceededError)',
    });
    expect(restoreExperiment(broken)).toEqual({
      saved: null,
      reason: 'the saved experiment cannot be read (SecurityError: storage is disabled)',
    });
    expect(clearSaved(broken)).toBe(false);
  });

  const damaged: [string, string][] = [
    ['{', 'it is not valid JSON'],
    ['"text"', 'it is not a JSON object'],
    ['null', 'it is not a JSON object'],
    [record({ format: 'other' }), 'format must be "detangle-saved"'],
    [record({ version: 2 }), 'version must be 1'],
    [record({ savedAt: 'yesterday' }), 'savedAt must be a time in milliseconds'],
    [record({ link: 5 }), 'link must be link text'],
    [record({ link: 'dataset=moons&batch=-1' }), 'batch must be a whole number from 1 to 1048576; got -1'],
    [record({ link: 'dataset=moons&act=gelu' }), 'act: layer 1: unknown activation "gelu"'],
    [record({ weights: 12 }), 'weights must be text'],
    [record({ weights: 'f32.AAAA' }), 'weights: the weights hold 3 bytes but 20 parameters at f32 need 80'],
    [record({ weights: 'f32.@' }), 'weights: not valid base64url'],
    [record({ pad: 'x'.repeat(3 * 1024 * 1024) }), 'it is over 2097152 characters'],
  ];
  for (const [text, reason] of damaged) {
    it(`damaged content: ${reason}`, () => {
      const r = restoreText(text);
      expect(r.saved).toBeNull();
      expect(r.reason).toContain('the saved experiment is damaged and was not restored: ');
      expect(r.reason).toContain(reason);
    });
  }
});
