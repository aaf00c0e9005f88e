/**
 * Every result kept for later is kept under all it depends on: asked again with an input that shares all
 * but one part of the key (the same data and another network, the same network and other data, fewer of
 * the points, another optimiser, batch, adapter or penalty), the answer changes.
 */
import { describe, expect, it } from 'vitest';
import { specKey } from '../src/app/runtime/snapshots';
import type { Engine } from '../src/engine/engine';
import { probeKey } from '../src/engine/kernelProbe';
import { buildSpec, type NetworkSpec } from '../src/engine/spec';
import { FoldShares, foldShares } from '../src/view/math/foldShares';
import { layerBadgesOver } from '../src/view/math/layerBadges';

/** A 2-2 layer (W = I, no bias) with this activation: ReLU collapses the cells with x < 0 or y < 0. */
function identityLayer(activation: string): { spec: NetworkSpec; params: Float32Array } {
  const spec = { inputSize: 2, layers: [{ units: 2, activation, slope: 0.01 }], loss: 'mse' } as NetworkSpec;
  return { spec, params: Float32Array.of(1, 0, 0, 1, 0, 0) };
}

/** n × n points on [lo, hi]². */
function square(n: number, lo: number, hi: number): Float32Array {
  const p = new Float32Array(2 * n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++)
      p.set([lo + ((hi - lo) * i) / (n - 1), lo + ((hi - lo) * j) / (n - 1)], 2 * (j * n + i));
  return p;
}

describe('the folded shares kept per data set', () => {
  const points = square(12, -1, 1);
  const relu = identityLayer('relu');
  const tanh = identityLayer('tanh');

  it('the same points through another network (same shape) give that network’s shares', () => {
    const folded = foldShares(relu.spec, relu.params, points)!;
    expect(folded.share[0]).toBeGreaterThan(0.5);
    // Same data, same weights, another activation: nothing folds.
    expect(foldShares(tanh.spec, tanh.params, points)!.share).toEqual([0]);
    expect(foldShares(relu.spec, relu.params, points)!.share).toEqual(folded.share);
  });

  it('the same network over other points gives their shares', () => {
    const positive = square(12, 0.1, 1);
    expect(foldShares(relu.spec, relu.params, points)!.share[0]).toBeGreaterThan(0.5);
    expect(foldShares(relu.spec, relu.params, positive)!.share).toEqual([0]);
  });

  it('the same points array with fewer points counted gives the cells of those points', () => {
    // The first 12 points lie on the row y = −1: one row of cells, not the whole square.
    const all = foldShares(relu.spec, relu.params, points)!;
    const row = foldShares(relu.spec, relu.params, points, 12)!;
    expect(row.cells).toBe(new FoldShares(relu.spec, points, 12).compute(relu.params).cells);
    expect(row.cells).toBeLessThan(all.cells);
    expect(foldShares(relu.spec, relu.params, points)!.cells).toBe(all.cells);
  });

  it('the badges follow: a change of network over the same data changes them', () => {
    expect(layerBadgesOver(relu.spec, relu.params, points)[0].kind).toBe('folds');
    expect(layerBadgesOver(tanh.spec, tanh.params, points)[0].kind).toBe('homeomorphism');
  });
});

/** Just what probeKey reads of an engine. */
function engineLike(
  sizes: number[],
  optimizerKind: string,
  batchSize: number,
  contractive = false,
  activation = 'tanh',
): Engine {
  return {
    spec: buildSpec(sizes, activation, 'mse'),
    optimizerKind,
    batchSize,
    contractive,
  } as unknown as Engine;
}

describe('the kernel speed probe’s cache key', () => {
  const base = engineLike([2, 32, 32, 1], 'adam', 64);
  const key = probeKey(base, 'gpu');

  it('changes with each of its parts, the rest kept', () => {
    const others = [
      probeKey(engineLike([2, 32, 31, 1], 'adam', 64), 'gpu'),
      probeKey(engineLike([2, 32, 32, 32, 1], 'adam', 64), 'gpu'),
      probeKey(engineLike([2, 32, 32, 1], 'sgd', 64), 'gpu'),
      probeKey(engineLike([2, 32, 32, 1], 'adam', 63), 'gpu'),
      probeKey(engineLike([2, 32, 32, 1], 'adam', 65), 'gpu'),
      probeKey(engineLike([2, 32, 32, 1], 'adam', 64, true), 'gpu'),
      probeKey(base, 'other gpu'),
      probeKey(base, 'gpu', ['chunked']),
      probeKey(base, 'gpu', true),
    ];
    for (const other of others) expect(other).not.toBe(key);
    expect(new Set(others).size).toBe(others.length);
  });

  it('is the same for the same run (a key that never hits would time every network again)', () => {
    expect(probeKey(engineLike([2, 32, 32, 1], 'adam', 64), 'gpu')).toBe(key);
    expect(probeKey(base, 'gpu', [])).toBe(key);
    expect(probeKey(base, 'gpu', ['chunked'])).toBe(probeKey(base, 'gpu', false, true));
  });
});

describe('the snapshots’ network key', () => {
  it('tells apart networks that differ in one part only', () => {
    const spec = buildSpec([2, 3, 1], 'tanh', 'mse');
    const key = specKey(spec);
    expect(specKey(buildSpec([2, 3, 1], 'tanh', 'mse'))).toBe(key);
    for (const other of [
      buildSpec([2, 4, 1], 'tanh', 'mse'),
      buildSpec([2, 3, 1], 'relu', 'mse'),
      buildSpec([2, 3, 1], 'tanh', 'bce'),
      buildSpec([2, 3, 3, 1], 'tanh', 'mse'),
      buildSpec([2, 3, 1], 'leaky_relu', 'mse', { slope: 0.2 }),
    ])
      expect(specKey(other)).not.toBe(key);
    expect(specKey(buildSpec([2, 3, 1], 'leaky_relu', 'mse', { slope: 0.1 }))).not.toBe(
      specKey(buildSpec([2, 3, 1], 'leaky_relu', 'mse', { slope: 0.2 })),
    );
  });
});
