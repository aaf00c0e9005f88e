import { describe, expect, it } from 'vitest';
import { paramIndex, paramRefAt } from '../src/engine/paramRef';
import { paramLayout, type NetworkSpec } from '../src/engine/spec';

const spec: NetworkSpec = {
  inputSize: 2,
  layers: [
    { units: 3, activation: 'tanh', slope: 0.01 },
    { units: 4, activation: 'relu', slope: 0.01 },
    { units: 1, activation: 'sigmoid', slope: 0.01 },
  ],
  loss: 'bce',
};

describe('a parameter named as a person sees it', () => {
  it('maps weights row by row (to, then from) and biases after each matrix', () => {
    expect(paramIndex(spec, { kind: 'weight', layer: 0, to: 0, from: 1 })).toBe(1);
    expect(paramIndex(spec, { kind: 'weight', layer: 0, to: 2, from: 0 })).toBe(4);
    expect(paramIndex(spec, { kind: 'bias', layer: 0, to: 2 })).toBe(8);
    expect(paramIndex(spec, { kind: 'weight', layer: 1, to: 1, from: 2 })).toBe(9 + 3 + 2);
    expect(paramIndex(spec, { kind: 'bias', layer: 2, to: 0 })).toBe(paramLayout(spec).count - 1);
  });
  it('reads every index back to the same name', () => {
    const n = paramLayout(spec).count;
    for (let i = 0; i < n; i++) expect(paramIndex(spec, paramRefAt(spec, i))).toBe(i);
  });
  it('refuses names outside the network', () => {
    expect(() => paramIndex(spec, { kind: 'bias', layer: 3, to: 0 })).toThrow(/layer 3/);
    expect(() => paramIndex(spec, { kind: 'bias', layer: 1, to: 4 })).toThrow(/unit 4/);
    expect(() => paramIndex(spec, { kind: 'weight', layer: 1, to: 0, from: 3 })).toThrow(/unit 3/);
    expect(() => paramRefAt(spec, paramLayout(spec).count)).toThrow(RangeError);
  });
});
