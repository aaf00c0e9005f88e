/**
 * Both sides of every bound of links and model files, against values written out here (not read from
 * the code that checks them): the last value accepted and the first refused on each side.
 */
import { describe, expect, it } from 'vitest';
import { buildSpec, paramLayout } from '../src/engine/spec';
import { ShareError } from '../src/share/errors';
import { exportModel } from '../src/share/modelExport';
import { MAX_STEP } from '../src/share/modelFormat';
import { importModel } from '../src/share/modelImport';
import { parseExperimentFields } from '../src/share/url';

/** The default experiment as a link: rings, 2-3-2-1 (three layers), then the changes. */
function link(changes: Record<string, string>): string {
  const q = new URLSearchParams(
    'dataset=rings&d.samples=4000&arch=2-3-2-1&act=tanh&loss=mse&opt=sgd&lr=0.1&batch=32&epochs=20&split=0.2&seed=1',
  );
  for (const [k, v] of Object.entries(changes)) q.set(k, v);
  return q.toString();
}

function refusal(text: string): ShareError {
  try {
    parseExperimentFields(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ShareError);
    return e as ShareError;
  }
  throw new Error(`accepted ${text}`);
}

// key, values accepted (with what they read as), values refused
const LINK_BOUNDS: [string, [string, number][], string[]][] = [
  [
    'lr',
    [
      ['1e-12', 1e-12],
      ['1000000', 1e6],
    ],
    ['9.9e-13', '0', '1000001', '-0.1'],
  ],
  [
    'batch',
    [
      ['1', 1],
      ['1048576', 1048576],
    ],
    ['0', '1048577', '1.5'],
  ],
  [
    'epochs',
    [
      ['1', 1],
      ['1000000', 1e6],
    ],
    ['0', '1000001', '2.5'],
  ],
  [
    'split',
    [
      ['0', 0],
      ['0.9', 0.9],
    ],
    ['-0.01', '0.91', '1'],
  ],
  [
    'seed',
    [
      ['0', 0],
      ['4294967295', 4294967295],
    ],
    ['-1', '4294967296', '1.5'],
  ],
  [
    'l1',
    [
      ['0', 0],
      ['10', 10],
    ],
    ['-0.001', '10.001'],
  ],
  [
    'l2',
    [
      ['0', 0],
      ['10', 10],
    ],
    ['-0.001', '10.001'],
  ],
  [
    'slope',
    [
      ['0', 0],
      ['0.999', 0.999],
    ],
    ['-0.01', '1', '1.5'],
  ],
  [
    'd.samples',
    [
      ['2', 2],
      ['2097152', 2097152],
    ],
    ['1', '2097153', '100.5'],
  ],
  [
    'd.noise',
    [
      ['0', 0],
      ['0.5', 0.5],
    ],
    ['-0.001', '0.501'],
  ],
];

const VIEW_BOUNDS: [string, [string, number][], string[]][] = [
  // a 3-layer network: representations -1 (none) and 0 (input) to 3 (output); slider 0 to 3
  [
    'layer',
    [
      ['-1', -1],
      ['0', 0],
      ['3', 3],
    ],
    ['-2', '4', '1.5'],
  ],
  [
    't',
    [
      ['0', 0],
      ['2.5', 2.5],
      ['3', 3],
    ],
    ['-0.01', '3.01', '4'],
  ],
  [
    'grid',
    [
      ['4', 4],
      ['256', 256],
    ],
    ['3', '257', '64.5'],
  ],
];

