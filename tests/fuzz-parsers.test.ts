/**
 * Fuzzing the parsers of outside input: links, model files, CSV files and saved state. A seeded mutator
 * turns valid inputs into hundreds of damaged or hostile ones; each parser must either return a valid
 * result or throw its own error class with a message, quickly, and leave the prototypes alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from '../src/data/csv';
import { PRESETS } from '../src/data/presets';
import type { NetworkSpec } from '../src/engine/spec';
import { buildSpec, paramLayout, widths } from '../src/engine/spec';
import type { Experiment } from '../src/experiment/experiment';
import { DEFAULT_EXPERIMENT, experimentFromPreset, prepare } from '../src/experiment/experiment';
import { ShareError } from '../src/share/errors';
import { exportModel } from '../src/share/modelExport';
import { importModel } from '../src/share/modelImport';
import type { StorageLike } from '../src/share/storage';
import { STORAGE_KEY, restoreExperiment, saveExperiment } from '../src/share/storage';
import { experimentQuery, parseExperimentFields, parseExperimentQuery, shareQuery } from '../src/share/url';
import type { ViewSettings } from '../src/share/view';
import { Random } from '../src/random';

/** Longest time one input may take. Generous for slow machines; a hang or a blow-up takes far longer. */
const MAX_MS = 2000;

const HOSTILE_TEXT = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '-1e999',
  '1e39',
  '1e-400',
  '99999999999999999999999',
  '-1',
  '0',
  '-0',
  '2.5',
  '0x1F',
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '"',
  "'",
  ',',
  '&',
  '=',
  '#',
  '%',
  '%zz',
  '\\u0000',
  '\u0000',
  '\ud800',
  '\uffff',
  '\u{1f600}',
  '\n',
  '\r\n',
  '<script>alert(1)</script>',
  'x'.repeat(5000),
];

function deepArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function ownKey(key: string, value: unknown): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return o;
}

/** Stands for 100,000 nested arrays: too deep to build and stringify as a value, so spliced in as text. */
const DEEP = '@@deep@@';
const DEEP_TEXT = `${'['.repeat(100000)}${']'.repeat(100000)}`;

function serialize(v: unknown, space?: number): string {
  return JSON.stringify(v, null, space).replaceAll(`"${DEEP}"`, DEEP_TEXT);
}

const HOSTILE_VALUES: (() => unknown)[] = [
  () => NaN, // becomes null in JSON
  () => 1e308,
  () => -1e308,
  () => 1e39,
  () => -1,
  () => 0,
  () => 2.5,
  () => 1e20,
  () => 4294967296,
  () => '',
  () => 'abc',
  () => '1',
  () => '__proto__',
  () => 'constructor',
  () => null,
  () => true,
  () => [],
  () => ({}),
  () => deepArray(500),
  () => DEEP,
  () => Array(20000).fill(1),
  () => ownKey('__proto__', { polluted: true }),
  () => ({ constructor: { prototype: { polluted: true } } }),
];

/** Seeded mutations of text and of parsed JSON. */
class Mutator {
  private readonly rng: Random;
  constructor(seed: number) {
    this.rng = new Random(seed);
  }

