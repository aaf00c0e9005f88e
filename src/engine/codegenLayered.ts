/**
 * The layered training kernel: shaders/train_looped.wgsl (one workgroup, many steps per dispatch)
 * with lanes over samples instead of (sample, unit) pairs, and the network walked as runs of identical
 * layers. A run is consecutive layers with the same inputs, units and activation (and the same activation
 * below them): its body is written once, as straight-line code over one layer's units, inside a loop over
 * the run's layers. So 2-32×11-1 is three bodies (2→32, ten of 32→32, 32→1), not twelve.
 *
 * Each layer of a pass is first copied from storage into a private array (`wl`: its weights, row by row,
 * then its biases), which the body reads at constant offsets: no per-read address arithmetic and no
 * storage read per multiply. Each lane keeps its samples' values in the scratch (the cooperative kernel's
 * slots) and sums its samples' gradient of the layer in a private array (`gl`); the lanes' sums go through
 * `partials` and are added in lane order (no atomics), and the lanes update the layer's parameters between
 * them before the backward pass moves down to the layer below.
 * No contractive penalty (its per-unit terms need every layer at once). Twin: TwinTrainer.train().
 */
import { activationExpr, derivativeExpr } from './codegen';
import type { Offsets } from './codegenCooperative';
import {
  cooperativeOffsets,
  fill,
  inputLoads,
  outputLines,
  templateConstants,
  updateBody,
} from './codegenCooperative';
import type { LayerSpec, NetworkSpec, Optimizer } from './spec';
import { paramLayout, widths } from './spec';

/**
 * Lanes of the layered kernel's one workgroup; each holds a copy of a layer and of its gradient. Four is
 * one SIMD group of SwiftShader, where this kernel was measured; on a real GPU the speed probe decides.
 */
export const LAYERED_LANES = 4;

export interface LayeredOptions {
  optimizer: Optimizer;
  /** Lanes of the one workgroup (each keeps its own copy of a layer and of its gradient). */
  lanes: number;
}

/** Consecutive layers [first, first + count) (1-based layer numbers) that share one body. */
export interface Run {
  first: number;
  count: number;
  inputs: number;
  units: number;
}

function sameLayer(a: LayerSpec, b: LayerSpec): boolean {
  return a.activation === b.activation && a.units === b.units && (a.slope ?? 0) === (b.slope ?? 0);
}

/** The runs of identical layers (with identical layers below them), from the input up. */
export function layerRuns(spec: NetworkSpec): Run[] {
  const w = widths(spec);
  const runs: Run[] = [];
  for (let l = 1; l <= spec.layers.length; l++) {
    const last = runs.at(-1);
    const joins =
      last !== undefined &&
      l >= 3 &&
      last.first + last.count === l &&
      w[l - 1] === last.inputs &&
      sameLayer(spec.layers[l - 1], spec.layers[l - 2]) &&
      sameLayer(spec.layers[l - 2], spec.layers[l - 3]);
    if (joins) last.count++;
    else runs.push({ first: l, count: 1, inputs: w[l - 1], units: w[l] });
  }
  return runs;
}

/** Floats of the private copy of one layer (weights and biases): the largest over the runs. */
export function layeredLayerFloats(spec: NetworkSpec): number {
  return Math.max(...layerRuns(spec).map((r) => r.units * (r.inputs + 1)));
}

const u = (n: number): string => `${n}u`;

/** `base[l] + r · step` for every layer l of the run: the step, checked to be the same throughout. */
function affine(values: number[], run: Run, shift: number): { at: number; step: number } {
  const at = values[run.first + shift];
  const step = run.count > 1 ? values[run.first + 1 + shift] - at : 0;
  for (let r = 0; r < run.count; r++) {
    if (values[run.first + r + shift] !== at + r * step) throw new Error('codegen: a run is not affine');
  }
  return { at, step };
}

/** `CONST + r * STEP` in WGSL. */
function at(a: { at: number; step: number }): string {
  return a.step === 0 ? u(a.at) : `${u(a.at)} + r * ${u(a.step)}`;
}

interface RunPlaces {
  params: string;
  aIn: string;
  zOut: string;
  aOut: string;
  dOut: string;
  zIn: string;
  dIn: string;
}

