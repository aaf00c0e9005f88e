import { describe, expect, it } from 'vitest';
import { DATASETS, makeDataset } from '../src/data/registry';
import { TOPOLOGY, topologyHint, unitsNeeded } from '../src/data/topology';
import { buildSpec, paramLayout, type NetworkSpec } from '../src/engine/spec';
import { collapsedShare, foldMap, foldedShare, foldColor, FOLD_COLORS } from '../src/view/math/foldMap';
import { dataCells, FoldShares, foldShares, planeDot } from '../src/view/math/foldShares';
import {
  layerBadge,
  layerBadges,
  layerBadgesOver,
  relativeDet,
  relativeSmallestStretch,
  stretchAtLeast,
} from '../src/view/math/layerBadges';

/** A one-layer network 2 → m with the given weights (row-major) and zero biases after them. */
function oneLayer(m: number, n: number, activation: string, w: number[], slope = 0.01) {
  const spec: NetworkSpec = {
    inputSize: n,
    layers: [{ units: m, activation, slope }],
    loss: 'mse',
  } as NetworkSpec;
  const params = new Float32Array(m * n + m);
  params.set(w);
  return { spec, params };
}

const ROTATION = [Math.cos(0.7), -Math.sin(0.7), Math.sin(0.7), Math.cos(0.7)];

