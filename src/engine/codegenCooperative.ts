/**
 * The cooperative training kernel for one network shape and optimiser: shaders/train_looped.wgsl with
 * its marked lines filled by loops whose bounds and offsets are constants of the shape. The code grows with
 * the number of layers, not of parameters, so it compiles in about the same time for 2-3-1 and 12 × 32
 * (straight-line code per parameter, as in the small-network kernel, would not).
 * Scratch, per batch slot (stride S = values + 2·units): every representation a_l (input first), then the
 * pre-activation z of every layer's units, then dL/dz of every layer's units.
 */
import {
  activationExpr,
  curvatureExpr,
  derivativeExpr,
  hiddenUnits,
  usesFirstMoment,
  usesSecondMoment,
} from './codegen';
import type { NetworkSpec, Optimizer } from './spec';
import { paramLayout, widths } from './spec';

export interface CooperativeOptions {
  optimizer: Optimizer;
  /** Lanes of the one workgroup. */
  lanes: number;
  /** Whether a copy of the parameters is kept in workgroup memory (see cooperativeStages). */
  staged: boolean;
  /** Whether to generate the contractive penalty (weight u.contractive); off, the kernel has none of it. */
  contractive?: boolean;
}

/**
 * Whether the parameters fit in workgroup memory beside the kernel's own (`bytes`: the device's limit),
 * which holds two floats per hidden unit more with the contractive penalty.
 */
export function cooperativeStages(
  spec: NetworkSpec,
  lanes: number,
  bytes: number,
  contractive = false,
): boolean {
  const extra = contractive ? 2 * hiddenUnits(spec).length : 0;
  return (paramLayout(spec).count + lanes + 8 + extra) * 4 <= bytes;
}

export interface Offsets {
  stride: number;
  /** Where a_l starts in a slot (l = 0 the input). */
  a: number[];
  /** Where z_l and d_l start in a slot (l ≥ 1). */
  z: number[];
  d: number[];
  /** The array the forward and backward passes read the parameters from. */
  read: 'params' | 'pw';
  /** Where layer l's units start among the hidden units (the contractive penalty's jc and jq), l ≥ 1. */
  h: number[];
}

export function cooperativeOffsets(spec: NetworkSpec, staged = false): Offsets {
  const w = widths(spec);
  const values = w.reduce((x, y) => x + y, 0);
  const units = values - spec.inputSize;
  const a: number[] = [];
  const z: number[] = [0];
  const d: number[] = [0];
  let offset = 0;
  let unit = 0;
  for (let l = 0; l < w.length; l++) {
    a.push(offset);
    offset += w[l];
    if (l > 0) {
      z.push(values + unit);
      d.push(values + units + unit);
      unit += w[l];
    }
  }
  const h = [0];
  for (let l = 1; l < w.length; l++) h.push(h[l - 1] + (l > 1 ? w[l - 1] : 0));
  return { stride: values + 2 * units, a, z, d, read: staged ? 'pw' : 'params', h };
}

const u = (n: number): string => `${n}u`;

/** Units each lane computes together (sharing every load of the inputs): 4, 2 or 1, dividing `n`. */
export function tileOf(n: number): number {
  return n % 4 === 0 ? 4 : n % 2 === 0 ? 2 : 1;
}

function forwardLayer(spec: NetworkSpec, l: number, o: Offsets): string[] {
  const layer = spec.layers[l - 1];
  const layout = paramLayout(spec);
  const w = widths(spec);
  const [inputs, units] = [w[l - 1], w[l]];
  const T = tileOf(units);
  const groups = units / T;
  const tile = Array.from({ length: T }, (_, t) => t);
  const lines = [
    `// layer ${l}: ${inputs} -> ${units} (${layer.activation}), ${T} units per lane`,
    `for (var k = lid; k < count * ${u(groups)}; k += WG) {`,
    `  let s = k / ${u(groups)};`,
    `  let j = (k - s * ${u(groups)}) * ${u(T)};`,
    `  let base = s * S;`,
    ...tile.map((t) => `  let row${t} = ${u(layout.weight[l - 1])} + (j + ${u(t)}) * ${u(inputs)};`),
    ...tile.map((t) => `  var z${t} = ${o.read}[${u(layout.bias[l - 1])} + j + ${u(t)}];`),
    `  for (var i = 0u; i < ${u(inputs)}; i++) {`,
    `    let a = scratch[base + ${u(o.a[l - 1])} + i];`,
    ...tile.map((t) => `    z${t} += ${o.read}[row${t} + i] * a;`),
    '  }',
    ...tile.map((t) => `  scratch[base + ${u(o.z[l])} + j + ${u(t)}] = z${t};`),
  ];
  if (layer.activation !== 'softmax') {
    lines.push(
      ...tile.map((t) => `  scratch[base + ${u(o.a[l])} + j + ${u(t)}] = ${activationExpr(layer, `z${t}`)};`),
    );
  }
  lines.push('}', 'storageBarrier();');
  return lines;
}