  int(n: number): number {
    return this.rng.int(n);
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.rng.int(list.length)];
  }

  /** One to three edits: bit flips, truncation, duplication, deletion, injection, number swaps, nesting. */
  text(s: string): string {
    const edits = 1 + this.int(3);
    for (let e = 0; e < edits; e++) s = this.edit(s);
    return s;
  }

  private edit(s: string): string {
    const at = this.int(s.length + 1);
    switch (this.int(8)) {
      case 0: {
        if (s.length === 0) return s;
        const i = Math.min(at, s.length - 1);
        return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << this.int(8))) + s.slice(i + 1);
      }
      case 1:
        return s.slice(0, at);
      case 2: {
        const from = this.int(s.length + 1);
        const piece = s.slice(from, from + this.int(200));
        return s.slice(0, at) + piece.repeat(1 + this.int(4)) + s.slice(at);
      }
      case 3:
        return s.slice(0, at) + s.slice(at + 1 + this.int(50));
      case 4:
        return s.slice(0, at) + this.pick(HOSTILE_TEXT) + s.slice(at);
      case 5: {
        const numbers = [...s.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
        if (numbers.length === 0) return s;
        const m = this.pick(numbers);
        return s.slice(0, m.index) + this.pick(HOSTILE_TEXT.slice(0, 13)) + s.slice(m.index + m[0].length);
      }
      case 6:
        return s.slice(0, at) + String.fromCharCode(32 + this.int(95)) + s.slice(at + 1);
      default: {
        const n = this.pick([10, 1000, 100000]);
        return s.slice(0, at) + (this.chance(0.5) ? '['.repeat(n) : '{"a":'.repeat(n)) + s.slice(at);
      }
    }
  }

  /** A structural mutation of a JSON value (a copy): delete, replace, type swap, key injection, growth. */
  json(value: unknown): unknown {
    const root = JSON.parse(JSON.stringify(value)) as unknown;
    const containers: (Record<string, unknown> | unknown[])[] = [];
    const walk = (v: unknown, depth: number): void => {
      if (typeof v !== 'object' || v === null || depth > 8) return;
      containers.push(v as Record<string, unknown>);
      for (const child of Object.values(v)) walk(child, depth + 1);
    };
    walk(root, 0);
    if (containers.length === 0) return this.pick(HOSTILE_VALUES)();
    const edits = 1 + this.int(3);
    for (let e = 0; e < edits; e++) {
      const c = this.pick(containers);
      const keys = Object.keys(c);
      const key = keys.length > 0 ? this.pick(keys) : '0';
      const target = c as Record<string, unknown>;
      switch (this.int(6)) {
        case 0:
          if (Array.isArray(c)) c.splice(Number(key), 1);
          else delete target[key];
          break;
        case 1:
          target[key] = this.pick(HOSTILE_VALUES)();
          break;
        case 2: {
          const v = target[key];
          if (typeof v === 'number') target[key] = String(v);
          else if (typeof v === 'string') target[key] = Number(v) || v.length;
          else if (Array.isArray(v)) target[key] = Object.fromEntries(v.entries());
          else if (typeof v === 'object' && v !== null) target[key] = Object.values(v);
          else target[key] = [v];
          break;
        }
        case 3:
          if (!Array.isArray(c)) {
            Object.defineProperty(c, this.pick(['__proto__', 'constructor', 'prototype', 'toString']), {
              value: { polluted: true, prototype: { polluted: true } },
              enumerable: true,
              writable: true,
              configurable: true,
            });
          }
          break;
        case 4:
          if (Array.isArray(c) && c.length > 0) c.push(JSON.parse(JSON.stringify(this.pick(c)) ?? 'null'));
          else if (!Array.isArray(c)) target[`extra${this.int(10)}`] = 1;
          break;
        default: {
          const v = target[key];
          if (typeof v === 'number') target[key] = this.pick([v * 1e30, -v, v + 0.5, Math.round(v) + 1, 0]);
          break;
        }
      }
    }
    return root;
  }
}

type ErrorClass = abstract new (...args: never[]) => Error;

function clip(s: string): string {
  return s.length > 300 ? `${s.slice(0, 300)}... (${s.length} chars)` : s;
}

/** The thrown value must be one of the parser's own error classes, with a message. */
function expectOwnError(e: unknown, classes: ErrorClass[], input: string): void {
  if (!classes.some((c) => e instanceof c)) {
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new Error(`unexpected ${what}\n  for input ${JSON.stringify(clip(input))}`);
  }
  expect((e as Error).message.length).toBeGreaterThan(0);
}

