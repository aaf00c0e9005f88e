/**
 * Writes the model file (modelFormat.ts): weights as the shortest decimals that read back as the same
 * float32, the history's weights in base64. Refuses, with a ShareError, what it could not read back.
 */
import { formatBytes } from '../data/csv';
import type { FieldLayout, NetworkSpec } from '../engine/spec';
import { DEFAULT_SLOPE, checkSpec, hasField, paramLayout, widths } from '../engine/spec';
import type { Experiment } from '../experiment/experiment';
import { ShareError, messageOf } from './errors';
import { floatsToBase64 } from './float32Base64';
import { integerAt } from './jsonReaders';
import type { ModelMoment, OptimizerState } from './modelFormat';
import {
  HISTORY_MAX_BYTES,
  HISTORY_MAX_MOMENTS,
  MAX_STEP,
  DENSE_VERSION,
  FIELD_VERSION,
  MODEL_FORMAT,
  checkMomentStep,
  checkOptimizerState,
} from './modelFormat';
import { cleanExperiment } from './validate';
import { checkParams } from './weights';

/** Significant digits that read back as the same float32, always (IEEE 754: ⌈24·log10 2⌉ + 1). */
const FLOAT32_DIGITS = 9;

/** The shortest decimal text, of at most 9 significant digits, that reads back as the same float32 (`-0` kept). */
export function float32Text(v: number): string {
  if (Object.is(v, -0)) return '-0';
  const f = Math.fround(v);
  for (let p = 1; p < FLOAT32_DIGITS; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(Number(f.toPrecision(FLOAT32_DIGITS)));
}

function numberList(values: ArrayLike<number>, from: number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(float32Text(values[from + i]));
  return `[${out.join(', ')}]`;
}

function figureText(v: number | null): string {
  return v === null || !Number.isFinite(v) ? 'null' : JSON.stringify(v);
}

function historyText(
  history: readonly ModelMoment[],
  spec: NetworkSpec,
  count: number,
  modelStep: number | undefined,
): string {
  if (history.length > HISTORY_MAX_MOMENTS) {
    throw new ShareError(`has ${history.length} moments; at most ${HISTORY_MAX_MOMENTS}`, 'history');
  }
  let chars = 0;
  const lines = history.map((m, i) => {
    const at = `history[${i}]`;
    integerAt(m.step, 0, MAX_STEP, `${at}.step`);
    checkMomentStep(m.step, modelStep, `${at}.step`);
    if (i > 0 && !(m.step > history[i - 1].step)) {
      throw new ShareError(
        `must be after the step before (${history[i - 1].step}); got ${m.step}`,
        `${at}.step`,
      );
    }
    checkParams(spec, m.params, `${at}.weights`);
    const weights = floatsToBase64(m.params);
    let moments = '';
    if (m.moments) {
      checkOptimizerState(m.step, m.moments, count, at);
      moments = `, "moments": "${floatsToBase64(m.moments)}"`;
    }
    chars += weights.length + moments.length;
    return (
      `    { "step": ${m.step}, "epoch": ${m.epoch ?? 'null'}, "trainLoss": ${figureText(m.trainLoss)}, ` +
      `"testLoss": ${figureText(m.testLoss)}, "trainAccuracy": ${figureText(m.trainAccuracy)}, ` +
      `"testAccuracy": ${figureText(m.testAccuracy)}, "weights": "${weights}"${moments} }`
    );
  });
  if (chars > HISTORY_MAX_BYTES) {
    throw new ShareError(
      `has ${formatBytes(chars)} of base64 weights; at most ${formatBytes(HISTORY_MAX_BYTES)}: thin it first`,
      'history',
    );
  }
  return `[\n${lines.join(',\n')}\n  ]`;
}

/** A vector-field layer's entry: its K vectors, its K anchors (one row each) and σ. */
function fieldLayerText(f: FieldLayout, params: Float32Array, learnCentres: boolean): string {
  const rows = (from: number): string[] => {
    const out: string[] = [];
    for (let i = 0; i < f.anchors; i++)
      out.push(`        ${numberList(params, from + i * f.width, f.width)}`);
    return out;
  };
  return [
    `    {`,
    `      "kind": "field", "units": ${f.width}, "anchors": ${f.anchors}${learnCentres ? ', "learnCentres": true' : ''},`,
    `      "vectors": [`,
    rows(f.v).join(',\n'),
    `      ],`,
    `      "centres": [`,
    rows(f.centres).join(',\n'),
    `      ],`,
    `      "sigma": ${float32Text(params[f.sigma])}`,
    `    }`,
  ].join('\n');
}

/**
 * The network as a model file. `experiment`, `optimizerState` and `history` are included when given.
 * Throws a ShareError when the parameters or state do not fit the network or are not finite (a diverged
 * run), or when the history is over its limits (thin it first: `historyCapacity`).
 */
export function exportModel(
  spec: NetworkSpec,
  params: Float32Array,
  experiment?: Experiment,
  optimizerState?: OptimizerState,
  history?: readonly ModelMoment[],
): string {
  try {
    checkSpec(spec);
  } catch (e) {
    throw new ShareError(messageOf(e), 'spec');
  }
  checkParams(spec, params, 'params');
  const layout = paramLayout(spec);
  const w = widths(spec);
  const layers = spec.layers.map((layer, l) => {
    const field = layout.field[l];
    if (field) return fieldLayerText(field, params, layer.field?.learnCentres === true);
    const rows: string[] = [];
    for (let u = 0; u < layer.units; u++) rows.push(numberList(params, layout.weight[l] + u * w[l], w[l]));
    const slope =
      layer.activation === 'leaky_relu' || layer.slope !== DEFAULT_SLOPE ? `, "slope": ${layer.slope}` : '';
    return [
      `    {`,
      `      "units": ${layer.units}, "activation": ${JSON.stringify(layer.activation)}${slope},`,
      `      "weights": [`,
      rows.map((r) => `        ${r}`).join(',\n'),
      `      ],`,
      `      "bias": ${numberList(params, layout.bias[l], layer.units)}`,
      `    }`,
    ].join('\n');
  });
  const parts = [
    `  "format": ${JSON.stringify(MODEL_FORMAT)}`,
    `  "version": ${hasField(spec) || spec.knn ? FIELD_VERSION : DENSE_VERSION}`,
    `  "inputSize": ${spec.inputSize}`,
    `  "loss": ${JSON.stringify(spec.loss)}`,
    ...(spec.knn
      ? [`  "output": { "kind": "knn", "k": ${spec.knn.k}, "epsilon": ${spec.knn.epsilon} }`]
      : []),
    `  "layers": [\n${layers.join(',\n')}\n  ]`,
  ];
  if (experiment) parts.push(`  "experiment": ${JSON.stringify(cleanExperiment(experiment))}`);
  if (optimizerState) {
    checkOptimizerState(optimizerState.step, optimizerState.moments, layout.count, 'optimizerState');
    const m = optimizerState.moments;
    parts.push(
      `  "optimizerState": { "step": ${optimizerState.step}, "moments": ${numberList(m, 0, m.length)} }`,
    );
  }
  if (history) {
    parts.push(`  "history": ${historyText(history, spec, layout.count, optimizerState?.step)}`);
  }
  return `{\n${parts.join(',\n')}\n}\n`;
}
