/**
 * Straight-line WGSL for one network shape. Small networks train and transform fastest when every weight
 * is a named scalar and every layer spelled out: indexed private arrays are many times slower on some GPUs
 * (docs/engine.md, "Straight-line code per shape"). The templates (shaders/train_fused.wgsl,
 * shaders/grid_fused.wgsl) hold the structure; this module writes only the lines marked `//@`.
 * Names: p<k> parameter k, g<k> its gradient, m<k>/v<k> its optimiser moments,
 * a<l>_<j> / z<l>_<j> activation / pre-activation of unit j of layer l (a0 is the input), d<l>_<j> dL/dz.
 */
import type { Activation, LayerSpec, NetworkSpec, Optimizer } from './spec';
import { hasField, paramLayout, widths } from './spec';

/** Vertices each invocation of the fused grid kernel transforms (VERTICES_PER_INVOCATION in grid_fused.wgsl). */
export const GRID_VERTICES_PER_INVOCATION = 8;

/**
 * Largest network (in parameters) that the fused kernels keep in named scalars (training, evaluation,
 * grid, populations); beyond it evaluation and the grid run the looped kernels.
 */
export const FUSED_MAX_PARAMS = 320;
/**
 * Most values each lane of the fused training kernel holds in its array layout (used beyond
 * FUSED_MAX_PARAMS): parameters and gradients, and the optimiser's moments. SwiftShader's compiler crashed
 * at 13,188 (2-32×4-1 with Adam) and at 21,378 (2-32×11-1 with SGD), and took 8,964 (2-32-32-32-1 with
 * Adam) and 8,186. Its code grows with the parameter count (2-32-32-32-1 compiled in 14–31 s there), so
 * `auto` takes it only where measured timings say it is the fastest.
 */
export const FUSED_ARRAYS_MAX_VALUES = 9000;
/** Workgroup memory budget of the fused kernel's reduction, in floats (16 KiB, WebGPU's minimum limit). */
const REDUCTION_FLOATS = 4096;

export function fitsFused(spec: NetworkSpec): boolean {
  return !hasField(spec) && !spec.knn && paramLayout(spec).count <= FUSED_MAX_PARAMS;
}

/** The largest network the fused training kernel takes with this optimiser, in either layout. */
export function fusedTrainingMaxParams(optimizer: Optimizer): number {
  const moments = Number(usesFirstMoment(optimizer)) + Number(usesSecondMoment(optimizer));
  return Math.max(FUSED_MAX_PARAMS, Math.floor(FUSED_ARRAYS_MAX_VALUES / (2 + moments)));
}

/** Whether the fused training kernel takes the network with this optimiser (see FUSED_ARRAYS_MAX_VALUES). */
export function fitsFusedTraining(spec: NetworkSpec, optimizer: Optimizer): boolean {
  return paramLayout(spec).count <= fusedTrainingMaxParams(optimizer);
}

/**
 * How the fused training kernel names parameter k, its gradient and its moments: scalars p<k>, g<k>,
 * m<k>, v<k> (registers on a GPU), or elements of private arrays pa, ga, ma, va indexed by constants.
 */
interface Names {
  arrays: boolean;
  p(k: number): string;
  g(k: number): string;
  m(k: number): string;
  v(k: number): string;
}

function namesFor(arrays: boolean): Names {
  return arrays
    ? { arrays, p: (k) => `pa[${k}]`, g: (k) => `ga[${k}]`, m: (k) => `ma[${k}]`, v: (k) => `va[${k}]` }
    : { arrays, p: (k) => `p${k}`, g: (k) => `g${k}`, m: (k) => `m${k}`, v: (k) => `v${k}` };
}

export interface FusedTrainOptions {
  optimizer: Optimizer;
  /** Subgroup size when the workgroup is exactly one subgroup and reduces with subgroupAdd; null to reduce
   *  through workgroup memory with barriers. */
  subgroupSize: number | null;
  /** Whether to generate the contractive penalty (weight u.contractive); off, the kernel has none of it. */
  contractive?: boolean;
  /** Parameters, moments and gradients in private arrays (default: beyond FUSED_MAX_PARAMS parameters). */
  arrays?: boolean;
}