async function timed<T>(input: string, run: () => T | Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const start = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${MAX_MS} ms`)),
      MAX_MS * 2 + input.length / 1000,
    );
  });
  let out: { value?: T; error?: unknown };
  try {
    out = { value: await Promise.race([Promise.resolve().then(run), timeout]) };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('timed out')) {
      throw new Error(`${error.message} for input ${JSON.stringify(clip(input))}`);
    }
    out = { error };
  } finally {
    clearTimeout(timer);
  }
  const ms = performance.now() - start;
  // Linear work on a big input may take its time on a busy machine; what must never pass is worse than linear.
  if (ms > MAX_MS + input.length / 2000)
    throw new Error(`took ${ms.toFixed(0)} ms for input ${JSON.stringify(clip(input))}`);
  return out;
}

function checkParamsFor(spec: NetworkSpec, params: Float32Array, factor = 1): void {
  expect(params.length).toBe(factor * paramLayout(spec).count);
  for (const v of params) if (!Number.isFinite(v)) throw new Error(`non-finite parameter ${v}`);
}

const protoNames = (o: object): string[] => Object.getOwnPropertyNames(o).sort();
const before = {
  object: protoNames(Object.prototype),
  array: protoNames(Array.prototype),
  fn: protoNames(Function.prototype),
};

afterAll(() => {
  expect(protoNames(Object.prototype)).toEqual(before.object);
  expect(protoNames(Array.prototype)).toEqual(before.array);
  expect(protoNames(Function.prototype)).toEqual(before.fn);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
});

describe('fuzz: links', () => {
  const seeds: string[] = [];
  beforeAll(async () => {
    const exps = [DEFAULT_EXPERIMENT, ...PRESETS.slice(0, 6).map(experimentFromPreset)];
    for (const e of exps) seeds.push(experimentQuery(e, { layer: 1, slider: 0.5, grid: 32 }).toString());
    const small = { ...DEFAULT_EXPERIMENT, params: { samples: 500 } };
    const spec = prepare(small).spec;
    const w = Float32Array.from({ length: paramLayout(spec).count }, (_, i) => Math.sin(i));
    // Links with weights, three times over: much of the decoding is there.
    for (const precision of ['f32', 'q16', 'q8'] as const) {
      const text = await shareQuery(small, { weights: w, precision });
      seeds.push(text, text, text);
    }
  });

  const KEYS = [
    'dataset',
    'd.samples',
    'd.noise',
    'arch',
    'act',
    'loss',
    'opt',
    'lr',
    'batch',
    'epochs',
    'split',
  ];
  const HOSTILE_KEYS = [
    '__proto__',
    'constructor',
    'd.__proto__',
    'd.constructor',
    'd.toString',
    'd.',
    'w',
    'layer',
  ];

  function mutateLink(m: Mutator, text: string): string {
    const entries = [...new URLSearchParams(text)];
    const edits = 1 + m.int(3);
    for (let e = 0; e < edits; e++) {
      const i = m.int(entries.length);
      const set = (key: string, value: string): void => {
        const at = entries.findIndex(([k]) => k === key);
        if (at >= 0) entries[at][1] = value;
        else entries.push([key, value]);
      };
      switch (m.int(8)) {
        case 0:
          entries.splice(i, 1);
          break;
        case 1:
          if (entries[i] && m.chance(0.3)) entries.push([...entries[i]]);
          break;
        case 2:
          if (entries[i]) entries[i][1] = m.pick(HOSTILE_TEXT);
          break;
        case 3:
          entries.push([m.pick(HOSTILE_KEYS), m.pick(HOSTILE_TEXT)]);
          break;
        case 4:
          if (entries[i]) entries[i][0] = m.pick([...HOSTILE_KEYS, ...KEYS]);
          break;
        case 5:
          set(
            'arch',
            m.pick(['2-3-1', '2-8-8-1', Array(10000).fill(3).join('-'), '2-99999999999-1', '2', '2--1']),
          );
          break;
        case 6: {
          const w = entries.find(([k]) => k === 'w');
          if (w) w[1] = m.text(w[1]);
          break;
        }
        default:
          if (entries[i]) entries[i][1] = m.text(entries[i][1]);
      }
    }
    // Half raw (hostile characters unescaped), half as URLSearchParams writes it.
    const out = m.chance(0.5)
      ? entries.map(([k, v]) => `${k}=${v}`).join('&')
      : new URLSearchParams(entries).toString();
    return m.chance(0.3) ? m.text(out) : out;
  }

  it('600 mutated links: a valid state or a ShareError', async () => {
    const m = new Mutator(6);
    let accepted = 0;
    const inputs = [`${seeds[0]}&pad=${'a'.repeat(70000)}`, '', '#', '?', '&&&', 'dataset', '%'];
    for (let n = 0; n < 600; n++) inputs.push(mutateLink(m, m.pick(seeds)));
    for (const input of inputs) {
      const { value, error } = await timed(input, () => parseExperimentQuery(input));
      if (error !== undefined) {
        expectOwnError(error, [ShareError], input);
        continue;
      }
      accepted++;
      const { experiment, spec, view, weights } = value!;
      expectWithinBounds(experiment, spec, view);
      expect(widths(spec)).toEqual(experiment.arch);
      if (weights) checkParamsFor(spec, weights);
      const again = parseExperimentFields(experimentQuery(experiment, view).toString());
      expect(again.experiment).toEqual(experiment);
    }
    expect(accepted).toBeGreaterThan(20);
    expect(accepted).toBeLessThan(inputs.length);
  });
});

/**
 * Every bound of an accepted link, written out here rather than asked of the functions that accepted it
 * (checkSpec, checkView), so a bound moved in those functions shows up as a failure.
 */
function expectSpecWithinBounds(spec: NetworkSpec): void {
  const whole = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
  const ok =
    whole(spec.inputSize, 1, 3) &&
    whole(spec.layers.length, 1, 12) &&
    spec.layers.every((l) => whole(l.units, 1, 32) && l.slope >= 0 && l.slope < 1);
  if (!ok) throw new Error(`accepted a network out of bounds: ${JSON.stringify(spec)}`);
}

function expectWithinBounds(exp: Experiment, spec: NetworkSpec, view: ViewSettings): void {
  const within = (v: number, lo: number, hi: number, integer = false): boolean =>
    Number.isFinite(v) && v >= lo && v <= hi && (!integer || Number.isInteger(v));
  const L = spec.layers.length;
  const checks: [string, boolean][] = [
    ['lr', within(exp.learningRate, 1e-12, 1e6)],
    ['batch', within(exp.batchSize, 1, 1048576, true)],
    ['epochs', within(exp.epochs, 1, 1e6, true)],
    ['split', within(exp.testSplit, 0, 0.9)],
    ['seed', within(exp.seed, 0, 4294967295, true)],
    ['l1', within(exp.l1, 0, 10)],
    ['l2', within(exp.l2, 0, 10)],
    ['slope', Number.isFinite(exp.slope) && exp.slope >= 0 && exp.slope < 1],
    ['layers', within(L, 1, 12, true)],
    ['input', within(spec.inputSize, 1, 3, true)],
    ['units', spec.layers.every((l) => within(l.units, 1, 32, true))],
    ['layer', within(view.layer, -1, L, true)],
    ['t', within(view.slider, 0, L)],
    ['grid', within(view.grid, 4, 256, true)],
    ['proj', view.projection === 'decision' || view.projection === 'pca' || view.projection === 'units'],
  ];
  for (const [name, ok] of checks) {
    if (!ok) throw new Error(`accepted a link with ${name} out of bounds: ${JSON.stringify({ exp, view })}`);
  }
}

describe('fuzz: model files', () => {
  const seeds: unknown[] = [];
  beforeAll(() => {
    const specs: NetworkSpec[] = [
      buildSpec([2, 3, 1], 'tanh', 'bce'),
      buildSpec([3, 5, 4, 3], 'leaky_relu,relu,softmax', 'ce', { slope: 0.2 }),
      buildSpec([1, 8, 1], 'softplus', 'mse', { regression: true }),
    ];
    for (const spec of specs) {
      const p = Float32Array.from({ length: paramLayout(spec).count }, (_, i) => Math.cos(i * 3.3));
      seeds.push(JSON.parse(exportModel(spec, p)));
    }
    const { spec } = prepare(DEFAULT_EXPERIMENT);
    const n = paramLayout(spec).count;
    const p = Float32Array.from({ length: n }, (_, i) => i / 10);
    const state = { step: 5, moments: new Float32Array(2 * n).fill(0.25) };
    seeds.push(JSON.parse(exportModel(spec, p, DEFAULT_EXPERIMENT, state)));
  });

  it('500 mutated model files: a valid model or a ShareError', async () => {
    const m = new Mutator(7);
    let accepted = 0;
    const inputs: string[] = [
      '',
      'null',
      '[]',
      '"detangle-model"',
      '{}',
      '{"format":"detangle-model","version":1}',
    ];
    for (let n = 0; n < 500; n++) {
      const seed = m.pick(seeds);
      const text = m.chance(0.6) ? serialize(m.json(seed)) : serialize(seed, m.int(3));
      inputs.push(m.chance(0.5) ? m.text(text) : text);
    }
    for (const input of inputs) {
      const { value, error } = await timed(input, () => importModel(input));
      if (error !== undefined) {
        expectOwnError(error, [ShareError], input);
        continue;
      }
      accepted++;
      const model = value!;
      expectSpecWithinBounds(model.spec);
      if (model.optimizerState) {
        const step = model.optimizerState.step;
        expect(Number.isInteger(step) && step >= 0 && step <= 2 ** 30).toBe(true);
      }
      checkParamsFor(model.spec, model.params);
      if (model.optimizerState) checkParamsFor(model.spec, model.optimizerState.moments, 2);
      if (model.experiment) expect(model.experiment.arch).toEqual(widths(model.spec));
    }
    expect(accepted).toBeGreaterThan(20);
  });
});

describe('fuzz: CSV files', () => {
  const seeds = [
    '0.5,1,0\n-1,0.25,1\n3,4,1\n2,2,0\n',
    'x,y,label\n0.1,0.2,red\n0.3,0.4,blue\n0.5,0.6,green\n',
    '# regression\n0.1,1.5\n0.2,2.5\n\n0.3,-3.25\n',
    '1,2,3,0\r\n4,5,6,2\r\n7,8,9,1\r\n',
    '"a","b","c"\n"1","2","0"\n"3","4","1"\n',
  ];

  function mutateCsv(m: Mutator, text: string): string {
    const lines = text.split('\n');
    const edits = 1 + m.int(3);
    for (let e = 0; e < edits; e++) {
      const i = m.int(lines.length);
      switch (m.int(5)) {
        case 0:
          lines.splice(i, 0, ...Array(1 + m.int(50)).fill(lines[i] ?? ''));
          break;
        case 1:
          lines.splice(i, 1);
          break;
        case 2: {
          const cells = (lines[i] ?? '').split(',');
          cells[m.int(cells.length)] = m.pick(HOSTILE_TEXT);
          lines[i] = cells.join(',');
          break;
        }
        case 3:
          lines[i] = `${lines[i] ?? ''},${m.pick(HOSTILE_TEXT)}`;
          break;
        default:
          lines[i] = m.text(lines[i] ?? '');
      }
    }
    const out = lines.join(m.pick(['\n', '\r\n', '\r']));
    return m.chance(0.3) ? m.text(out) : out;
  }

  it('800 mutated CSV files: a valid dataset or a CsvError', async () => {
    const m = new Mutator(8);
    let accepted = 0;
    const inputs = ['', '\ufeff', '#', ',', '\n\n\n', 'a,b\n', `${'1,'.repeat(100000)}1`];
    for (let n = 0; n < 800; n++) inputs.push(mutateCsv(m, m.pick(seeds)));
    for (const input of inputs) {
      const maxRows = m.chance(0.2) ? 1 + m.int(5) : undefined;
      const { value, error } = await timed(input, () => parseCsv(input, { maxRows }));
      if (error !== undefined) {
        expectOwnError(error, [CsvError], input);
        continue;
      }
      accepted++;
      const d = value!;
      expect([1, 2, 3]).toContain(d.inputSize);
      expect(d.y.length).toBeGreaterThan(0);
      expect(d.x.length).toBe(d.y.length * d.inputSize);
      for (const v of d.x)
        if (!Number.isFinite(v)) throw new Error(`non-finite coordinate for ${clip(input)}`);
      for (const v of d.y) if (!Number.isFinite(v)) throw new Error(`non-finite label for ${clip(input)}`);
      if (d.classes > 0) {
        expect(d.classes).toBeGreaterThanOrEqual(2);
        for (const v of d.y) expect(Number.isInteger(v) && v >= 0 && v < d.classes).toBe(true);
      }
      if (d.header) expect(d.header.length).toBe(d.inputSize + 1);
      if (d.labelNames) expect(d.labelNames.length).toBeLessThanOrEqual(d.classes);
      if (maxRows !== undefined) expect(d.y.length).toBeLessThanOrEqual(maxRows);
    }
    expect(accepted).toBeGreaterThan(50);
  });
});

describe('fuzz: saved state', () => {
  class MapStorage implements StorageLike {
    readonly map = new Map<string, string>();
    getItem(key: string): string | null {
      return this.map.get(key) ?? null;
    }
    setItem(key: string, value: string): void {
      this.map.set(key, value);
    }
    removeItem(key: string): void {
      this.map.delete(key);
    }
  }

  const seeds: Record<string, unknown>[] = [];
  beforeAll(() => {
    for (const e of [DEFAULT_EXPERIMENT, experimentFromPreset(PRESETS[1])]) {
      const s = new MapStorage();
      const spec = prepare({ ...e, params: { ...e.params, samples: 100 } }).spec;
      const w = Float32Array.from({ length: paramLayout(spec).count }, (_, i) => i - 3);
      expect(saveExperiment(s, e, { weights: w, view: { layer: 1 }, now: 5 })).toEqual({ ok: true });
      seeds.push(JSON.parse(s.getItem(STORAGE_KEY)!));
      saveExperiment(s, e, { precision: 'q8' });
      seeds.push(JSON.parse(s.getItem(STORAGE_KEY)!));
    }
  });

  it('400 mutated saved states: restored and valid, or null with a reason; never a throw', async () => {
    const m = new Mutator(9);
    let restored = 0;
    const inputs: string[] = ['', 'null', '{}', '[]', '"x"', '{"format":"detangle-saved","version":1}'];
    for (let n = 0; n < 400; n++) {
      const seed = { ...m.pick(seeds) };
      const kind = m.int(3);
      if (kind === 0) seed.link = m.text(String(seed.link));
      if (kind === 1 && typeof seed.weights === 'string') seed.weights = m.text(seed.weights);
      const text = serialize(kind === 2 ? m.json(seed) : seed);
      inputs.push(m.chance(0.3) ? m.text(text) : text);
    }
    for (const input of inputs) {
      const storage = new MapStorage();
      storage.setItem(STORAGE_KEY, input);
      const { value, error } = await timed(input, () => restoreExperiment(storage));
      if (error !== undefined) throw new Error(`restoreExperiment threw ${String(error)} for ${clip(input)}`);
      const { saved, reason } = value!;
      if (saved === null) {
        expect(typeof reason).toBe('string');
        expect(reason!.length).toBeGreaterThan(0);
        continue;
      }
      restored++;
      expectWithinBounds(saved.experiment, saved.spec, saved.view);
      expect(widths(saved.spec)).toEqual(saved.experiment.arch);
      if (saved.weights) checkParamsFor(saved.spec, saved.weights);
    }
    expect(restored).toBeGreaterThan(20);
  });

  it('getItem returning something other than a string or throwing', () => {
    for (const weird of [42, {}, [], undefined, Symbol('x')]) {
      const storage = { getItem: () => weird as never, setItem() {}, removeItem() {} };
      const r = restoreExperiment(storage);
      expect(r.saved).toBeNull();
    }
  });
});
