import { describe, expect, it, vi } from 'vitest';
import { PRESETS } from '../src/data/presets';
import { paramLayout } from '../src/engine/spec';
import type { Experiment } from '../src/experiment/experiment';
import { DEFAULT_EXPERIMENT, experimentFromPreset, prepare } from '../src/experiment/experiment';
import { ShareError } from '../src/share/errors';
import {
  DEFAULT_APP_URL,
  MAX_LINK_CHARS,
  experimentQuery,
  experimentUrl,
  parseExperimentFields,
  parseExperimentQuery,
  shareQuery,
  shareUrl,
} from '../src/share/url';
import { DEFAULT_VIEW } from '../src/share/view';
import { deflateRaw, encodeWeights } from '../src/share/weights';
import { toBase64url } from '../src/share/base64url';

function exp(changes: Partial<Experiment> = {}): Experiment {
  return { ...structuredClone(DEFAULT_EXPERIMENT), ...changes };
}

function link(changes: Record<string, string | null> = {}): string {
  const q = experimentQuery(DEFAULT_EXPERIMENT);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) q.delete(k);
    else q.set(k, v);
  }
  return q.toString();
}

function weightsFor(e: Experiment, f: (i: number) => number): Float32Array {
  const n = paramLayout(prepare(e).spec).count;
  return Float32Array.from({ length: n }, (_, i) => f(i));
}

async function errorOf(text: string): Promise<ShareError> {
  try {
    await parseExperimentQuery(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ShareError);
    return e as ShareError;
  }
  throw new Error(`expected a ShareError for ${text.slice(0, 80)}`);
}

describe('links: round trips', () => {
  it('reads back the default experiment and every preset', async () => {
    for (const e of [DEFAULT_EXPERIMENT, ...PRESETS.map(experimentFromPreset)]) {
      const state = await parseExperimentQuery(experimentQuery(e).toString());
      expect(state.experiment).toEqual(e);
      expect(state.view).toEqual(DEFAULT_VIEW);
      expect(state.weights).toBeUndefined();
      expect(state.spec).toEqual(prepare(e).spec);
    }
  });

  it('keeps every setting, regularisation and slope included', async () => {
    const e = exp({
      dataset: 'spiral',
      params: { samples: 1234, noise: 0.05 },
      arch: [2, 8, 8, 2],
      activation: 'leaky_relu,relu,softmax',
      loss: 'ce',
      optimizer: 'adam',
      learningRate: 0.0031,
      batchSize: 7,
      epochs: 3,
      testSplit: 0,
      seed: 4294967295,
      l1: 1e-5,
      l2: 0.25,
      slope: 0.2,
    });
    const state = await parseExperimentQuery(experimentUrl(e, 'https://example.org/detangle/'));
    expect(state.experiment).toEqual(e);
    expect(state.spec.layers.map((l) => l.activation)).toEqual(['leaky_relu', 'relu', 'softmax']);
  });

  it('keeps the view settings and leaves defaults out of the link', async () => {
    const view = {
      layer: 3,
      slider: 1.25,
      grid: 96,
      projection: 'units' as const,
      network: 'diagram' as const,
    };
    const text = experimentQuery(DEFAULT_EXPERIMENT, view).toString();
    expect(text).toContain('layer=3&t=1.25&grid=96&proj=units&net=diagram');
    expect((await parseExperimentQuery(text)).view).toEqual(view);
    expect(experimentQuery(DEFAULT_EXPERIMENT, DEFAULT_VIEW).toString()).toBe(link());
  });

  it('reads a full URL, a hash or query text, and ignores unknown keys', async () => {
    const q = link();
    for (const text of [`https://x.org/a?b=c#${q}`, `#${q}`, `?${q}`, `${q}&utm_source=slides&foo=bar`]) {
      expect((await parseExperimentQuery(text)).experiment).toEqual(DEFAULT_EXPERIMENT);
    }
  });

  it('fills settings the link leaves out from the defaults', async () => {
    const state = await parseExperimentQuery('dataset=moons');
    expect(state.experiment).toEqual({ ...DEFAULT_EXPERIMENT, dataset: 'moons', params: {} });
  });

  it('experimentUrl keeps its signature: base from the argument, the environment or the dev server', () => {
    const e = DEFAULT_EXPERIMENT;
    expect(experimentUrl(e, 'http://h/')).toBe(`http://h/#${experimentQuery(e).toString()}`);
    const saved = process.env.DETANGLE_APP_URL;
    try {
      delete process.env.DETANGLE_APP_URL;
      expect(experimentUrl(e).startsWith(`${DEFAULT_APP_URL}#dataset=rings`)).toBe(true);
      process.env.DETANGLE_APP_URL = 'https://demo.example/';
      expect(experimentUrl(e).startsWith('https://demo.example/#')).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.DETANGLE_APP_URL;
      else process.env.DETANGLE_APP_URL = saved;
    }
  });
});

