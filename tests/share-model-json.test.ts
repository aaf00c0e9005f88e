import { describe, expect, it } from 'vitest';
import { LIMITS } from '../src/engine/limits';
import type { NetworkSpec } from '../src/engine/spec';
import { buildSpec, paramLayout } from '../src/engine/spec';
import { DEFAULT_EXPERIMENT, prepare } from '../src/experiment/experiment';
import { ShareError } from '../src/share/errors';
import { exportModel, float32Text } from '../src/share/modelExport';
import { MODEL_MAX_BYTES } from '../src/share/modelFormat';
import { importModel } from '../src/share/modelImport';

function params(spec: NetworkSpec, f: (i: number) => number): Float32Array {
  return Float32Array.from({ length: paramLayout(spec).count }, (_, i) => f(i));
}

/** The significant digits of a decimal text: `-0.00120e5` → `12`. */
function significant(text: string): string {
  return text
    .replace(/^-/, '')
    .replace(/e.*$/, '')
    .replace('.', '')
    .replace(/^0+|0+$/g, '');
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** The example in the README. */
const EXAMPLE = `{
  "format": "detangle-model",
  "version": 1,
  "inputSize": 2,
  "loss": "bce",
  "layers": [
    { "units": 3, "activation": "tanh",
      "weights": [[0.5, -1.2], [0.8, 0.3], [-0.7, 1.1]],
      "bias": [0.1, 0, -0.2] },
    { "units": 1, "activation": "sigmoid",
      "weights": [[1.5, -2, 0.7]],
      "bias": [0.05] }
  ]
}`;

function file(changes: (m: Record<string, unknown> & { layers: Record<string, unknown>[] }) => void): string {
  const m = JSON.parse(EXAMPLE);
  changes(m);
  return JSON.stringify(m);
}

function errorOf(text: string): ShareError {
  try {
    importModel(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ShareError);
    return e as ShareError;
  }
  throw new Error(`expected a ShareError for ${text.slice(0, 80)}`);
}

describe('model files: round trips', () => {
  it('float32Text is the shortest text that reads back as the same float32', () => {
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(-0)).toBe('-0');
    expect(float32Text(1.401298464324817e-45)).toBe('1e-45');
    expect(float32Text(3.4028234663852886e38)).toBe('3.4028235e+38');
    for (let i = 0; i < 2000; i++) {
      const v = Math.fround(Math.tan(i * 1.234567) * 10 ** ((i % 60) - 30));
      expect(Math.fround(Number(float32Text(v)))).toBe(v);
    }
  });

  it('float32Text: at most 9 significant digits, the fewest that read back bit for bit', () => {
    // Random bit patterns (every exponent, subnormals included), then the edges: ±0, the smallest
    // subnormal, the largest subnormal, the smallest normal, the largest finite, 1 and its neighbours.
    const u = new Uint32Array(4000);
    let x = 0x9e3779b9;
    for (let i = 0; i < u.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      u[i] = x >>> 0;
    }
    u.set([
      0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0x3f800001,
      0x3f7fffff,
    ]);
    const f = new Float32Array(u.buffer);
    let checked = 0;
    for (let i = 0; i < f.length; i++) {
      if (!Number.isFinite(f[i])) continue;
      const text = float32Text(f[i]);
      const back = new Float32Array([Number(text)]);
      expect(new Uint32Array(back.buffer)[0], `${text} for bits ${u[i].toString(16)}`).toBe(u[i]);
      const digits = significant(text);
      expect(digits.length, text).toBeLessThanOrEqual(9);
      // The fewest: one digit less does not read back.
      if (digits.length > 1) expect(Math.fround(Number(f[i].toPrecision(digits.length - 1)))).not.toBe(f[i]);
      checked++;
    }
    expect(checked).toBeGreaterThan(3900);
    // A whole file: no number in it has more than 9 significant digits.
    const finite = f.filter((v) => Number.isFinite(v));
    const spec = buildSpec([2, 8, 8, 1], 'tanh', 'bce');
    const p = params(spec, (i) => finite[i]);
    const moments = finite.slice(p.length, 3 * p.length);
    const text = exportModel(spec, p, undefined, { step: 7, moments });
    const numbers = text.match(/-?\d[\d.]*(e[+-]?\d+)?/g)!;
    expect(numbers.length).toBeGreaterThan(3 * p.length);
    for (const number of numbers) {
      const digits = significant(number);
      expect(digits.length, number).toBeLessThanOrEqual(9);
    }
    const back = importModel(text);
    expect(bits(back.params)).toEqual(bits(p));
    expect(bits(back.optimizerState!.moments)).toEqual(bits(moments));
  });

  it('keeps the spec and every parameter bit for bit', () => {
    const spec = buildSpec([3, 5, 4, 3], 'leaky_relu,relu,softmax', 'ce', { slope: 0.2 });
    const special = [-0, 1.4e-45, -3.4028234663852886e38, 3.4028234663852886e38, 1e-38];
    const p = params(spec, (i) => special[i] ?? Math.sin(i * 12.9898) * 10 ** ((i % 9) - 4));
    const model = importModel(exportModel(spec, p));
    expect(model.spec).toEqual(spec);
    expect(bits(model.params)).toEqual(bits(p));
    expect(model.experiment).toBeUndefined();
    expect(model.optimizerState).toBeUndefined();
  });

  it('keeps the experiment and the optimiser state', () => {
    const exp = { ...DEFAULT_EXPERIMENT, optimizer: 'adam' as const, learningRate: 0.003, l2: 1e-4 };
    const { spec } = prepare(exp);
    const p = params(spec, (i) => i / 7 - 1);
    const moments = Float32Array.from({ length: 2 * p.length }, (_, i) => Math.cos(i) * 1e-3);
    const model = importModel(exportModel(spec, p, exp, { step: 1234, moments }));
    expect(model.experiment).toEqual(exp);
    expect(model.optimizerState!.step).toBe(1234);
    expect(bits(model.optimizerState!.moments)).toEqual(bits(moments));
  });

  it('records an experiment trained on a CSV file (its points stay out of the file)', () => {
    const exp = { ...DEFAULT_EXPERIMENT, dataset: 'csv', params: {}, arch: [2, 3, 1], loss: 'bce' as const };
    const spec = buildSpec([2, 3, 1], 'tanh', 'bce');
    const model = importModel(
      exportModel(
        spec,
        params(spec, () => 1),
        exp,
      ),
    );
    expect(model.experiment).toEqual(exp);
    const withParams = exportModel(
      spec,
      params(spec, () => 1),
      { ...exp, params: { samples: 3 } },
    );
    expect(errorOf(withParams).message).toBe('experiment.params: a CSV dataset has no parameters');
  });

  it('lays the weights out as the engine does: W (units x inputs) row-major, then b', () => {
    const { spec, params: p } = importModel(EXAMPLE);
    expect(spec).toEqual(buildSpec([2, 3, 1], 'tanh', 'bce'));
    expect(Array.from(p)).toEqual(
      [0.5, -1.2, 0.8, 0.3, -0.7, 1.1, 0.1, 0, -0.2, 1.5, -2, 0.7, 0.05].map((v) => Math.fround(v)),
    );
  });

  it('reads Keras and PyTorch activation names', () => {
    const text = file((m) => {
      m.loss = 'ce';
      m.layers[0].activation = 'LeakyReLU';
      m.layers[1] = {
        units: 2,
        activation: 'Softmax',
        weights: [
          [1, 2, 3],
          [4, 5, 6],
        ],
        bias: [0, 0],
      };
    });
    expect(importModel(text).spec.layers.map((l) => l.activation)).toEqual(['leaky_relu', 'softmax']);
    for (const [name, act] of [
      ['ReLU', 'relu'],
      ['identity', 'linear'],
      ['None', 'linear'],
      ['logistic', 'sigmoid'],
      ['leaky-relu', 'leaky_relu'],
    ]) {
      const spec = importModel(file((m) => (m.layers[0].activation = name))).spec;
      expect(spec.layers[0].activation).toBe(act);
    }
  });

  it('ignores keys it does not know and never pollutes prototypes', () => {
    const text = EXAMPLE.replace(
      '"version": 1,',
      '"version": 1, "__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "note": "x",',
    );
    const model = importModel(text);
    expect(model.spec.layers).toHaveLength(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(model)).toBe(Object.prototype);
  });
});