describe('layer badges', () => {
  it('a square tanh layer with det W ≠ 0 is a homeomorphism, whatever the scale of W', () => {
    for (const scale of [1, 1e-3, 40]) {
      const { spec, params } = oneLayer(
        2,
        2,
        'tanh',
        ROTATION.map((x) => x * scale),
      );
      const b = layerBadge(spec, 0, params);
      expect(b.kind).toBe('homeomorphism');
      expect(b.why).toMatch(/never cuts or folds/);
    }
    // det W < 0 turns the plane over but is still one-to-one.
    const flipped = oneLayer(2, 2, 'tanh', [0, 1, 1, 0]);
    expect(layerBadge(flipped.spec, 0, flipped.params).kind).toBe('homeomorphism');
  });

  it('invertible activations: sigmoid, softplus, linear, leaky ReLU with a positive slope', () => {
    for (const act of ['sigmoid', 'softplus', 'linear', 'leaky_relu']) {
      const { spec, params } = oneLayer(2, 2, act, ROTATION, 0.1);
      expect(layerBadge(spec, 0, params).kind, act).toBe('homeomorphism');
    }
  });

  it('ReLU and leaky ReLU with slope 0 (or below) fold', () => {
    const relu = oneLayer(2, 2, 'relu', ROTATION);
    expect(layerBadge(relu.spec, 0, relu.params).label).toBe('folds');
    const b = layerBadge(relu.spec, 0, relu.params, 0.25);
    expect(b.kind).toBe('folds');
    expect(b.label).toBe("folds (25 % of the data's cells)");
    expect(b.why).toMatch(/ReLU.*; 25 % of the cells holding data are turned over or squashed flat/);
    expect(layerBadge(relu.spec, 0, relu.params, 0.001).label).toBe("folds (< 1 % of the data's cells)");
    // Folding none of the data's cells: the badge says so, never "folds (0 % …)".
    const none = layerBadge(relu.spec, 0, relu.params, 0);
    expect(none.kind).toBe('unfolded');
    expect(none.label).toBe('no fold on the data');
    expect(none.label).not.toMatch(/0 %/);
    expect(none.why).toMatch(/ReLU could fold, but none of the cells holding data/);
    // Just above nothing (one cell in a thousand): it folds, and says how little.
    expect(layerBadge(relu.spec, 0, relu.params, 1e-3).kind).toBe('folds');
    expect(layerBadge(relu.spec, 0, relu.params, 0.004).label).toBe("folds (< 1 % of the data's cells)");
    expect(layerBadge(relu.spec, 0, relu.params, 0.005).label).toBe("folds (1 % of the data's cells)");
    expect(layerBadge(relu.spec, 0, relu.params, 0.996).label).toBe("folds (> 99 % of the data's cells)");
    // A homeomorphism's badge says nothing of shares.
    const tanh = oneLayer(2, 2, 'tanh', ROTATION);
    expect(layerBadge(tanh.spec, 0, tanh.params, 0.5).label).toBe('homeomorphism');
    for (const slope of [0, -0.5]) {
      const leaky = oneLayer(2, 2, 'leaky_relu', ROTATION, slope);
      expect(layerBadge(leaky.spec, 0, leaky.params).kind, `slope ${slope}`).toBe('folds');
    }
  });

  it('narrowing, a nearly singular W, dependent columns and softmax collapse a dimension', () => {
    const narrow = oneLayer(1, 2, 'tanh', [1, 1]);
    expect(layerBadge(narrow.spec, 0, narrow.params).why).toMatch(/2 units into 1/);
    // Onto one unit every cell is flat: no share. Onto two or more, the share of the data's sheet turned
    // over or squashed flat is said where there is one.
    expect(layerBadge(narrow.spec, 0, narrow.params, 1).label).toBe('collapses a dimension');
    const three = oneLayer(2, 3, 'linear', [2, 1, 0, 0, 0, 1]);
    expect(layerBadge(three.spec, 0, three.params, 0.58).label).toBe(
      "collapses a dimension · folds (58 % of the data's cells)",
    );
    expect(layerBadge(three.spec, 0, three.params, 0.58).why).toMatch(/3 units into 2.*; 58 % of the cells/);
    expect(layerBadge(three.spec, 0, three.params, 0).label).toBe('collapses a dimension');
    expect(layerBadge(three.spec, 0, three.params, 0.001).label).toBe(
      "collapses a dimension · folds (< 1 % of the data's cells)",
    );
    const singular = oneLayer(2, 2, 'tanh', [1, 2, 2, 4.000001]);
    expect(layerBadge(singular.spec, 0, singular.params).kind).toBe('collapses');
    // Just above the threshold (relative det ≈ 0.0016): not collapsed.
    const thin = oneLayer(2, 2, 'tanh', [1, 2, 2, 4.02]);
    expect(relativeDet(thin.params, 2)).toBeGreaterThan(1e-3);
    expect(layerBadge(thin.spec, 0, thin.params).kind).toBe('homeomorphism');
    // Hidden layer 2 of the rings 2-2-2-1 story after its 2,000 steps (seed 1): its two rows are nearly
    // parallel (relative det ≈ −7.3e-4), so both units read almost the same direction and the plane is
    // squashed onto a curve; 500 steps in (relative det ≈ −0.09) it was still one-to-one.
    const rings = oneLayer(2, 2, 'tanh', [2.289021, 2.2785354, 2.5320032, 2.516716]);
    expect(relativeDet(rings.params, 2)).toBeGreaterThan(-1e-3);
    expect(layerBadge(rings.spec, 0, rings.params).kind).toBe('collapses');
    expect(relativeSmallestStretch(thin.params, 2)).toBeCloseTo(1.124e-3, 5);
    expect(relativeSmallestStretch(rings.params, 2)).toBeCloseTo(5.15e-4, 5);
  });

  it('a wide square W collapses only when a direction is flattened, not because det W / scale^n is small', () => {
    // 16 x 16, well conditioned (σ_min over scale about 0.3) yet det W / scale^16 far below 1e-3.
    const n = 16;
    const w = Array.from({ length: n * n }, (_, k) => {
      const i = Math.floor(k / n);
      const j = k % n;
      return (i === j ? 1 : 0) + 0.6 * Math.sin(1 + 7.3 * i + 3.1 * j * j);
    });
    const wide = oneLayer(n, n, 'tanh', w);
    const s = relativeSmallestStretch(wide.params, n);
    expect(s).toBeGreaterThan(0.01);
    expect(Math.abs(relativeDet(wide.params, n))).toBeLessThan(1e-3);
    expect(layerBadge(wide.spec, 0, wide.params).kind).toBe('homeomorphism');
    // Its first row made (almost) the second: one direction is flattened.
    for (const eps of [2e-4, 0]) {
      const flat = w.slice();
      for (let j = 0; j < n; j++) flat[j] = flat[n + j] * (1 + eps * (j % 2));
      const f = oneLayer(n, n, 'tanh', flat);
      expect(relativeSmallestStretch(f.params, n), `eps ${eps}`).toBeLessThan(1e-3);
      const b = layerBadge(f.spec, 0, f.params);
      expect(b.kind).toBe('collapses');
      expect(b.why).toMatch(/16-D space almost flat along one direction/);
    }
    // Just above the threshold in 16-D: one row moved a little further from another.
    const apart = w.slice();
    for (let j = 0; j < n; j++) apart[j] = apart[n + j] + (j === 3 ? 0.02 : 0);
    const a = oneLayer(n, n, 'tanh', apart);
    expect(relativeSmallestStretch(a.params, n)).toBeCloseTo(1.95e-3, 4);
    expect(layerBadge(a.spec, 0, a.params).kind).toBe('homeomorphism');
    // The Cholesky test agrees with the eigenvalues on both sides of any threshold.
    for (const [m, t] of [
      [a.params, 1.9e-3],
      [a.params, 2.0e-3],
      [wide.params, 0.065],
      [wide.params, 0.067],
    ] as const) {
      expect(stretchAtLeast(m, n, t), `t ${t}`).toBe(relativeSmallestStretch(m, n) >= t);
    }
    expect(stretchAtLeast(a.params, n, 1.9e-3)).toBe(true);
    expect(stretchAtLeast(a.params, n, 2.0e-3)).toBe(false);
    const lifted = oneLayer(3, 2, 'tanh', [1, 0, 0, 1, 1, 1]);
    expect(layerBadge(lifted.spec, 0, lifted.params).kind).toBe('homeomorphism');
    const rank1 = oneLayer(3, 2, 'tanh', [1, 2, 2, 4, 3, 6]);
    expect(layerBadge(rank1.spec, 0, rank1.params).kind).toBe('collapses');
    const soft = oneLayer(2, 2, 'softmax', ROTATION);
    expect(layerBadge(soft.spec, 0, soft.params).kind).toBe('collapses');
  });

  it('reads each layer’s own weights from the parameter layout', () => {
    const spec = buildSpec([2, 2, 2, 1], 'tanh', 'mse');
    // Layer 0: rotation; layer 1: singular; output: 2 → 1.
    const params = new Float32Array([...ROTATION, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0]);
    expect(layerBadges(spec, params).map((b) => b.kind)).toEqual(['homeomorphism', 'collapses', 'collapses']);
  });
});