/** Loss of slot s (sample idx) into `loss`, output deltas into the scratch. Twin: sampleLoss(). */
export function outputLines(spec: NetworkSpec, o: Offsets): string[] {
  const L = spec.layers.length;
  const out = spec.layers[L - 1];
  const k = out.units;
  const [za, aa, da] = [o.z[L], o.a[L], o.d[L]];
  const lines = ['let base = s * S;', 'let label = ys[idx];', 'let y = u32(round(label));'];
  if (spec.loss === 'ce') {
    lines.push(
      'var m = -3.4e38;',
      `for (var j = 0u; j < ${u(k)}; j++) { m = max(m, scratch[base + ${u(za)} + j]); }`,
      'var sum = 0.0;',
      `for (var j = 0u; j < ${u(k)}; j++) { sum += exp(scratch[base + ${u(za)} + j] - m); }`,
      `for (var j = 0u; j < ${u(k)}; j++) {`,
      `  let a = exp(scratch[base + ${u(za)} + j] - m) / sum;`,
      `  scratch[base + ${u(aa)} + j] = a;`,
      `  scratch[base + ${u(da)} + j] = a - select(0.0, 1.0, j == y);`,
      '}',
      `loss += m + log(sum) - scratch[base + ${u(za)} + min(y, ${u(k - 1)})];`,
    );
  } else if (spec.loss === 'bce') {
    lines.push(
      `let z = scratch[base + ${u(za)}];`,
      'loss += softplus_(z) - label * z;',
      `scratch[base + ${u(da)}] = scratch[base + ${u(aa)}] - label;`,
    );
  } else {
    lines.push(
      `for (var j = 0u; j < ${u(k)}; j++) {`,
      `  let z = scratch[base + ${u(za)} + j];`,
      `  let a = scratch[base + ${u(aa)} + j];`,
      `  let e = a - ${k === 1 ? 'label' : 'select(0.0, 1.0, y == j)'};`,
      '  loss += 0.5 * e * e;',
      `  scratch[base + ${u(da)} + j] = e * ${derivativeExpr(out, 'z', 'a')};`,
      '}',
    );
  }
  return lines;
}

/** dL/dz of layer l − 1 from that of layer l (l ≥ 2), a tile of units per lane. Twin: backward(). */
function backwardLayer(spec: NetworkSpec, l: number, o: Offsets, contractive: boolean): string[] {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const [inputs, units] = [w[l - 1], w[l]];
  const below = spec.layers[l - 2];
  const T = tileOf(inputs);
  const groups = inputs / T;
  const tile = Array.from({ length: T }, (_, t) => t);
  return [
    `// back through layer ${l}, ${T} units per lane`,
    `for (var k = lid; k < count * ${u(groups)}; k += WG) {`,
    `  let s = k / ${u(groups)};`,
    `  let i = (k - s * ${u(groups)}) * ${u(T)};`,
    `  let base = s * S;`,
    ...tile.map((t) => `  var sum${t} = 0.0;`),
    `  for (var j = 0u; j < ${u(units)}; j++) {`,
    `    let d = scratch[base + ${u(o.d[l])} + j];`,
    `    let row = ${u(layout.weight[l - 1])} + j * ${u(inputs)} + i;`,
    ...tile.map((t) => `    sum${t} += ${o.read}[row + ${u(t)}] * d;`),
    '  }',
    ...tile.flatMap((t) => {
      const at = `i + ${u(t)}`;
      const lines = [
        `  let z${t} = scratch[base + ${u(o.z[l - 1])} + ${at}];`,
        `  let a${t} = scratch[base + ${u(o.a[l - 1])} + ${at}];`,
      ];
      const curvature = contractive ? curvatureExpr(below, `a${t}`, `f${t}`) : null;
      if (!curvature) {
        lines.push(
          `  scratch[base + ${u(o.d[l - 1])} + ${at}] = sum${t} * ${derivativeExpr(below, `z${t}`, `a${t}`)};`,
        );
      } else {
        // The contractive penalty's source at this hidden unit: 2λ·c·f'·f''.
        lines.push(
          `  let f${t} = ${derivativeExpr(below, `z${t}`, `a${t}`)};`,
          `  scratch[base + ${u(o.d[l - 1])} + ${at}] = sum${t} * f${t} + jc[${u(o.h[l - 1])} + ${at}] * f${t} * ${curvature};`,
        );
      }
      return lines;
    }),
    '}',
    'storageBarrier();',
  ];
}

