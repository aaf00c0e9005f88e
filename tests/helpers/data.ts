/**
 * Small deterministic data sets for the engine's tests: the same seed gives the same points. They stand
 * on their own (not on src/data) so that the engine's tests only test the engine.
 */
import type { Dataset } from '../../src/data/types';
import { Random } from '../../src/random';

function dataset(inputSize: number, x: number[], y: number[], classes: number): Dataset {
  return { inputSize: inputSize as 1 | 2 | 3, x: Float32Array.from(x), y: Float32Array.from(y), classes };
}

/**
 * A disc (class 0, radius < 0.5) inside a ring (class 1, radius 0.8 to 1.1), in `inputSize` dimensions:
 * colah's example that two hidden units cannot untangle. In 1-D it is an interval inside two intervals.
 */
export function rings(count: number, seed: number, inputSize = 2): Dataset {
  const random = new Random(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let s = 0; s < count; s++) {
    const label = s % 2;
    const radius = label === 0 ? random.uniform(0, 0.5) : random.uniform(0.8, 1.1);
    const direction = Array.from({ length: inputSize }, () => random.normal());
    const norm = Math.hypot(...direction) || 1;
    for (const d of direction) x.push((radius * d) / norm);
    y.push(label);
  }
  return dataset(inputSize, x, y, 2);
}

/** `classes` Gaussian blobs (σ = 0.3) around points on a circle of radius 1 (a line in 1-D). */
export function blobs(count: number, classes: number, seed: number, inputSize = 2): Dataset {
  const random = new Random(seed);
  const centres = Array.from({ length: classes }, (_, k) => {
    const angle = (2 * Math.PI * k) / classes;
    return [Math.cos(angle), Math.sin(angle), k % 2 === 0 ? 0.5 : -0.5].slice(0, inputSize);
  });
  if (inputSize === 1) centres.forEach((c, k) => (c[0] = -1 + (2 * k) / Math.max(1, classes - 1)));
  const x: number[] = [];
  const y: number[] = [];
  for (let s = 0; s < count; s++) {
    const label = s % classes;
    for (const c of centres[label]) x.push(c + 0.3 * random.normal());
    y.push(label);
  }
  return dataset(inputSize, x, y, classes);
}

/** Regression: y = sin(2 x0) + 0.5 x1 − x2² (terms present as the inputs allow) + 0.05·noise. */
export function regression(count: number, seed: number, inputSize = 2): Dataset {
  const random = new Random(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let s = 0; s < count; s++) {
    const p = Array.from({ length: inputSize }, () => random.uniform(-1, 1));
    x.push(...p);
    y.push(Math.sin(2 * p[0]) + 0.5 * (p[1] ?? 0) - (p[2] ?? 0) ** 2 + 0.05 * random.normal());
  }
  return dataset(inputSize, x, y, 0);
}

/** Points spread uniformly over [−range, range]^inputSize, (count, inputSize) floats: grid vertices. */
export function points(count: number, inputSize: number, seed: number, range = 1.5): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: count * inputSize }, () => random.uniform(-range, range));
}