describe('topology hints', () => {
  const spec = (sizes: number[], act = 'tanh') => buildSpec(sizes, act, 'mse');

  it('every declared topology belongs to a dataset of that dimension and its classes', () => {
    for (const [name, t] of Object.entries(TOPOLOGY)) {
      expect(DATASETS[name], name).toBeDefined();
      expect(DATASETS[name].inputSize, name).toBe(t.dims);
      expect(Math.max(t.inner, t.outer), name).toBeLessThan(DATASETS[name].classes);
      expect(t.inner, name).not.toBe(t.outer);
    }
    expect(unitsNeeded(TOPOLOGY.rings)).toBe(3);
    expect(unitsNeeded(TOPOLOGY.tori)).toBe(4);
    expect(unitsNeeded(TOPOLOGY.interval)).toBe(2);
  });

  it('the rings, circles and holes need a layer of 3 units', () => {
    for (const name of ['rings', 'circles', 'holes']) {
      expect(topologyHint(name, spec([2, 2, 2, 1]))).toBe(
        `colah: with 2 units per layer this cannot be untangled, whatever the depth (${
          name === 'rings' ? 'class 0 is enclosed by class 1' : 'class 1 is enclosed by class 0'
        } in the plane; a layer of 3 units can)`,
      );
      expect(topologyHint(name, spec([2, 2, 2, 2, 2, 2, 1], 'relu'))).toMatch(/2 units per layer/);
      expect(topologyHint(name, spec([2, 3, 2, 1]))).toBeNull();
      expect(topologyHint(name, spec([2, 2, 3, 1]))).toBeNull();
      expect(topologyHint(name, spec([2, 1]))).toMatch(/without a hidden layer/);
      expect(topologyHint(name, spec([2, 1, 2, 1]))).toMatch(/with 2 units per layer/);
      // A vector-field layer folds the plane where its field is strong: no "cannot", but how it can.
      const field = buildSpec([2, 2, 1], 'tanh', 'bce', { fields: [6, 0] });
      expect(topologyHint(name, field)).toMatch(/stays one-to-one cannot untangle this .*only by folding/);
      expect(topologyHint(name, field)).not.toMatch(/whatever the depth/);
      // A k-NN output votes by distance: the rings stay nested, yet it may classify them.
      const knn = buildSpec([2, 2, 2, 2], 'tanh', 'ce', { knn: { k: 8, epsilon: 1e-3 } });
      expect(topologyHint(name, knn)).toMatch(
        /2 units per layer this cannot be untangled.*k-NN output can still tell/,
      );
      expect(topologyHint(name, spec([2, 2, 2, 1]))).not.toMatch(/k-NN/);
      // Squashed onto a line before the wide layer: lost.
      expect(topologyHint(name, spec([2, 1, 3, 1]))).toMatch(/1-unit layer flattens the plane/);
      expect(topologyHint(name, spec([2, 2, 1, 3, 1]))).toMatch(/flattens/);
      // After a ReLU layer folds the plane a narrow layer is no longer provably fatal.
      expect(topologyHint(name, spec([2, 2, 1, 3, 1], 'relu'))).toBeNull();
    }
  });

  it('linked tori need 4 units, the interval 2; the others nothing', () => {
    expect(topologyHint('tori', spec([3, 3, 3, 1]))).toMatch(/with 3 units per layer.*linked.*4 units/);
    expect(topologyHint('tori', spec([3, 4, 1]))).toBeNull();
    expect(topologyHint('interval', spec([1, 1, 1, 1]))).toMatch(/with 1 unit per layer.*between/);
    expect(topologyHint('interval', spec([1, 2, 1]))).toBeNull();
    for (const name of ['moons', 'xor', 'spiral', 'segments', 'gauss', 'toString', 'nope']) {
      expect(topologyHint(name, spec([2, 2, 1]))).toBeNull();
    }
    // A dataset read at another input size (a CSV with the same name, say) declares nothing.
    expect(topologyHint('rings', spec([3, 2, 1]))).toBeNull();
  });
});