/** The update of parameter `p` with gradient `g` (penalties added for weights). Twin: applyOptimizer(). */
export function updateBody(optimizer: Optimizer, P: number, staged: boolean): string[] {
  const lines = ['var w = params[p];', `moments[${u(2 * P)} + p] = w;`];
  if (usesFirstMoment(optimizer)) lines.push(`moments[${u(3 * P)} + p] = moments[p];`);
  if (usesSecondMoment(optimizer)) lines.push(`moments[${u(4 * P)} + p] = moments[${u(P)} + p];`);
  switch (optimizer) {
    case 'sgd':
      lines.push('w -= u.lr * g;');
      break;
    case 'momentum':
      lines.push('let v = u.momentum * moments[p] + g;', 'moments[p] = v;', 'w -= u.lr * v;');
      break;
    case 'rmsprop':
      lines.push(
        `let r = u.rho * moments[${u(P)} + p] + u.one_minus_rho * g * g;`,
        `moments[${u(P)} + p] = r;`,
        'w -= u.lr * g / (sqrt(r) + u.epsilon);',
      );
      break;
    case 'adam':
      lines.push(
        'let m = u.beta1 * moments[p] + u.one_minus_beta1 * g;',
        `let v = u.beta2 * moments[${u(P)} + p] + u.one_minus_beta2 * g * g;`,
        'moments[p] = m;',
        `moments[${u(P)} + p] = v;`,
        'w -= u.lr * (m * bias.x) / (sqrt(v * bias.y) + u.epsilon);',
      );
      break;
  }
  lines.push('params[p] = w;');
  if (staged) lines.push('pw[p] = w;');
  return lines;
}

/** Gradient (summed over the batch in slot order) and update of every parameter of layer l. */
function updateLayer(
  spec: NetworkSpec,
  l: number,
  o: Offsets,
  optimizer: Optimizer,
  contractive: boolean,
): string[] {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const [inputs, units] = [w[l - 1], w[l]];
  const per = inputs + 1;
  // The contractive penalty's direct term on a hidden weight: jq = 2λ·(1/B)·Σ_samples f'(z_j)².
  const direct = contractive && l < spec.layers.length ? ` + jq[${u(o.h[l])} + j] * params[p]` : '';
  return [
    `// gradient and update of layer ${l}`,
    `for (var k = lid; k < ${u(units * per)}; k += WG) {`,
    `  let j = k / ${u(per)};`,
    `  let i = k - j * ${u(per)};`,
    `  let is_bias = i == ${u(inputs)};`,
    `  let d = ${u(o.d[l])} + j;`,
    `  let a = select(${u(o.a[l - 1])} + i, d, is_bias);`,
    '  var sum = 0.0;',
    '  for (var s = 0u; s < count; s++) {',
    '    let at = s * S;',
    '    sum += scratch[at + d] * select(scratch[at + a], 1.0, is_bias);',
    '  }',
    `  let p = select(${u(layout.weight[l - 1])} + j * ${u(inputs)} + i, ${u(layout.bias[l - 1])} + j, is_bias);`,
    '  var g = sum / f32(count);',
    `  if (!is_bias) { g += u.l1 * sign(params[p]) + u.l2 * params[p]${direct}; }`,
    ...updateBody(optimizer, layout.count, o.read === 'pw').map((line) => `  ${line}`),
    '}',
  ];
}

/**
 * The contractive penalty's per-step terms, lanes over the hidden units: jc = 2λ·Σ_i W_ji² (this step's
 * weights) and jq = 2λ·(1/B)·Σ_samples f'(z_j)² (in slot order), into workgroup memory.
 */