describe('links: weights', () => {
  it('f32 weights survive bit for bit (negative zero, subnormals, extremes)', async () => {
    const special = [-0, 1.4e-45, -3.4028234663852886e38, 1e-30, 0.1];
    const w = weightsFor(DEFAULT_EXPERIMENT, (i) => special[i] ?? Math.sin(i * 12.9898) * 3);
    const url = await shareUrl(DEFAULT_EXPERIMENT, { weights: w, base: 'https://x/' });
    expect(url).toMatch(/&w=f32\.[A-Za-z0-9_-]+$/);
    const state = await parseExperimentQuery(url);
    expect(new Uint32Array(state.weights!.buffer)).toEqual(new Uint32Array(w.buffer));
  });

  it('q16 and q8 stay within half a quantisation step of every tensor, each at its own scale', async () => {
    const e = exp({ arch: [2, 16, 16, 1] });
    // The tensors of 2-16-16-1, written out: W1 16x2, b1 16, W2 16x16, b2 16, W3 1x16, b3 1.
    const tensors: [number, number][] = [
      [0, 32],
      [32, 48],
      [48, 304],
      [304, 320],
      [320, 336],
      [336, 337],
    ];
    // Magnitudes 1e-3 to 1e2 apart, so a step of the largest tensor would swamp the smallest.
    const magnitude = (i: number): number => 10 ** (tensors.findIndex(([, end]) => i < end) - 3);
    const w = weightsFor(e, (i) => Math.cos(i * 7.1) * (1 + (i % 5)) * magnitude(i));
    expect(w.length).toBe(337);
    for (const [precision, qmax] of [
      ['q16', 32767],
      ['q8', 127],
    ] as const) {
      const state = await parseExperimentQuery(await shareQuery(e, { weights: w, precision }));
      for (const [start, end] of tensors) {
        let most = 0;
        for (let i = start; i < end; i++) most = Math.max(most, Math.abs(w[i]));
        const step = Math.fround(most / qmax);
        for (let i = start; i < end; i++) {
          // half a step, plus the float32 rounding of q * step
          const bound = step / 2 + Math.abs(w[i]) * 2 ** -23;
          expect(Math.abs(state.weights![i] - w[i])).toBeLessThanOrEqual(bound);
        }
      }
    }
  });

  it('the largest network fits in a link at f32; a shorter limit falls back to q16, then q8', async () => {
    const e = exp({ arch: [2, ...Array(11).fill(32), 1] });
    const w = weightsFor(e, (i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const full = await shareQuery(e, { weights: w });
    expect(full).toContain('&w=f32.');
    expect(full.length).toBeLessThan(MAX_LINK_CHARS);
    expect((await parseExperimentQuery(full)).weights).toEqual(w);
    expect(await shareQuery(e, { weights: w, maxLength: 30_000 })).toContain('&w=q16.');
    const short = await shareQuery(e, { weights: w, maxLength: 16_000 });
    expect(short).toContain('&w=q8.');
    expect((await parseExperimentQuery(short)).weights!.length).toBe(w.length);
    await expect(shareQuery(e, { weights: w, maxLength: 2000 })).rejects.toThrow(
      /^w: the link would be \d+ characters, over the limit of 2000$/,
    );
  });

  it('refuses to share weights that are not finite or of another network', async () => {
    const w = weightsFor(DEFAULT_EXPERIMENT, () => 0.5);
    w[3] = NaN;
    await expect(shareQuery(DEFAULT_EXPERIMENT, { weights: w })).rejects.toThrow('w: parameter 3 is NaN');
    await expect(shareQuery(DEFAULT_EXPERIMENT, { weights: new Float32Array(5) })).rejects.toThrow(
      'w: the network has 20 parameters but 5 were given',
    );
  });
});

describe('links: errors name the field', () => {
  const cases: [string, string][] = [
    [link({ dataset: null }), 'dataset is missing: the link names no dataset'],
    [link({ dataset: 'mnist' }), 'dataset: unknown dataset "mnist"; choose one of rings,'],
    [link({ dataset: 'csv' }), 'dataset: the experiment was trained on a CSV file'],
    [
      link({ 'd.size': '3' }),
      'd.size: rings has no parameter "size"; its parameters are samples, noise, inner',
    ],
    [link({ 'd.__proto__': '3' }), 'd.__proto__: rings has no parameter "__proto__"'],
    [link({ 'd.samples': '1' }), 'd.samples: rings: samples must be a whole number from 2 to 2097152; got 1'],
    [link({ 'd.noise': 'NaN' }), 'd.noise must be a number; got "NaN"'],
    [link({ lr: 'abc' }), 'lr must be a number; got "abc"'],
    [link({ lr: '' }), 'lr must be a number; got ""'],
    [link({ lr: '0x10' }), 'lr must be a number; got "0x10"'],
    [link({ lr: '1e999' }), 'lr must be a number from 1e-12 to 1000000; got Infinity'],
    [link({ lr: '0' }), 'lr must be a number from 1e-12 to 1000000; got 0'],
    [link({ batch: '-32' }), 'batch must be a whole number from 1 to 1048576; got -32'],
    [link({ batch: '2.5' }), 'batch must be a whole number from 1 to 1048576; got 2.5'],
    [
      link({ batch: '99999999999999999999' }),
      'batch must be a whole number from 1 to 1048576; got 100000000000000000000',
    ],
    [link({ epochs: '0' }), 'epochs must be a whole number from 1 to 1000000; got 0'],
    [link({ split: '0.95' }), 'split must be a number from 0 to 0.9; got 0.95'],
    [link({ seed: '-1' }), 'seed must be a whole number from 0 to 4294967295; got -1'],
    [link({ l2: '11' }), 'l2 must be a number from 0 to 10; got 11'],
    [link({ slope: '1' }), 'slope: layer 1: leaky_relu slope must be in [0, 1); got 1'],
    [link({ arch: '2-a-1' }), 'arch: architecture "2-a-1" must be sizes from input to output'],
    [link({ arch: Array(10000).fill(3).join('-') }), 'arch: a network has 1 to 12 dense layers; got 9999'],
    [link({ arch: '2-33-1' }), 'arch: layer 1 must have 1 to 32 units; got 33'],
    [link({ arch: '3-3-1' }), 'arch: the data has 2 inputs but the architecture starts with 3'],
    [link({ act: 'gelu' }), 'act: layer 1: unknown activation "gelu"; use one of tanh, relu,'],
    [link({ act: 'tanh,relu' }), 'act: activation: give one name for the hidden layers or 3'],
    [link({ act: 'softmax' }), 'act: softmax is only the output of cross-entropy (loss ce)'],
    [link({ loss: 'hinge' }), 'loss must be one of mse, bce, ce; got "hinge"'],
    [link({ loss: 'ce' }), 'arch: cross-entropy (loss ce) needs at least 2 output units'],
    [link({ opt: 'lbfgs' }), 'opt must be one of sgd, momentum, rmsprop, adam; got "lbfgs"'],
    [
      link({ dataset: 'blobs', arch: '2-4-2', loss: 'ce' }),
      'arch: the data has 3 classes but the network has 2 outputs',
    ],
    [link({ layer: '4' }), 'layer must be a whole number from -1 (none) to 3 (the output); got 4'],
    [link({ t: '-0.5' }), 't must be a number from 0 (the input) to 3 (the output); got -0.5'],
    [link({ grid: '1' }), 'grid must be a whole number from 4 to 256; got 1'],
    [link({ proj: 'tsne' }), 'proj must be one of decision, pca, units; got "tsne"'],
    [`${link()}&lr=0.2`, 'lr is given more than once'],
    [link({ w: 'f64.AAAA' }), 'w: weights must start with one of f32., q16., q8.; got "f64.AAAA"'],
    [link({ w: 'f32.A' }), 'w: not valid base64url: a length of 1 is impossible'],
    [link({ w: 'f32.AB=C' }), 'w: not valid base64url: character 3 is "="'],
    [link({ w: 'f32.AAAAAAAA' }), 'w: the compressed data is damaged'],
  ];
  for (const [text, message] of cases) {
    it(message, async () => {
      expect((await errorOf(text)).message).toContain(message);
    });
  }

  it('rejects an over-long link before reading it', async () => {
    const e = await errorOf(`${link()}&pad=${'a'.repeat(MAX_LINK_CHARS)}`);
    expect(e.message).toMatch(/^the link is too long: \d+ characters \(the limit is 65536\)$/);
  });

  it('rejects weights of another network', async () => {
    const other = exp({ arch: [2, 8, 1] });
    const w = weightsFor(other, (i) => i / 10);
    const text = `${link()}&w=${await encodeWeights(prepare(other).spec, w)}`;
    expect((await errorOf(text)).message).toBe('w: the data unpacks to more than the 80 bytes expected');
    const short = `${link()}&w=f32.${toBase64url(await deflateRaw(new Uint8Array(68)))}`;
    expect((await errorOf(short)).message).toBe(
      'w: the weights hold 68 bytes but 20 parameters at f32 need 80: they belong to another network',
    );
  });

  it('stops inflating a deflate bomb at the expected size', async () => {
    const bomb = toBase64url(await deflateRaw(new Uint8Array(50_000_000)));
    expect(bomb.length).toBeLessThan(MAX_LINK_CHARS);
    // Counts the bytes the decompressor hands out: the reader must cancel it within a chunk or so of the
    // 80 bytes, not unpack the 50 MB.
    const Real = globalThis.DecompressionStream;
    let unpacked = 0;
    function CountingDecompression(
      format: CompressionFormat,
    ): ReadableWritablePair<Uint8Array, BufferSource> {
      const inner = new Real(format);
      const count = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          unpacked += chunk.length;
          out.enqueue(chunk);
        },
      });
      inner.readable.pipeTo(count.writable).catch(() => undefined);
      return { writable: inner.writable, readable: count.readable };
    }
    vi.stubGlobal('DecompressionStream', CountingDecompression);
    try {
      expect((await errorOf(`${link()}&w=f32.${bomb}`)).message).toContain(
        'unpacks to more than the 80 bytes',
      );
    } finally {
      vi.unstubAllGlobals();
    }
    expect(globalThis.DecompressionStream).toBe(Real);
    expect(unpacked).toBeGreaterThan(80);
    expect(unpacked).toBeLessThan(1_000_000);
  });

  it('rejects NaN and infinite weights in a link', async () => {
    const bytes = new Uint8Array(80);
    new DataView(bytes.buffer).setFloat32(8, NaN, true);
    const text = `${link()}&w=f32.${toBase64url(await deflateRaw(bytes))}`;
    expect((await errorOf(text)).message).toBe(
      'w: parameter 2 is NaN; only finite 32-bit floats are allowed',
    );
  });

  it('the synchronous reader checks everything but the weights', () => {
    const fields = parseExperimentFields(`${link()}&w=f32.zz`);
    expect(fields.weightsText).toBe('f32.zz');
    expect(() => parseExperimentFields(link({ batch: '0' }))).toThrow(ShareError);
  });
});