describe('model files: errors give the JSON path', () => {
  const tooMany = Array.from({ length: 10000 }, () => ({
    units: 1,
    activation: 'tanh',
    weights: [[1]],
    bias: [0],
  }));
  const cases: [string, string][] = [
    ['{"format": ', 'the file is not valid JSON'],
    ['[1, 2]', 'a model file is a JSON object; got an array'],
    [file((m) => delete m.format), 'format must be "detangle-model"; got undefined'],
    [file((m) => (m.format = 'keras')), 'format must be "detangle-model"; got "keras"'],
    [file((m) => (m.version = 4)), 'version: 4 is not supported; this app reads versions 1 to 3'],
    [file((m) => (m.inputSize = 9)), `inputSize must be a whole number from 1 to ${LIMITS.maxInput}; got 9`],
    [file((m) => (m.inputSize = '2')), 'inputSize must be a whole number from 1 to 8; got "2"'],
    [file((m) => (m.loss = 'hinge')), 'loss must be one of mse, bce, ce; got "hinge"'],
    [file((m) => (m.layers = [])), 'layers must be an array of 1 to 12 layers; got 0'],
    [file((m) => (m.layers = tooMany)), 'layers must be an array of 1 to 12 layers; got 10000'],
    [file((m) => (m.layers = {} as never)), 'layers must be an array of 1 to 12 layers; got an object'],
    [file((m) => (m.layers[1] = 5 as never)), 'layers[1] must be an object; got 5'],
    [file((m) => (m.layers[0].units = 33)), 'layers[0].units must be a whole number from 1 to 32; got 33'],
    [file((m) => (m.layers[0].units = 2.5)), 'layers[0].units must be a whole number from 1 to 32; got 2.5'],
    [
      file((m) => (m.layers[0].activation = 'gelu')),
      'layers[0].activation: unknown activation "gelu"; use one of',
    ],
    [file((m) => (m.layers[0].activation = 7)), 'layers[0].activation must be an activation name; got 7'],
    [
      file((m) => (m.layers[0].activation = 'softmax')),
      'layers: softmax is only the output of cross-entropy (loss ce)',
    ],
    [
      file((m) => (m.layers[1].activation = 'tanh')),
      'layers: binary cross-entropy (loss bce) needs one sigmoid',
    ],
    [file((m) => (m.layers[0].slope = 1)), 'layers[0]: layer 1: leaky_relu slope must be in [0, 1); got 1'],
    [
      file((m) => (m.layers[0].weights = [[1, 2]])),
      'layers[0].weights must have 3 rows (one per unit); got 1',
    ],
    [
      file((m) => delete m.layers[0].weights),
      'layers[0].weights must be an array of 3 rows (one per unit); got undefined',
    ],
    [
      file((m) => ((m.layers[0].weights as number[][])[2] = [1, 2, 3])),
      'layers[0].weights[2] must have 2 numbers (one per input); got 3',
    ],
    [
      file((m) => ((m.layers[1].weights as unknown[][])[0][2] = 'abc')),
      'layers[1].weights[0][2] must be a finite number; got "abc"',
    ],
    [
      file((m) => ((m.layers[1].weights as unknown[][])[0][1] = null)),
      'layers[1].weights[0][1] must be a finite number; got null',
    ],
    [
      EXAMPLE.replace('1.5, -2', '1.5, 1e999'),
      'layers[1].weights[0][1] must be a finite number; got Infinity',
    ],
    [
      EXAMPLE.replace('1.5, -2', '1.5, 1e39'),
      'layers[1].weights[0][1] is 1e+39, out of range for 32-bit floats',
    ],
    [EXAMPLE.replace('1.5, -2', '1.5, NaN'), 'the file is not valid JSON'],
    [file((m) => (m.layers[1].bias = [])), 'layers[1].bias must have 1 numbers (one per unit); got 0'],
    [file((m) => (m.experiment = 3)), 'experiment must be an object; got 3'],
    [file((m) => (m.experiment = {})), 'experiment.dataset is missing'],
    [file((m) => (m.experiment = { dataset: 'mnist' })), 'experiment.dataset: unknown dataset "mnist"'],
    [
      file((m) => (m.experiment = { dataset: 'rings', arch: [2, 3, 1], params: {} })).replace(
        '"params":{}',
        '"params":{"__proto__":{"samples":5}}',
      ),
      'experiment.params.__proto__: rings has no parameter "__proto__"',
    ],
    [
      file((m) => (m.experiment = { dataset: 'rings', arch: [2, 3, 1], batchSize: -1 })),
      'experiment.batchSize must be a whole number from 1 to 1048576; got -1',
    ],
    [
      file((m) => (m.experiment = { dataset: 'rings', arch: [2, 4, 1], loss: 'bce' })),
      'experiment.arch is 2-4-1 but the layers make 2-3-1',
    ],
    [
      file((m) => (m.experiment = { dataset: 'rings', arch: [2, 3, 1], loss: 'mse' })),
      `experiment.loss is "mse" but the model's loss is "bce"`,
    ],
    [
      file((m) => (m.optimizerState = { step: 1, moments: [1, 2] })),
      'optimizerState.moments must have 26 numbers',
    ],
    [
      file((m) => (m.optimizerState = { step: -1, moments: [] })),
      'optimizerState.step must be a whole number from 0',
    ],
  ];
  for (const [text, message] of cases) {
    it(message, () => {
      expect(errorOf(text).message).toContain(message);
    });
  }

  it('rejects a file over the size limit without parsing it, with the exact sizes', () => {
    const big = EXAMPLE.replace('"version": 1,', `"version": 1, "pad": "${'x'.repeat(MODEL_MAX_BYTES)}",`);
    const size = new TextEncoder().encode(big).length.toLocaleString('en-US');
    expect(errorOf(big).message).toBe(
      `the file is too large: it is ${size} bytes, and a model file may be at most 22,020,096 bytes (21 MiB)`,
    );
    const text = EXAMPLE.slice(0, 101);
    expect(() => importModel(`${text}é`, { maxBytes: 102 })).toThrow(
      'the file is too large: it is 103 bytes, and a model file may be at most 102 bytes',
    );
    expect(() => importModel('x'.repeat(500), { maxBytes: 100 })).toThrow(
      'the file is too large: it is at least 500 bytes, and a model file may be at most 100 bytes',
    );
  });

  it('survives deep nesting', () => {
    const deep = EXAMPLE.replace('[-0.7, 1.1]', `${'['.repeat(100000)}${']'.repeat(100000)}`);
    expect(errorOf(deep).message).toBe('layers[0].weights[2] must have 2 numbers (one per input); got 1');
  });

  it('refuses to export what it could not read back', () => {
    const spec = buildSpec([2, 3, 1], 'tanh', 'bce');
    const p = params(spec, () => 0.5);
    expect(() => exportModel(spec, p.subarray(1))).toThrow(
      'params: the network has 13 parameters but 12 were given',
    );
    p[4] = Infinity;
    expect(() => exportModel(spec, p)).toThrow('params: parameter 4 is Infinity');
    p[4] = 0;
    expect(() => exportModel(spec, p, undefined, { step: 1, moments: new Float32Array(3) })).toThrow(
      'optimizerState.moments must have 26 numbers',
    );
    expect(() => exportModel({ ...spec, inputSize: 9 }, p)).toThrow('spec: input size must be 1 to 8; got 9');
  });
});