/** Positions (x, y, z per vertex) of a G x G grid over [lo, hi]² through f. */
function gridThrough(g: number, lo: number, hi: number, f: (x: number, y: number) => number[]) {
  const h = (hi - lo) / (g - 1);
  const pos = new Float32Array(3 * g * g);
  for (let j = 0; j < g; j++)
    for (let i = 0; i < g; i++) {
      const p = f(lo + i * h, lo + j * h);
      pos.set([p[0], p[1], p[2] ?? 0], 3 * (j * g + i));
    }
  return { pos, h, at: (v: number) => [lo + (v % g) * h, lo + Math.floor(v / g) * h] };
}

type Act = (z: number) => number;
const ACTS: Record<string, [Act, Act]> = {
  tanh: [Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
  relu: [(z) => Math.max(0, z), (z) => (z > 0 ? 1 : 0)],
  linear: [(z) => z, () => 1],
};

describe('fold map (twin)', () => {
  const W = [1.3, -0.6, 0.4, 0.9]; // det 1.41 > 0
  const b = [0.2, -0.3];
  const pre = (x: number, y: number) => [W[0] * x + W[1] * y + b[0], W[2] * x + W[3] * y + b[1]];
  const detW = W[0] * W[3] - W[1] * W[2];
  const G = 61;

  for (const name of ['tanh', 'relu', 'linear']) {
    it(`${name} 2-2: the signed ratio is det J at the vertex, within the grid's discretisation`, () => {
      const [f, df] = ACTS[name];
      const { pos, h, at } = gridThrough(G, -2, 2, (x, y) => pre(x, y).map(f));
      const map = foldMap(pos, G, h, h, 2);
      let checked = 0;
      let worst = 0;
      for (let v = 0; v < G * G; v++) {
        const [x, y] = at(v);
        const z = pre(x, y);
        // ReLU: away from its creases (the derivative jumps there).
        const margin = Math.hypot(W[0], W[1]) * h * 1.01;
        if (
          name === 'relu' &&
          (Math.abs(z[0]) < margin || Math.abs(z[1]) < Math.hypot(W[2], W[3]) * h * 1.01)
        )
          continue;
        const exact = df(z[0]) * df(z[1]) * detW;
        worst = Math.max(worst, Math.abs(map.ratio[v] - exact));
        checked++;
      }
      expect(checked).toBeGreaterThan(G * G * 0.5);
      // Central differences: error O(h²) ≈ 0.0043 here; one-sided edges O(h).
      expect(worst).toBeLessThan(name === 'tanh' ? 0.08 : 1e-5);
    });
  }

  it('a tanh 2-2 layer with det W > 0 has no folded cell; with det W < 0 every cell is', () => {
    const { pos, h } = gridThrough(G, -6, 6, (x, y) => pre(x, y).map(Math.tanh));
    const map = foldMap(pos, G, h, h, 2);
    expect(foldedShare(map)).toBe(0);
    // Unit order swapped (det W < 0): turned over wherever tanh has not flattened it to 0 in float32.
    const swapped = gridThrough(G, -2, 2, (x, y) => pre(x, y).reverse().map(Math.tanh));
    expect(foldedShare(foldMap(swapped.pos, G, swapped.h, swapped.h, 2))).toBe(1);
  });

  it('a ReLU 2-2 layer on the segments collapses exactly where it is not one-to-one', () => {
    const data = makeDataset('segments', {}, 3);
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of data.x) {
      lo = Math.min(lo, c);
      hi = Math.max(hi, c);
    }
    const g = 41;
    const { pos, h, at } = gridThrough(g, lo, hi, (x, y) => pre(x, y).map(ACTS.relu[0]));
    const map = foldMap(pos, g, h, h, 2);
    let injective = 0;
    let lost = 0;
    for (let v = 0; v < g * g; v++) {
      const [x, y] = at(v);
      // The vertex and its four neighbours on one side of both creases, or all with one unit cut to 0.
      const stencil = [
        [0, 0],
        [h, 0],
        [-h, 0],
        [0, h],
        [0, -h],
      ].map(([dx, dy]) => pre(x + dx, y + dy));
      if (stencil.every((z) => z[0] > 0 && z[1] > 0)) {
        expect(map.ratio[v]).toBeCloseTo(detW, 4);
        injective++;
      } else if (stencil.every((z) => z[0] <= 0) || stencil.every((z) => z[1] <= 0)) {
        // Many points to one: the whole neighbourhood lands on an axis (or the origin).
        expect(map.ratio[v]).toBe(0);
        lost++;
      }
    }
    expect(injective).toBeGreaterThan(50);
    expect(lost).toBeGreaterThan(50);
    // Some of the data lies where the layer collapses it.
    expect(collapsedShare(map)).toBeGreaterThan(0.1);
    expect(foldedShare(map)).toBe(0);
  });

  it('a sheet in 3-D: area scale √det(JᵀJ), folded where the normals flip', () => {
    // (x, y) → (x², y, 0): bent back on itself along x = 0.
    const g = 21;
    const { pos, h, at } = gridThrough(g, -1, 1, (x, y) => [x * x, y, 0]);
    const map = foldMap(pos, g, h, h, 3);
    for (let v = 0; v < g * g; v++) {
      const [x] = at(v);
      const i = v % g;
      const j = Math.floor(v / g);
      if (i > 0 && i < g - 1) expect(map.ratio[v]).toBeCloseTo(2 * Math.abs(x), 4);
      expect(map.folded[v], `x = ${x}`).toBe(Math.abs(x) < h / 2 && j > 0 && j < g - 1 ? 1 : 0);
    }
    // A tilted, stretched plane in 3-D: area scale |a × b|, no fold.
    const tilted = gridThrough(g, -1, 1, (x, y) => [2 * x, y, x + y]);
    const flat = foldMap(tilted.pos, g, tilted.h, tilted.h, 3);
    for (let v = 0; v < g * g; v++) expect(flat.ratio[v]).toBeCloseTo(Math.hypot(-1, -2, 2), 4);
    expect(foldedShare(flat)).toBe(0);
    // The same sheet read as a flat picture is turned over on the x < 0 side.
    const signed = foldMap(pos, g, h, h, 2);
    expect(signed.ratio[0]).toBeLessThan(0);
    expect(signed.folded[0]).toBe(1);
    expect(signed.folded[g - 1]).toBe(0);
  });

  it('colours: folded in its own hue, collapsed dark, stretched light, unchanged in between', () => {
    const c = new Float32Array(3);
    foldColor(1e-6, false, c);
    expect(Array.from(c)).toEqual(Array.from(Float32Array.from(FOLD_COLORS.collapsed)));
    foldColor(1, false, c);
    expect(c[0]).toBeCloseTo(FOLD_COLORS.unchanged[0], 5);
    foldColor(100, false, c);
    expect(Array.from(c)).toEqual(Array.from(Float32Array.from(FOLD_COLORS.stretched)));
    foldColor(-1, true, c);
    expect(c[0]).toBeGreaterThan(c[2] * 3);
    const lum = (r: number) => (foldColor(r, false, c), c[0] + c[1] + c[2]);
    expect(lum(0.01)).toBeLessThan(lum(0.5));
    expect(lum(0.5)).toBeLessThan(lum(4));
  });
});