describe('links: both sides of every bound', () => {
  it.each(LINK_BOUNDS)('%s', (key, accepted, refused) => {
    for (const [text, value] of accepted) {
      const { experiment } = parseExperimentFields(link({ [key]: text }));
      const read = key.startsWith('d.')
        ? experiment.params[key.slice(2)]
        : (experiment as unknown as Record<string, number>)[
            { lr: 'learningRate', batch: 'batchSize', split: 'testSplit' }[key] ?? key
          ];
      expect(read).toBe(value);
    }
    for (const text of refused) {
      const e = refusal(link({ [key]: text }));
      expect(e.field).toBe(key);
    }
  });

  it.each(VIEW_BOUNDS)('view %s', (key, accepted, refused) => {
    for (const [text, value] of accepted) {
      const { view } = parseExperimentFields(link({ [key]: text }));
      expect((view as unknown as Record<string, number>)[{ t: 'slider' }[key] ?? key]).toBe(value);
    }
    for (const text of refused) expect(refusal(link({ [key]: text })).field).toBe(key);
  });

  it('the slider and picked layer follow the network: a 1-layer network stops at 1', () => {
    const one = { arch: '2-1', act: 'sigmoid' };
    expect(parseExperimentFields(link({ ...one, t: '1', layer: '1' })).view.slider).toBe(1);
    expect(refusal(link({ ...one, t: '1.01' })).field).toBe('t');
    expect(refusal(link({ ...one, layer: '2' })).field).toBe('layer');
  });

  it('layer sizes: 1 to 32 units, 1 to 12 layers', () => {
    expect(parseExperimentFields(link({ arch: '2-32-1' })).spec.layers[0].units).toBe(32);
    expect(parseExperimentFields(link({ arch: '2-1-1' })).spec.layers[0].units).toBe(1);
    for (const arch of ['2-33-1', '2-0-1']) expect(refusal(link({ arch })).field).toBe('arch');
    const twelve = ['2', ...Array(11).fill('3'), '1'].join('-');
    expect(parseExperimentFields(link({ arch: twelve })).spec.layers).toHaveLength(12);
    const thirteen = ['2', ...Array(12).fill('3'), '1'].join('-');
    expect(refusal(link({ arch: thirteen })).field).toBe('arch');
  });

  it('numbers in decimal notation only, as on the command line', () => {
    for (const text of ['0x1', ' 7', '7 ', '1_0', 'Infinity', '1e999', '']) {
      expect(refusal(link({ seed: text })).field).toBe('seed');
    }
    for (const arch of ['2-x-1', '2--1', '-2-1', '2-1-']) expect(refusal(link({ arch })).field).toBe('arch');
  });
});

describe('model files: both sides of every bound', () => {
  const spec = buildSpec([2, 3, 1], 'tanh', 'bce');
  const count = paramLayout(spec).count;
  const base = JSON.parse(exportModel(spec, new Float32Array(count).fill(0.5)));

  function read(change: (m: Record<string, unknown>) => void): ReturnType<typeof importModel> {
    const m = structuredClone(base);
    change(m);
    return importModel(JSON.stringify(m));
  }

  it('optimiser step: 0 to 2^30, leaving a run 2^30 more steps before 32-bit signed step counts wrap', () => {
    expect(MAX_STEP).toBe(2 ** 30);
    const moments = Array(2 * count).fill(0);
    for (const step of [0, MAX_STEP]) {
      expect(read((m) => (m.optimizerState = { step, moments })).optimizerState!.step).toBe(step);
    }
    for (const step of [-1, MAX_STEP + 1, 2 ** 31 - 1, 4294967295, 4294967296, 1.5]) {
      expect(() => read((m) => (m.optimizerState = { step, moments }))).toThrow(
        `optimizerState.step must be a whole number from 0 to 1073741824; got ${step}`,
      );
    }
  });

  it('input size 1 to 8 (2 coordinates and 6 feature inputs at most), units 1 to 32', () => {
    for (const inputSize of [0, 9])
      expect(() => read((m) => (m.inputSize = inputSize))).toThrow(/^inputSize /);
    const wide = buildSpec([2, 32, 1], 'tanh', 'bce');
    expect(
      importModel(exportModel(wide, new Float32Array(paramLayout(wide).count))).spec.layers[0].units,
    ).toBe(32);
    expect(() =>
      read((m) => {
        const layers = m.layers as { units: number }[];
        layers[0].units = 33;
      }),
    ).toThrow(/^layers\[0\]\.units /);
  });
});
