import { Random } from '../random';
import type { Dataset } from './types';

/** Fills a Dataset point by point; `finish` shuffles the points so classes are interleaved. */
export class PointWriter {
  readonly x: Float32Array;
  readonly y: Float32Array;
  private n = 0;

  constructor(
    readonly count: number,
    readonly inputSize: 1 | 2 | 3,
    readonly classes: number,
  ) {
    this.x = new Float32Array(count * inputSize);
    this.y = new Float32Array(count);
  }

  push1(a: number, label: number): void {
    this.x[this.n] = a;
    this.y[this.n++] = label;
  }

  push2(a: number, b: number, label: number): void {
    const o = this.n * 2;
    this.x[o] = a;
    this.x[o + 1] = b;
    this.y[this.n++] = label;
  }

  push3(a: number, b: number, c: number, label: number): void {
    const o = this.n * 3;
    this.x[o] = a;
    this.x[o + 1] = b;
    this.x[o + 2] = c;
    this.y[this.n++] = label;
  }

  /** Adds Gaussian noise of standard deviation `sd` to every coordinate, shuffles, and returns the set. */
  finish(rng: Random, sd = 0): Dataset {
    if (this.n !== this.count) throw new Error(`internal: wrote ${this.n} of ${this.count} points`);
    const d: Dataset = { inputSize: this.inputSize, x: this.x, y: this.y, classes: this.classes };
    if (sd > 0) addNoise(d.x, sd, rng);
    shuffleInPlace(d, rng);
    return d;
  }
}

export function addNoise(values: Float32Array, sd: number, rng: Random): void {
  for (let i = 0; i < values.length; i++) values[i] += sd * rng.normal();
}

/** Fisher–Yates shuffle of the points (coordinates and labels together). */
export function shuffleInPlace(d: Dataset, rng: Random): void {
  const k = d.inputSize;
  const { x, y } = d;
  for (let i = y.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = y[i];
    y[i] = y[j];
    y[j] = t;
    for (let c = 0; c < k; c++) {
      const u = x[i * k + c];
      x[i * k + c] = x[j * k + c];
      x[j * k + c] = u;
    }
  }
}

/** `count` split as evenly as possible over `parts`, the first ones one larger. */
export function evenSplit(count: number, parts: number): number[] {
  const base = Math.floor(count / parts);
  const extra = count - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Point on a disk of radius r, uniform in area (radius by square root, as in the 000 seed). */
export function diskPoint(rng: Random, r: number): [number, number] {
  const rho = r * Math.sqrt(rng.next());
  const theta = 2 * Math.PI * rng.next();
  return [rho * Math.cos(theta), rho * Math.sin(theta)];
}
