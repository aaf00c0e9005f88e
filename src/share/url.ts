/**
 * An experiment in a link: every setting as a short query parameter, so a link reproduces the run.
 * The app reads the same parameters on start.
 */
import type { Experiment } from '../experiment/experiment';
import { DEFAULT_EXPERIMENT, archText } from '../experiment/experiment';

/** Where the demo is served when no base is given (vite's dev server). */
export const DEFAULT_APP_URL = 'http://127.0.0.1:5173/';

export function experimentQuery(exp: Experiment): URLSearchParams {
  const q = new URLSearchParams();
  q.set('dataset', exp.dataset);
  for (const [k, v] of Object.entries(exp.params)) q.set(`d.${k}`, String(v));
  q.set('arch', archText(exp.arch));
  q.set('act', exp.activation);
  q.set('loss', exp.loss);
  q.set('opt', exp.optimizer);
  q.set('lr', String(exp.learningRate));
  q.set('batch', String(exp.batchSize));
  q.set('epochs', String(exp.epochs));
  q.set('split', String(exp.testSplit));
  q.set('seed', String(exp.seed));
  if (exp.l1 !== DEFAULT_EXPERIMENT.l1) q.set('l1', String(exp.l1));
  if (exp.l2 !== DEFAULT_EXPERIMENT.l2) q.set('l2', String(exp.l2));
  if (exp.slope !== DEFAULT_EXPERIMENT.slope) q.set('slope', String(exp.slope));
  return q;
}

export function experimentUrl(exp: Experiment, base = process.env.DETANGLE_APP_URL ?? DEFAULT_APP_URL): string {
  return `${base}#${experimentQuery(exp).toString()}`;
}