function places(spec: NetworkSpec, run: Run, o: Offsets): RunPlaces {
  const layout = paramLayout(spec);
  return {
    params: at(affine(layout.weight, run, -1)),
    aIn: at(affine(o.a, run, -1)),
    zOut: at(affine(o.z, run, 0)),
    aOut: at(affine(o.a, run, 0)),
    dOut: at(affine(o.d, run, 0)),
    zIn: run.first > 1 ? at(affine(o.z, run, -1)) : '0u',
    dIn: run.first > 1 ? at(affine(o.d, run, -1)) : '0u',
  };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function stage(run: Run, p: RunPlaces): string[] {
  const n = run.units * (run.inputs + 1);
  return [`let pbase = ${p.params};`, `for (var k = 0u; k < ${u(n)}; k++) { wl[k] = params[pbase + k]; }`];
}

/** How a kernel walks its samples and what becomes of each layer's per-lane gradient (`gl`). */
interface Walk {
  /** The loop over this lane's samples (the opening line; the body and `}` follow). */
  samples: string;
  /** After a layer's samples: the lanes' gradients of its N parameters (from `pbase`), then gl zeroed. */
  reduce: (N: number, weights: number) => string[];
}

function forwardRun(spec: NetworkSpec, run: Run, o: Offsets, walk: Walk): string[] {
  const layer = spec.layers[run.first - 1];
  const p = places(spec, run, o);
  const [I, U] = [run.inputs, run.units];
  const lines = [
    `// layers ${run.first}..${run.first + run.count - 1}: ${I} -> ${U} (${layer.activation})`,
    `for (var r = 0u; r < ${u(run.count)}; r++) {`,
    ...stage(run, p).map((l) => `  ${l}`),
    `  ${walk.samples}`,
    '    let base = s * S;',
    ...range(I).map((i) => `    let x${i} = scratch[base + ${p.aIn} + ${u(i)}];`),
  ];
  for (let j = 0; j < U; j++) {
    const terms = range(I).map((i) => `wl[${u(j * I + i)}] * x${i}`);
    lines.push(
      `    let z${j} = wl[${u(U * I + j)}] + ${terms.join(' + ')};`,
      `    scratch[base + ${p.zOut} + ${u(j)}] = z${j};`,
    );
    if (layer.activation !== 'softmax') {
      lines.push(`    scratch[base + ${p.aOut} + ${u(j)}] = ${activationExpr(layer, `z${j}`)};`);
    }
  }
  lines.push('  }', '}');
  return lines;
}

/**
 * Back through the run's layers, top first: each lane's gradient of the layer over its samples and the
 * deltas of the layer below; then what the walk does with the lanes' gradients.
 */
function backwardRun(spec: NetworkSpec, run: Run, o: Offsets, walk: Walk): string[] {
  const p = places(spec, run, o);
  const [I, U] = [run.inputs, run.units];
  const N = U * (I + 1);
  const below = run.first > 1 ? spec.layers[run.first - 2] : null;
  const lines = [
    `// back through layers ${run.first + run.count - 1}..${run.first}`,
    `for (var rr = 0u; rr < ${u(run.count)}; rr++) {`,
    `  let r = ${u(run.count - 1)} - rr;`,
    ...(below ? stage(run, p) : [`let pbase = ${p.params};`]).map((l) => `  ${l}`),
    `  ${walk.samples}`,
    '    let base = s * S;',
    ...range(I).map((i) => `    let x${i} = scratch[base + ${p.aIn} + ${u(i)}];`),
    ...range(U).map((j) => `    let d${j} = scratch[base + ${p.dOut} + ${u(j)}];`),
  ];
  for (let j = 0; j < U; j++) {
    for (let i = 0; i < I; i++) lines.push(`    gl[${u(j * I + i)}] += d${j} * x${i};`);
    lines.push(`    gl[${u(U * I + j)}] += d${j};`);
  }
  if (below) {
    for (let i = 0; i < I; i++) {
      const terms = range(U).map((j) => `wl[${u(j * I + i)}] * d${j}`);
      lines.push(
        `    let z${i} = scratch[base + ${p.zIn} + ${u(i)}];`,
        `    scratch[base + ${p.dIn} + ${u(i)}] = (${terms.join(' + ')}) * ${derivativeExpr(below, `z${i}`, `x${i}`)};`,
      );
    }
  }
  lines.push('  }', ...walk.reduce(N, U * I).map((l) => `  ${l}`), '}');
  return lines;
}

/**
 * The lanes' gradients of a layer's N parameters summed in lane order through `buffer` (each lane's row
 * written, then `barrier`), one parameter k per lane at a time: `use` gets `sum` and runs inside that loop.
 */
function laneSums(N: number, buffer: string, barrier: string, use: string[]): string[] {
  return [
    `for (var k = 0u; k < ${u(N)}; k++) {`,
    `  ${buffer}[lid * ${u(N)} + k] = gl[k];`,
    '  gl[k] = 0.0;',
    '}',
    `${barrier}();`,
    `for (var k = lid; k < ${u(N)}; k += WG) {`,
    '  var sum = 0.0;',
    `  for (var t = 0u; t < WG; t++) { sum += ${buffer}[t * ${u(N)} + k]; }`,
    ...use.map((l) => `  ${l}`),
    '}',
    `${barrier}();`,
  ];
}

/**
 * The one-workgroup kernel's reduction: the lanes' gradients through `partials`, added in lane order, and
 * the layer updated by the lanes between them.
 */
function updateInPlace(optimizer: Optimizer, P: number): Walk['reduce'] {
  return (N, weights) =>
    laneSums(N, 'partials', 'storageBarrier', [
      'let p = pbase + k;',
      'var g = sum / f32(count);',
      `if (k < ${u(weights)}) { g += u.l1 * sign(params[p]) + u.l2 * params[p]; }`,
      ...updateBody(optimizer, P, false),
    ]);
}

/** The chunked kernel's reduction: the lanes' gradients through workgroup memory, into the chunk's sums. */
const chunkSums: Walk['reduce'] = (N) =>
  laneSums(N, 'wsum', 'workgroupBarrier', ['partials[out + pbase + k] = sum;']);

/** The whole layered kernel: common.wgsl + the cooperative template filled with the layered blocks. */
export function layeredTrainWgsl(
  spec: NetworkSpec,
  options: LayeredOptions,
  common: string,
  template: string,
): string {
  const o = cooperativeOffsets(spec);
  const runs = layerRuns(spec);
  const P = paramLayout(spec).count;
  const floats = layeredLayerFloats(spec);
  const walk: Walk = {
    samples: 'for (var s = lid; s < count; s += WG) {',
    reduce: updateInPlace(options.optimizer, P),
  };
  const body = fill(template, {
    constants: [
      ...templateConstants(options.lanes, o, P, options.optimizer),
      '@group(0) @binding(8) var<storage, read_write> partials: array<f32>;   // (WG, one layer)',
      `var<private> wl: array<f32, ${u(floats)}>;`,
      `var<private> gl: array<f32, ${u(floats)}>;`,
    ],
    'contractive terms of the step': [],
    'stage the parameters': [],
    'load the inputs of slot s (sample idx)': inputLoads(spec),
    forward: runs.flatMap((run) => forwardRun(spec, run, o, walk)),
    'loss of slot s (sample idx)': outputLines(spec, o),
    backward: [],
    'gradients and updates': [...runs].reverse().flatMap((run) => backwardRun(spec, run, o, walk)),
  });
  return `${common}\n${body}`;
}

/** Bytes of workgroup memory the chunked kernel takes: each lane's gradient of the largest layer, the loss sums. */
export function chunkedWorkgroupBytes(spec: NetworkSpec, lanes: number): number {
  return (lanes * layeredLayerFloats(spec) + lanes + 2) * 4;
}

/**
 * The chunked kernel's first pass (shaders/train_chunked.wgsl): one workgroup a chunk of the batch, the
 * layered kernel's bodies, the chunk's gradient and loss sums into `partials` for the general path's update.
 */
export function chunkedTrainWgsl(
  spec: NetworkSpec,
  options: LayeredOptions,
  common: string,
  template: string,
): string {
  const { lanes, optimizer } = options;
  const o = cooperativeOffsets(spec);
  const layout = paramLayout(spec);
  const weights = spec.layers.map((_, l) => `(p >= ${u(layout.weight[l])} && p < ${u(layout.bias[l])})`);
  const runs = layerRuns(spec);
  const P = paramLayout(spec).count;
  const floats = layeredLayerFloats(spec);
  const walk: Walk = { samples: 'for (var s = first + lid; s < last; s += WG) {', reduce: chunkSums };
  const body = fill(template, {
    constants: [
      ...templateConstants(lanes, o, P, optimizer),
      `var<private> wl: array<f32, ${u(floats)}>;`,
      `var<private> gl: array<f32, ${u(floats)}>;`,
      `var<workgroup> wsum: array<f32, ${u(lanes * floats)}>;`,
    ],
    'load the inputs of slot s (sample idx)': inputLoads(spec),
    forward: runs.flatMap((run) => forwardRun(spec, run, o, walk)),
    'loss of slot s (sample idx)': outputLines(spec, o),
    gradients: [...runs].reverse().flatMap((run) => backwardRun(spec, run, o, walk)),
    'update parameter p with gradient g': [
      `if (${weights.join(' || ')}) { g += u.l1 * sign(params[p]) + u.l2 * params[p]; }`,
      ...updateBody(optimizer, P, false),
    ],
  });
  return `${common}\n${body}`;
}
