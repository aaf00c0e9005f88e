/**
 * The settings this view adds and carries: the pre-activation toggle (off by default, reset by a preset)
 * and the contractive penalty's weight (settings → optimiser spec, written into links when on); and the
 * words the captions use when pre-activations are shown.
 */
import { describe, expect, it } from 'vitest';
import { findPreset } from '../src/data/presets';
import { describePosition, stripLabel } from '../src/app/shell/captions';
import { optimizerSpec, settingsFromPreset } from '../src/state/settings';
import { DEFAULT_EXPERIMENT } from '../src/experiment/experiment';
import { experimentQuery } from '../src/share/url';
import { DisplayPath } from '../src/view/math/displayPath';
import { createCoefficients, evaluate } from '../src/view/math/coefficients';
import { forwardInto, layerLayout } from '../src/view/math/forward';
import { PHASE_ENDS } from '../src/view/math/phases';
import type { NetworkSpec } from '../src/engine/spec';

describe('view settings', () => {
  it('pre-activations are off by default, and a preset turns the contractive penalty off', () => {
    const s = settingsFromPreset(findPreset('rings-3-units-separate')!, { preActivation: true });
    expect(s.preActivation).toBe(true);
    expect(s.contractive).toBe(0);
    expect(settingsFromPreset(findPreset('rings-3-units-separate')!).preActivation).toBe(false);
  });

  it('the contractive weight reaches the optimiser spec, next to L1 and L2', () => {
    const s = settingsFromPreset(findPreset('rings-3-units-separate')!);
    s.contractive = 0.125;
    s.l2 = 0.003;
    const o = optimizerSpec(s);
    expect(o.contractive).toBe(0.125);
    expect(o.l2).toBe(0.003);
  });

  it('a link carries the contractive weight when it is on, and says nothing of it when off', () => {
    const exp = { ...DEFAULT_EXPERIMENT, dataset: 'rings', params: {} };
    expect(experimentQuery(exp).has('contractive')).toBe(false);
    const on = { ...exp, contractive: 0.25 } as typeof exp;
    expect(experimentQuery(on).get('contractive')).toBe('0.25');
  });
});

describe('captions with pre-activations shown', () => {
  const spec: NetworkSpec = {
    inputSize: 2,
    layers: [
      { units: 3, activation: 'tanh', slope: 0.01 },
      { units: 1, activation: 'sigmoid', slope: 0.01 },
    ],
    loss: 'bce',
  };
  const path = new DisplayPath(spec, true);
  path.setParams(Float32Array.from({ length: 13 }, (_, i) => Math.sin(i + 1)));

  it('say "pre-activation z" at a layer and on the strip, and name the activation as the next move', () => {
    path.preActivation = true;
    const at = describePosition(spec, path, 1);
    expect(at.title).toContain('pre-activation z₁');
    expect(at.detail).toContain('before tanh');
    expect(stripLabel(spec, path, 1)).toContain('pre-activation z₁');
    expect(stripLabel(spec, path, 0)).not.toContain('pre-activation');
    // Just past layer 1: its tanh is being applied.
    const next = describePosition(spec, path, 1.2);
    expect(next.title).toContain('z₁ → a₁');
    expect(next.detail).toContain('tanh');
  });

  it('say nothing of it when off', () => {
    path.preActivation = false;
    expect(describePosition(spec, path, 1).title).not.toContain('pre-activation');
    expect(stripLabel(spec, path, 1)).not.toContain('pre-activation');
  });
});

describe('the slider with pre-activations shown', () => {
  const spec: NetworkSpec = {
    inputSize: 2,
    layers: [
      { units: 3, activation: 'tanh', slope: 0.01 },
      { units: 1, activation: 'sigmoid', slope: 0.01 },
    ],
    loss: 'bce',
  };
  const params = Float32Array.from({ length: 13 }, (_, i) => 1.3 * Math.sin(3 * i + 1));
  const coords = Float32Array.from([0.3, -0.7, -1.2, 0.4, 0.9, 0.8]);
  const layout = layerLayout(spec, 3);
  const data = new Float32Array(layout.totalFloats);
  forwardInto(spec, params, coords, 3, layout, data);
  const path = new DisplayPath(spec, true);
  path.setParams(params);
  path.preActivation = true;
  const at = (t: number, v: number): number[] => {
    const out = new Float32Array(3);
    evaluate(path.coefficientsAt(t, createCoefficients()), layout, data, v, 0, out, 0);
    return Array.from(out);
  };

  it('shows z at every layer and the input at 0, and a (the activation) only after it', () => {
    for (let v = 0; v < 3; v++) {
      expect(at(0, v).slice(0, 2)).toEqual(
        Array.from(coords.subarray(2 * v, 2 * v + 2)).map((x) => expect.closeTo(x, 6)),
      );
      const z1 = Array.from(data.subarray(layout.offset[1] + 3 * v, layout.offset[1] + 3 * v + 3));
      const a1 = Array.from(data.subarray(layout.offset[2] + 3 * v, layout.offset[2] + 3 * v + 3));
      at(1, v).forEach((x, i) => expect(x).toBeCloseTo(z1[i], 5));
      // The activation of layer 1 ends where the next segment's linear map starts: a_1.
      at(1 + (1 - PHASE_ENDS.bias), v).forEach((x, i) => expect(x).toBeCloseTo(a1[i], 5));
      expect(at(2, v)[0]).toBeCloseTo(data[layout.offset[3] + v], 5);
    }
    // The output's boundary is its logit's threshold (0 for a sigmoid), not ½.
    expect(path.linearBoundary(2)?.level).toBeCloseTo(0, 9);
    expect(path.linearBoundary(1)).toBeNull();
  });

  it('is continuous and increasing in t', () => {
    let before = -1;
    for (let i = 0; i <= 200; i++) {
      const p = path.pathPosition(i / 100);
      expect(p).toBeGreaterThan(before);
      if (i > 0) expect(p - before).toBeLessThanOrEqual(0.01 + 1e-12);
      before = p;
    }
    expect(path.pathPosition(2)).toBeCloseTo(2 - (1 - PHASE_ENDS.bias), 12);
    // The first segment has no activation before it: it starts at once (no still stretch at the input).
    expect(path.pathPosition(0)).toBe(0);
    expect(path.pathPosition(0.1)).toBeGreaterThan(0.05);
  });
});