/** n x n points evenly over [-1, 1]² (the corners included, so the box is exactly [-1, 1]²). */
function squarePoints(n: number): Float32Array {
  const p = new Float32Array(2 * n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) p.set([-1 + (2 * i) / (n - 1), -1 + (2 * j) / (n - 1)], 2 * (j * n + i));
  return p;
}

/** A network from per-layer [units, activation, weights (row-major), biases]. */
function net(layers: [number, string, number[], number[]][]) {
  const spec = {
    inputSize: 2,
    layers: layers.map(([units, activation]) => ({ units, activation, slope: 0.01 })),
    loss: 'mse',
  } as NetworkSpec;
  const params = new Float32Array(layers.flatMap(([, , w, b]) => [...w, ...b]));
  return { spec, params };
}

describe('folded share of the data’s cells', () => {
  it('the data’s cells: those of a grid over the points’ box that hold a point, with their corners', () => {
    // Two points in opposite corners of the box and one in the middle: three cells of 16 x 16.
    const grid = dataCells(Float32Array.of(-1, -1, 1, 1, 0.01, 0.01), 3);
    expect(grid.h).toEqual([2 / 16, 2 / 16]);
    expect(Array.from(grid.cells)).toEqual([0, 8 * 16 + 8, 16 * 16 - 1]);
    // Corners of the last cell: (15, 15) ... (16, 16) on the vertex lattice.
    const k = 2;
    const corner = (q: number) =>
      Array.from(grid.coords.subarray(2 * grid.corners[4 * k + q], 2 * grid.corners[4 * k + q] + 2));
    expect(corner(0)).toEqual([1 - 2 / 16, 1 - 2 / 16]);
    expect(corner(1)).toEqual([1, 1 - 2 / 16]);
    expect(corner(2)).toEqual([1 - 2 / 16, 1]);
    expect(corner(3)).toEqual([1, 1]);
    expect(grid.coords.length / 2).toBe(12);
    expect(() => dataCells(grid.coords, 1, 0)).toThrow(/fold share grid: must be a whole number ≥ 1; got 0/);
  });

  const points = squarePoints(40);
  const shares = (n: ReturnType<typeof net>) =>
    new FoldShares(n.spec, points, points.length / 2).compute(n.params);

  it('a linear or tanh 2-2 map folds nothing, a mirror (det W < 0) or a tiny W included', () => {
    for (const act of ['linear', 'tanh']) {
      for (const w of [
        [1.3, -0.6, 0.4, 0.9],
        [0.4, 0.9, 1.3, -0.6],
        [1.3e-3, -0.6e-3, 0.4e-3, 0.9e-3],
      ]) {
        const r = shares(net([[2, act, w, [0.2, -0.1]]]));
        expect(r.share, `${act} ${w}`).toEqual([0]);
      }
    }
  });

  it('each cell’s ratio is det J at its centre (tanh 2-2, within O(h²)); wider: the area scale', () => {
    const W = [1.3, -0.6, 0.4, 0.9];
    const b = [0.2, -0.1];
    const detW = W[0] * W[3] - W[1] * W[2];
    const r = shares(net([[2, 'tanh', W, b]]));
    const grid = dataCells(points, points.length / 2);
    let worst = 0;
    grid.cells.forEach((c, k) => {
      const x = grid.lo[0] + ((c % 16) + 0.5) * grid.h[0];
      const y = grid.lo[1] + (Math.floor(c / 16) + 0.5) * grid.h[1];
      const z = [W[0] * x + W[1] * y + b[0], W[2] * x + W[3] * y + b[1]];
      const exact = (1 - Math.tanh(z[0]) ** 2) * (1 - Math.tanh(z[1]) ** 2) * detW;
      worst = Math.max(worst, Math.abs(r.ratio[0][k] - exact));
    });
    // h = 1/8: the corner average's error is O(h²) ≈ 0.02 here.
    expect(worst).toBeLessThan(0.03);
    // (x, y) → (2x, y, x + y): area scale |(2, 0, 1) × (0, 1, 1)| = 3 everywhere.
    const lifted = shares(net([[3, 'linear', [2, 0, 0, 1, 1, 1], [0, 0, 0]]]));
    for (const v of lifted.ratio[0]) expect(v).toBeCloseTo(3, 4);
  });

  it('tangent planes: turned in the plane they still face the same way; flipped, they face apart', () => {
    const v = [1, 0, 0, 0, 1, 0, 0, 1, 0, -1, 0, 0, -1, 0, 0, 0, 1, 0];
    // (x̂, ŷ) against (ŷ, −x̂): the same plane turned a quarter, same side.
    expect(planeDot(v, 0, 3, 6, 9, 3)).toBe(1);
    // (x̂, ŷ) against (−x̂, ŷ): folded back.
    expect(planeDot(v, 0, 3, 12, 15, 3)).toBe(-1);
  });

  it('a layer that cuts every point to 0 collapses all the data’s cells', () => {
    const r = shares(net([[2, 'relu', [1, 0, 0, 1], [-5, -5]]]));
    expect(r.collapsed).toEqual([1]);
    expect(r.share).toEqual([1]);
  });

  it('a ReLU 2-2 layer (W = I) collapses the three quadrants it cuts, and turns nothing over', () => {
    const r = shares(net([[2, 'relu', [1, 0, 0, 1], [0, 0]]]));
    expect(r.cells).toBe(256);
    expect(r.collapsed[0]).toBe(0.75);
    expect(r.folded[0]).toBe(0);
    expect(r.share[0]).toBe(0.75);
  });

  it('|x| made of ReLUs turns the x < 0 half over in 2-D, and folds a 3-D sheet back along x = 0', () => {
    // Hidden: relu(x), relu(−x), relu(y + 2); a right-angled crease in 3-D, not a fold.
    const hidden: [number, string, number[], number[]] = [3, 'relu', [1, 0, -1, 0, 0, 1], [0, 0, 2]];
    // (2 relu(x) + relu(−x), y + 2): det 2 for x > 0, −1 for x < 0: the smaller side is turned over.
    const flat = shares(net([hidden, [2, 'linear', [2, 1, 0, 0, 0, 1], [0, 0]]]));
    expect(flat.share).toEqual([0, 0.5]);
    expect(flat.folded[1]).toBe(0.5);
    // (relu(x) + relu(−x), y, 0) = (|x|, y, 0): the sheet folds back on itself at x = 0, between the
    // two columns of cells either side of it.
    const sheet = shares(net([hidden, [3, 'linear', [1, 1, 0, 0, 0, 1, 0, 0, 0], [0, -2, 0]]]));
    expect(sheet.folded).toEqual([0, 2 / 16]);
    expect(sheet.collapsed).toEqual([0, 0]);
  });

  it('only the cells holding data count', () => {
    // Points on the x > 0 half only: the |x| map of the last test has nothing turned over there.
    const right = points.filter((_, k) => k % 2 === 1 || points[k] > 0);
    const half = Float32Array.from(
      Array.from({ length: points.length / 2 }, (_, v) => v).flatMap((v) =>
        points[2 * v] > 0 ? [points[2 * v], points[2 * v + 1]] : [],
      ),
    );
    expect(right.length).toBeGreaterThan(0);
    const n = net([
      [3, 'relu', [1, 0, -1, 0, 0, 1], [0, 0, 2]],
      [2, 'linear', [2, 1, 0, 0, 0, 1], [0, 0]],
    ]);
    const r = new FoldShares(n.spec, half, half.length / 2).compute(n.params);
    expect(r.share).toEqual([0, 0]);
  });

  it('the rings through a 12-layer, 32-wide tanh network: under 30 ms per weights read back (5–8 ms alone on 2 cores)', () => {
    const data = makeDataset('rings', {}, 5);
    // Twelve dense layers: eleven hidden of 32 units and the output.
    const spec = buildSpec([2, ...Array<number>(11).fill(32), 1], 'tanh', 'bce');
    const params = new Float32Array(paramLayout(spec).count);
    for (let i = 0; i < params.length; i++) params[i] = Math.sin(i * 12.9898) * 0.4;
    // Warm (the JIT) over ten runs, then thirty timed.
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      const start = performance.now();
      foldShares(spec, params, data.x);
      times.push(performance.now() - start);
    }
    // The fastest warm run: a busy machine slows the median (22 ms seen beside the whole suite), never the
    // fastest run.
    const ms = Math.min(...times.slice(10));
    const median = times.slice(10).sort((a, b) => a - b)[15];
    const r = foldShares(spec, params, data.x)!;
    console.log(
      `fold shares, rings (${data.x.length / 2} points, ${r.cells} cells), 12 layers x 32 tanh: ` +
        `median ${median.toFixed(2)} ms, fastest ${ms.toFixed(2)} ms`,
    );
    expect(r.share.length).toBe(12);
    expect(ms).toBeLessThan(30);
    // Badges with their shares: a ReLU network's hidden layers say how much of the data they fold.
    const relu = buildSpec([2, 3, 2, 1], 'relu', 'bce');
    const rp = new Float32Array(paramLayout(relu).count).map((_, i) => Math.cos(i * 1.7));
    const badges = layerBadgesOver(relu, rp, data.x);
    expect(badges[0].label).toMatch(/^folds \((\d+|< 1) % of the data's cells\)$/);
    expect(layerBadgesOver(relu, rp, null)[0].label).toBe('folds');
  });
});