/** A float literal WGSL accepts (always with a decimal point or exponent). */
export function f32(x: number): string {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

export function activationExpr(layer: LayerSpec, z: string): string {
  switch (layer.activation as Activation) {
    case 'tanh':
      return `tanh_(${z})`;
    case 'relu':
      return `max(${z}, 0.0)`;
    case 'leaky_relu':
      return `select(${f32(layer.slope)} * ${z}, ${z}, ${z} > 0.0)`;
    case 'sigmoid':
      return `sigmoid_(${z})`;
    case 'softplus':
      return `softplus_(${z})`;
    case 'linear':
      return z;
  }
}

export function derivativeExpr(layer: LayerSpec, z: string, a: string): string {
  switch (layer.activation as Activation) {
    case 'tanh':
      return `(1.0 - ${a} * ${a})`;
    case 'relu':
      return `select(0.0, 1.0, ${z} > 0.0)`;
    case 'leaky_relu':
      return `select(${f32(layer.slope)}, 1.0, ${z} > 0.0)`;
    case 'sigmoid':
      return `(${a} * (1.0 - ${a}))`;
    case 'softplus':
      return `sigmoid_(${z})`;
    case 'linear':
      return '1.0';
  }
}

/**
 * f''(z) from the value a and the first derivative d = f'(z), or null where it is 0 almost everywhere
 * (relu, leaky_relu, linear). Twin: ActivationFn.curvature.
 */
export function curvatureExpr(layer: LayerSpec, a: string, d: string): string | null {
  switch (layer.activation as Activation) {
    case 'tanh':
      return `(-2.0 * ${a} * ${d})`;
    case 'sigmoid':
      return `(${d} * (1.0 - 2.0 * ${a}))`;
    case 'softplus':
      return `(${d} * (1.0 - ${d}))`;
    default:
      return null;
  }
}

/** Forward pass of one sample from inputs a0_*, with parameter k read as `param(k)`. */
function forwardLines(spec: NetworkSpec, param: (k: number) => string): string[] {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const lines: string[] = [];
  spec.layers.forEach((layer, index) => {
    const l = index + 1;
    for (let j = 0; j < w[l]; j++) {
      const terms = [param(layout.bias[index] + j)];
      for (let i = 0; i < w[l - 1]; i++)
        terms.push(`${param(layout.weight[index] + j * w[l - 1] + i)} * a${l - 1}_${i}`);
      lines.push(`let z${l}_${j} = ${terms.join(' + ')};`);
    }
    if (layer.activation === 'softmax') {
      const z = Array.from({ length: w[l] }, (_, j) => `z${l}_${j}`);
      lines.push(`let zmax${l} = ${z.reduce((acc, v) => `max(${acc}, ${v})`)};`);
      z.forEach((v, j) => lines.push(`let e${l}_${j} = exp(${v} - zmax${l});`));
      lines.push(`let esum${l} = ${z.map((_, j) => `e${l}_${j}`).join(' + ')};`);
      z.forEach((_, j) => lines.push(`let a${l}_${j} = e${l}_${j} / esum${l};`));
    } else {
      for (let j = 0; j < w[l]; j++) lines.push(`let a${l}_${j} = ${activationExpr(layer, `z${l}_${j}`)};`);
    }
  });
  return lines;
}

function inputLines(spec: NetworkSpec, index: string): string[] {
  return Array.from(
    { length: spec.inputSize },
    (_, i) => `let a0_${i} = xs[${index} * ${spec.inputSize}u + ${i}u];`,
  );
}

/** Loss of the sample into loss_sum and dL/dz of the output layer into d<L>_*. Twin: sampleLoss(). */
function lossLines(spec: NetworkSpec): string[] {
  const L = spec.layers.length;
  const out = spec.layers[L - 1];
  const k = out.units;
  const lines = ['let label = ys[idx];', 'let y = u32(round(label));'];
  const target = (j: number): string => (k === 1 ? 'label' : `select(0.0, 1.0, y == ${j}u)`);
  if (spec.loss === 'mse') {
    for (let j = 0; j < k; j++) {
      lines.push(`let e${j} = a${L}_${j} - ${target(j)};`);
      lines.push(`loss_sum += 0.5 * e${j} * e${j};`);
      lines.push(`let d${L}_${j} = e${j} * ${derivativeExpr(out, `z${L}_${j}`, `a${L}_${j}`)};`);
    }
  } else if (spec.loss === 'bce') {
    lines.push(`loss_sum += softplus_(z${L}_0) - label * z${L}_0;`);
    lines.push(`let d${L}_0 = a${L}_0 - label;`);
  } else {
    const zy = Array.from({ length: k }, (_, j) => `select(0.0, z${L}_${j}, y == ${j}u)`).join(' + ');
    lines.push(`loss_sum += zmax${L} + log(esum${L}) - (${zy});`);
    for (let j = 0; j < k; j++) lines.push(`let d${L}_${j} = a${L}_${j} - ${target(j)};`);
  }
  return lines;
}

/**
 * Back-propagation through the hidden layers and gradient accumulation. Twin: backward(). With the
 * contractive penalty, each hidden unit's delta gains jc·f'·f'' (jc = 2λ·Σ_i W_ji², per step) and
 * jq accumulates f'² over the batch for the penalty's direct term (applied in the update).
 */
function backwardLines(spec: NetworkSpec, contractive: boolean, n: Names): string[] {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const L = spec.layers.length;
  const lines: string[] = [];
  for (let l = L - 1; l >= 1; l--) {
    const layer = spec.layers[l - 1];
    for (let i = 0; i < w[l]; i++) {
      const terms = Array.from(
        { length: w[l + 1] },
        (_, j) => `${n.p(layout.weight[l] + j * w[l] + i)} * d${l + 1}_${j}`,
      );
      const derivative = derivativeExpr(layer, `z${l}_${i}`, `a${l}_${i}`);
      if (!contractive) {
        lines.push(`let d${l}_${i} = (${terms.join(' + ')}) * ${derivative};`);
        continue;
      }
      const f = `f${l}_${i}`;
      const curvature = curvatureExpr(layer, `a${l}_${i}`, f);
      const source = curvature ? ` + jc${l}_${i} * ${f} * ${curvature}` : '';
      lines.push(
        `let ${f} = ${derivative};`,
        `let d${l}_${i} = (${terms.join(' + ')}) * ${f}${source};`,
        `jq${l}_${i} += ${f} * ${f};`,
      );
    }
  }
  for (let l = 1; l <= L; l++) {
    for (let j = 0; j < w[l]; j++) {
      lines.push(`${n.g(layout.bias[l - 1] + j)} += d${l}_${j};`);
      for (let i = 0; i < w[l - 1]; i++)
        lines.push(`${n.g(layout.weight[l - 1] + j * w[l - 1] + i)} += d${l}_${j} * a${l - 1}_${i};`);
    }
  }
  return lines;
}

/** The hidden units (layer l ≥ 1 below the output, unit j), in order: the contractive penalty's. */
export function hiddenUnits(spec: NetworkSpec): { l: number; j: number }[] {
  const units: { l: number; j: number }[] = [];
  for (let l = 1; l < spec.layers.length; l++) {
    for (let j = 0; j < spec.layers[l - 1].units; j++) units.push({ l, j });
  }
  return units;
}

/**
 * Per step, before the batch: jc<l>_<j> = 2λ·Σ_i W_ji² of every hidden unit (the weights of this step),
 * and the zeroed accumulator jq<l>_<j> of f'(z)² over the batch.
 */
function contractiveStepLines(spec: NetworkSpec, n: Names): string[] {
  const layout = paramLayout(spec);
  const w = widths(spec);
  return hiddenUnits(spec).flatMap(({ l, j }) => {
    const row = layout.weight[l - 1] + j * w[l - 1];
    const squares = Array.from({ length: w[l - 1] }, (_, i) => `${n.p(row + i)} * ${n.p(row + i)}`);
    return [`let jc${l}_${j} = 2.0 * u.contractive * (${squares.join(' + ')});`, `var jq${l}_${j} = 0.0;`];
  });
}

function isWeight(spec: NetworkSpec): boolean[] {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const flags = new Array<boolean>(layout.count).fill(false);
  for (let l = 0; l < spec.layers.length; l++) {
    for (let k = 0; k < w[l] * w[l + 1]; k++) flags[layout.weight[l] + k] = true;
  }
  return flags;
}

/**
 * One optimiser update per parameter, kept when `live` (no divergence yet). Twin: applyOptimizer().
 * In the array layout each block also zeroes the gradient for the next step, and with `subgroups` sums it
 * over the subgroup itself (a constant index each, where a loop over the array would index it dynamically).
 */
function updateLines(
  spec: NetworkSpec,
  optimizer: Optimizer,
  contractive: boolean,
  n: Names,
  subgroups: boolean,
): string[] {
  const weights = isWeight(spec);
  const lines: string[] = [];
  // The contractive penalty's direct term: 2λ·W_ji·(1/B)·Σ_samples f'(z_j)² on each hidden weight.
  const direct = new Map<number, string>();
  if (contractive) {
    const layout = paramLayout(spec);
    const w = widths(spec);
    for (const { l, j } of hiddenUnits(spec)) {
      lines.push(`let jt${l}_${j} = 2.0 * u.contractive * jq${l}_${j} / count;`);
      const row = layout.weight[l - 1] + j * w[l - 1];
      for (let i = 0; i < w[l - 1]; i++) direct.set(row + i, `jt${l}_${j}`);
    }
  }
  weights.forEach((weight, k) => {
    const [p, m, v] = [n.p(k), n.m(k), n.v(k)];
    const sum = n.arrays && subgroups ? `subgroupAdd(${n.g(k)})` : n.g(k);
    const body = [`var g = ${sum} / count;`];
    if (n.arrays) body.push(`${n.g(k)} = 0.0;`);
    if (weight) body.push(`g += u.l1 * sign(${p}) + u.l2 * ${p};`);
    if (direct.has(k)) body.push(`g += ${direct.get(k)} * ${p};`);
    switch (optimizer) {
      case 'sgd':
        body.push(`${p} = select(${p}, ${p} - u.lr * g, live);`);
        break;
      case 'momentum':
        body.push(`let v = u.momentum * ${m} + g;`, `${m} = select(${m}, v, live);`);
        body.push(`${p} = select(${p}, ${p} - u.lr * v, live);`);
        break;
      case 'rmsprop':
        body.push(`let s = u.rho * ${v} + u.one_minus_rho * g * g;`, `${v} = select(${v}, s, live);`);
        body.push(`${p} = select(${p}, ${p} - u.lr * g / (sqrt(s) + u.epsilon), live);`);
        break;
      case 'adam':
        body.push(
          `let m = u.beta1 * ${m} + u.one_minus_beta1 * g;`,
          `let v = u.beta2 * ${v} + u.one_minus_beta2 * g * g;`,
        );
        body.push(`${m} = select(${m}, m, live);`, `${v} = select(${v}, v, live);`);
        body.push(`${p} = select(${p}, ${p} - u.lr * (m * bias1) / (sqrt(v * bias2) + u.epsilon), live);`);
        break;
    }
    lines.push(`{ ${body.join(' ')} }`);
  });
  return lines;
}

export function usesFirstMoment(o: Optimizer): boolean {
  return o === 'momentum' || o === 'adam';
}
export function usesSecondMoment(o: Optimizer): boolean {
  return o === 'rmsprop' || o === 'adam';
}

/**
 * Copies between the registers and the backup (moments[2P..5P): parameters, first and second moments),
 * parameter k by lane k mod `lanes`, so each lane later reads back only what it wrote itself.
 */
function backupLines(P: number, o: Optimizer, lanes: number, toBackup: boolean, n: Names): string[] {
  const copies = (k: string, name: (k: string) => string): string[] => {
    const pairs: [string, string, string][] = [[name('p'), `${2 * P}u + ${k}`, `params[${k}]`]];
    if (usesFirstMoment(o)) pairs.push([name('m'), `${3 * P}u + ${k}`, `moments[${k}]`]);
    if (usesSecondMoment(o)) pairs.push([name('v'), `${4 * P}u + ${k}`, `moments[${P}u + ${k}]`]);
    return pairs.map(([reg, at, home]) =>
      toBackup ? `moments[${at}] = ${reg};` : `${home} = moments[${at}];`,
    );
  };
  if (n.arrays) {
    // The same partition as the scalars': lane k mod lanes.
    const body = copies('k', (x) => `${x}a[k]`);
    return [`for (var k = lid; k < ${P}u; k += WORKGROUP_SIZE) { ${body.join(' ')} }`];
  }
  const lines: string[] = [];
  for (let lane = 0; lane < lanes && lane < P; lane++) {
    const body: string[] = [];
    for (let k = lane; k < P; k += lanes) {
      body.push(...foldOffsets(copies(`${k}u`, (x) => (x === 'p' ? n.p(k) : x === 'm' ? n.m(k) : n.v(k)))));
    }
    lines.push(lanes === 1 ? body.join(' ') : `if (lid == ${lane}u) { ${body.join(' ')} }`);
  }
  return lines;
}

function fill(template: string, blocks: Record<string, string[]>, indent = '    '): string {
  return template.replace(/^(\s*)\/\/@ (.+)$/gm, (_line, space: string, name: string) => {
    const lines = blocks[name.trim()];
    if (!lines) throw new Error(`codegen: no block for "//@ ${name}"`);
    return lines.map((l) => `${space || indent}${l}`).join('\n');
  });
}

/** The whole fused training kernel for one shape and optimiser: common.wgsl + filled train_fused.wgsl. */
export function fusedTrainWgsl(
  spec: NetworkSpec,
  options: FusedTrainOptions,
  common: string,
  template: string,
): string {
  const P = paramLayout(spec).count;
  const n = namesFor(options.arrays ?? P > FUSED_MAX_PARAMS);
  const range = Array.from({ length: P }, (_, k) => k);
  const contractive = options.contractive ?? false;
  // The contractive penalty's per-unit sums of f'² are reduced with the gradients.
  const extra = contractive ? hiddenUnits(spec).map(({ l, j }) => `jq${l}_${j}`) : [];
  const stride = P + 1 + extra.length;
  const sub = options.subgroupSize;
  const size = sub ?? Math.max(1, Math.min(64, 2 ** Math.floor(Math.log2(REDUCTION_FLOATS / stride))));
  const decls = [`const WORKGROUP_SIZE: u32 = ${size}u;`];
  // Per parameter: scalars one line each; arrays one loop (dynamic indices keep the arrays in memory,
  // where the per-sample code reads them at constant offsets).
  const each = (line: (k: string) => string): string[] =>
    n.arrays ? [`for (var k = 0u; k < ${P}u; k++) { ${line('k')} }`] : range.map((k) => line(`${k}u`));
  const named = (x: 'p' | 'g' | 'm' | 'v', k: string): string =>
    n.arrays ? `${x}a[${k}]` : `${x}${k.replace('u', '')}`;
  let reduce: string[];
  if (sub) {
    reduce = [
      // The array layout sums each gradient in its update block (updateLines).
      ...(n.arrays ? [] : each((k) => `${named('g', k)} = subgroupAdd(${named('g', k)});`)),
      'loss_sum = subgroupAdd(loss_sum);',
      ...extra.map((name) => `${name} = subgroupAdd(${name});`),
    ];
  } else {
    decls.push(`var<workgroup> red: array<f32, ${size * stride}>;`);
    reduce = [
      `let mine = lid * ${stride}u;`,
      ...each((k) => `red[mine + ${k}] = ${named('g', k)};`),
      `red[mine + ${P}u] = loss_sum;`,
      ...extra.map((name, h) => `red[mine + ${P + 1 + h}u] = ${name};`),
      'workgroupBarrier();',
      'for (var span = WORKGROUP_SIZE / 2u; span > 0u; span = span / 2u) {',
      `  if (lid < span) { for (var k = 0u; k < ${stride}u; k++) { red[mine + k] += red[mine + span * ${stride}u + k]; } }`,
      '  workgroupBarrier();',
      '}',
      ...each((k) => `${named('g', k)} = red[${k}];`),
      `loss_sum = red[${P}u];`,
      ...extra.map((name, h) => `${name} = red[${P + 1 + h}u];`),
      'workgroupBarrier();',
    ];
  }
  const o = options.optimizer;
  const declare = (x: string): string[] => (n.arrays ? [`var ${x}a: array<f32, ${P}>;`] : []);
  const init = (x: 'p' | 'm' | 'v', from: (k: string) => string): string[] => [
    ...declare(x),
    ...each((k) => `${n.arrays ? '' : 'var '}${named(x, k)} = ${from(k)};`),
  ];
  const load = [...init('p', (k) => `params[${k}]`), ...declare('g')];
  if (usesFirstMoment(o)) load.push(...init('m', (k) => `moments[${k}]`));
  if (usesSecondMoment(o)) load.push(...init('v', (k) => `moments[${P}u + ${k}]`));
  const store = each((k) => `params[${k}] = ${named('p', k)};`);
  if (usesFirstMoment(o)) store.push(...each((k) => `moments[${k}] = ${named('m', k)};`));
  if (usesSecondMoment(o)) store.push(...each((k) => `moments[${P}u + ${k}] = ${named('v', k)};`));
  const body = fill(template, {
    'workgroup declarations': decls,
    'load parameters': n.arrays ? load : foldOffsets(load),
    // The array layout zeroes each gradient in its update block: a declaration inside the step loop is
    // not re-initialised on every adapter.
    'zero gradients': n.arrays ? [] : range.map((k) => `var g${k} = 0.0;`),
    'contractive terms of the step': contractive ? contractiveStepLines(spec, n) : [],
    'one sample: forward, loss, backward, accumulate': [
      ...inputLines(spec, 'idx'),
      ...forwardLines(spec, n.p),
      ...lossLines(spec),
      ...backwardLines(spec, contractive, n),
    ],
    'reduce over the workgroup': reduce,
    'back up parameters': backupLines(P, o, size, true, n),
    'optimiser update': updateLines(spec, o, contractive, n, sub !== null),
    'restore parameters from the backup': backupLines(P, o, size, false, n),
    'store parameters': n.arrays ? store : foldOffsets(store),
  });
  return `${sub ? 'enable subgroups;\n' : ''}${common}\n${body}`;
}

/** `moments[8u + 3u]` as `moments[11u]`. */
function foldOffsets(lines: string[]): string[] {
  return lines.map((line) =>
    line.replace(/(\d+)u \+ (\d+)u/g, (_m, a: string, b: string) => `${Number(a) + Number(b)}u`),
  );
}

/** The grid transform for one shape: common.wgsl + filled grid_fused.wgsl. */
export function fusedGridWgsl(spec: NetworkSpec, common: string, template: string): string {
  const P = paramLayout(spec).count;
  const w = widths(spec);
  const load = Array.from({ length: P }, (_, k) => `let p${k} = params[${k}u];`);
  const lines = [...inputLines(spec, 'v'), ...forwardLines(spec, (k) => `p${k}`)];
  let cumulative = 0;
  const write = (width: number, name: (j: number) => string): void => {
    for (let j = 0; j < width; j++)
      lines.push(`layers[${cumulative}u * cap + v * ${width}u + ${j}u] = ${name(j)};`);
    cumulative += width;
  };
  write(w[0], (j) => `a0_${j}`);
  for (let l = 1; l < w.length; l++) {
    write(w[l], (j) => `z${l}_${j}`);
    write(w[l], (j) => `a${l}_${j}`);
  }
  return `${common}\n${fill(template, { 'load parameters': load, 'transform one point': lines })}`;
}

/** Whether the prediction is right, into `correct`: a > ½ for one output, argmax otherwise. Twin: isCorrect(). */
function correctLines(spec: NetworkSpec): string[] {
  const L = spec.layers.length;
  const k = spec.layers[L - 1].units;
  if (k === 1) return [`correct = select(0.0, 1.0, select(0u, 1u, a${L}_0 > 0.5) == y);`];
  const lines = ['var best = 0u;', `var best_value = a${L}_0;`];
  for (let j = 1; j < k; j++) {
    lines.push(`if (a${L}_${j} > best_value) { best = ${j}u; best_value = a${L}_${j}; }`);
  }
  lines.push('correct = select(0.0, 1.0, best == y);');
  return lines;
}

/** The evaluation kernel for one shape: common.wgsl + filled evaluate_fused.wgsl. */
export function fusedEvaluateWgsl(spec: NetworkSpec, common: string, template: string): string {
  const P = paramLayout(spec).count;
  const lines = Array.from({ length: P }, (_, k) => `let p${k} = params[${k}u];`);
  lines.push(
    ...inputLines(spec, 'idx'),
    ...forwardLines(spec, (k) => `p${k}`),
    ...lossLines(spec),
    ...correctLines(spec),
  );
  return `${common}\n${fill(template, { 'one sample: forward, loss, correct': lines })}`;
}