function contractiveLines(spec: NetworkSpec, o: Offsets): string[] {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const H = hiddenUnits(spec).length;
  const lines = [`for (var h = lid; h < ${u(H)}; h += WG) {`];
  for (let l = 1; l < spec.layers.length; l++) {
    const layer = spec.layers[l - 1];
    const [inputs, units] = [w[l - 1], w[l]];
    lines.push(
      `  if (h >= ${u(o.h[l])} && h < ${u(o.h[l] + units)}) {`,
      `    let j = h - ${u(o.h[l])};`,
      `    let row = ${u(layout.weight[l - 1])} + j * ${u(inputs)};`,
      '    var c = 0.0;',
      `    for (var i = 0u; i < ${u(inputs)}; i++) { let v = ${o.read}[row + i]; c += v * v; }`,
      '    jc[h] = 2.0 * u.contractive * c;',
      '    var q = 0.0;',
      '    for (var s = 0u; s < count; s++) {',
      `      let z = scratch[s * S + ${u(o.z[l])} + j];`,
      `      let a = scratch[s * S + ${u(o.a[l])} + j];`,
      `      let f = ${derivativeExpr(layer, 'z', 'a')};`,
      '      q += f * f;',
      '    }',
      '    jq[h] = 2.0 * u.contractive * q / f32(count);',
      '  }',
    );
  }
  lines.push('}', 'workgroupBarrier();');
  return lines;
}

export function fill(template: string, blocks: Record<string, string[]>): string {
  return template.replace(/^(\s*)\/\/@ (.+)$/gm, (_line, space: string, name: string) => {
    const lines = blocks[name.trim()];
    if (!lines) throw new Error(`codegen: no block for "//@ ${name}"`);
    return lines.map((l) => `${space}${l}`).join('\n');
  });
}

/** The template's constants: lanes, slot stride, parameter count, and whether Adam's correction runs. */
export function templateConstants(lanes: number, o: Offsets, P: number, optimizer: Optimizer): string[] {
  return [
    `const WG: u32 = ${u(lanes)};`,
    `const S: u32 = ${u(o.stride)};`,
    `const P: u32 = ${u(P)};`,
    `const ADAM: bool = ${optimizer === 'adam'};`,
  ];
}

/** The template's block that copies sample idx's inputs into slot s of the scratch. */
export function inputLoads(spec: NetworkSpec): string[] {
  return Array.from(
    { length: spec.inputSize },
    (_, i) => `scratch[s * S + ${u(i)}] = xs[idx * ${u(spec.inputSize)} + ${u(i)}];`,
  );
}

/** The whole cooperative kernel: common.wgsl + filled train_looped.wgsl. */
export function cooperativeTrainWgsl(
  spec: NetworkSpec,
  options: CooperativeOptions,
  common: string,
  template: string,
): string {
  const o = cooperativeOffsets(spec, options.staged);
  const L = spec.layers.length;
  const P = paramLayout(spec).count;
  const forward: string[] = [];
  for (let l = 1; l <= L; l++) forward.push(...forwardLayer(spec, l, o));
  const backward: string[] = [];
  const contractive = (options.contractive ?? false) && L > 1;
  for (let l = L; l >= 2; l--) backward.push(...backwardLayer(spec, l, o, contractive));
  const update: string[] = [];
  for (let l = 1; l <= L; l++) update.push(...updateLayer(spec, l, o, options.optimizer, contractive));
  const H = hiddenUnits(spec).length;
  const body = fill(template, {
    constants: [
      ...templateConstants(options.lanes, o, P, options.optimizer),
      ...(options.staged ? [`var<workgroup> pw: array<f32, ${u(P)}>;`] : []),
      ...(contractive
        ? [`var<workgroup> jc: array<f32, ${u(H)}>;`, `var<workgroup> jq: array<f32, ${u(H)}>;`]
        : []),
    ],
    'contractive terms of the step': contractive ? contractiveLines(spec, o) : [],
    'stage the parameters': options.staged
      ? ['for (var p = lid; p < P; p += WG) { pw[p] = params[p]; }', 'workgroupBarrier();']
      : [],
    'load the inputs of slot s (sample idx)': inputLoads(spec),
    forward,
    'loss of slot s (sample idx)': outputLines(spec, o),
    backward,
    'gradients and updates': update,
  });
  return `${common}\n${body}`;
}
