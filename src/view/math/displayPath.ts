/**
 * What the views draw at a slider position: every drawn vertex is an affine function of at most three of
 * the representations the engine writes for it,
 *
 *   position = A · a_k + B · z_{k+1} + C · a_{k+1} + c + jitter · e_y · j(v)
 *
 * (a_0 is the input, z the pre-activation, a the activation; j(v) a fixed per-point offset that spreads
 * 1-unit layers into a band). This module computes A, B, C (3 x width each), c and the jitter from the
 * slider position, the network's weights and each representation's display basis (coefficients.ts holds
 * the formula itself).
 *
 * Display bases: representation r is shown through a 3 x w_r matrix Dis_r (natural unit order):
 * up to three units, or principal components for wide layers. Small layers shown by units use the
 * permuted order of `chooseOutputOrder`, so that the path of a square layer stays invertible on screen.
 */
import type { NetworkSpec } from '../../engine/spec';
import { paramLayout, widths } from '../../engine/spec';
import { MAX_UNITS, type Coefficients } from './coefficients';
import { LinearPath, chooseOutputOrder, permuteWeights } from './linearPath';
import { PHASE_ENDS, flowAt, phaseAt, type Phase } from './phases';

/** How a representation is projected for display. */
export type RepProjection =
  | { kind: 'units'; units: number[] }
  | {
      kind: 'pca';
      vectors: Float64Array;
      dims: number;
      labels?: string[];
      /** Decision-aligned bases (decisionTracker.ts): the separating plane in display axes, where there is one. */
      boundary?: LinearBoundary | null;
    };

/** A decision boundary that is a line or plane in a representation: normal · x = level, in display axes. */
export interface LinearBoundary {
  normal: [number, number, number];
  level: number;
}

export class DisplayPath {
  readonly spec: NetworkSpec;
  /** Widths of the representations shown by the slider: input, then each layer's activation. */
  readonly repWidth: number[];
  readonly layers: number;
  /** order[r][i]: the natural unit shown as coordinate i of representation r. */
  readonly order: Int32Array[];
  /** swapped[k]: units 0 and 1 of layer k + 1 are swapped on display because det W_{k+1} < 0. */
  readonly swapped: boolean[];
  private readonly projection: RepProjection[];
  private readonly basis: Float64Array[];
  private readonly basisDims: number[];
  private readonly jitterAmp: number[];
  private params: Float32Array;
  private readonly paths: (LinearPath | null)[];
  /** Per segment and phase: the pace (see setPace), or null for an even one. */
  private readonly paces: (Float64Array | null)[];
  private readonly layout = { weight: [] as number[], bias: [] as number[] };
  // Scratch, D x D at most.
  private readonly lin = new Float64Array(MAX_UNITS * MAX_UNITS);
  private readonly disStart = new Float64Array(3 * MAX_UNITS);
  private readonly disEnd = new Float64Array(3 * MAX_UNITS);

  /** Classification draws decision boundaries; regression does not. */
  readonly classification: boolean;

  /**
   * Show every layer by its pre-activation z instead of its activation a. The pictures along the way are
   * the same moves in the same order; only where the slider's whole numbers fall changes: layer l sits at
   * the end of its bias phase (z_l), and its activation is the first move after it, so nothing jumps at a
   * layer and the strip's cells show z. See `pathPosition`.
   */
  preActivation = false;

  /** Names of the input's units where they are not plain units (x₁, x₂, r² with feature inputs); else null. */
  inputNames: readonly string[] | null = null;

  constructor(spec: NetworkSpec, classification = true) {
    this.spec = spec;
    this.classification = classification;
    this.repWidth = widths(spec);
    this.layers = spec.layers.length;
    const pl = paramLayout(spec);
    this.layout.weight = pl.weight;
    this.layout.bias = pl.bias;
    this.params = new Float32Array(pl.count);
    this.order = this.repWidth.map((w) => Int32Array.from({ length: w }, (_, i) => i));
    this.swapped = spec.layers.map(() => false);
    this.projection = this.repWidth.map((w) => ({ kind: 'units', units: defaultUnits(w) }));
    this.basis = this.repWidth.map((w) => new Float64Array(3 * w));
    this.basisDims = this.repWidth.map(() => 2);
    this.jitterAmp = this.repWidth.map(() => 0.25);
    this.paths = spec.layers.map(() => null);
    this.paces = Array.from({ length: 3 * this.layers }, () => null);
    this.rebuildBases();
  }

  /**
   * Paces phase `phase` (0 linear, 1 bias, 2 activation) of segment k: `table[i]` is the progress shown at
   * the phase's i / N (N = table.length − 1), increasing from 0 to 1, linear in between. The pictures along
   * the way are the same; only their timing changes (FramingTable.pace evens out the motion on screen).
   * null: the even pace.
   */
  setPace(k: number, phase: number, table: Float64Array | null): void {
    this.paces[3 * k + phase] = table;
  }

  /** The progress shown at progress s of phase `phase` of segment k. */
  paced(k: number, phase: number, s: number): number {
    const table = this.paces[3 * k + phase];
    if (!table) return s;
    const n = table.length - 1;
    const x = Math.min(n, Math.max(0, s * n));
    const i = Math.min(n - 1, Math.floor(x));
    return table[i] + (table[i + 1] - table[i]) * (x - i);
  }

  /** New weights: the unit orders and the layer paths follow. */
  setParams(params: ArrayLike<number>): void {
    this.params.set(params);
    for (let k = 0; k < this.layers; k++) {
      this.paths[k] = null;
      if (this.isField(k)) {
        // A vector-field layer moves every point by V(x): its units stay the input's, in the same order.
        this.order[k + 1].set(this.order[k]);
        this.swapped[k] = false;
        continue;
      }
      const m = this.repWidth[k + 1];
      const n = this.repWidth[k];
      const w = this.params.subarray(this.layout.weight[k], this.layout.weight[k] + m * n);
      const { order, swapped } = chooseOutputOrder(w, m, n, this.order[k]);
      this.order[k + 1].set(order);
      this.swapped[k] = swapped;
      this.paths[k] = null;
    }
    this.rebuildBases();
  }

  get currentParams(): Float32Array {
    return this.params;
  }

  setProjection(r: number, projection: RepProjection): void {
    this.projection[r] = projection;
    this.rebuildBasis(r);
  }

  getProjection(r: number): RepProjection {
    return this.projection[r];
  }

  /** Half-height of the band a 1-unit representation's points spread over. */
  setJitter(r: number, amplitude: number): void {
    this.jitterAmp[r] = amplitude;
  }

  /** Display dimensions of representation r: 1, 2 or 3. */
  dims(r: number): number {
    return this.basisDims[r];
  }

  /** Dimensions on display at slider position t (the larger side mid-way). */
  dimsAt(t: number): number {
    const { k, u } = this.phaseOf(t);
    if (u <= 0) return this.basisDims[k];
    if (u >= 1 || (this.preActivation && u > PHASE_ENDS.linear)) return this.basisDims[k + 1];
    return Math.max(this.basisDims[k], this.basisDims[k + 1]);
  }

  /** Display basis of representation r (3 x w_r, natural unit order). */
  displayBasis(r: number): Float64Array {
    return this.basis[r];
  }

  /** Names of the display axes of representation r. */
  axisLabels(r: number): string[] {
    const p = this.projection[r];
    const dims = this.basisDims[r];
    if (p.kind === 'pca') return p.labels ?? Array.from({ length: dims }, (_, i) => `PC${i + 1}`);
    const units = this.shownUnits(r);
    const names = r === 0 ? this.inputNames : null;
    return units.map((u) => names?.[u] ?? `unit ${u + 1}`);
  }

  /** The natural units on the display axes of representation r (units projection). */
  shownUnits(r: number): number[] {
    const p = this.projection[r];
    if (p.kind === 'pca') return [];
    if (this.repWidth[r] <= 3) return Array.from(this.order[r]);
    return p.units;
  }

  /** Layer k + 1 (segment k) is a vector-field layer. */
  isField(k: number): boolean {
    return this.spec.layers[k]?.field !== undefined;
  }

  /** The phase and the progress inside it at local parameter u of segment k (the flow of a field layer). */
  phaseIn(k: number, u: number): { phase: Phase; s: number } {
    return this.isField(k) ? flowAt(u, this.preActivation) : phaseAt(u);
  }

  /** The linear path of segment k (built on demand from the current weights). */
  linearPath(k: number): LinearPath {
    let path = this.paths[k];
    if (!path) {
      const m = this.repWidth[k + 1];
      const n = this.repWidth[k];
      const w = this.params.subarray(this.layout.weight[k], this.layout.weight[k] + m * n);
      path = new LinearPath(permuteWeights(w, m, n, this.order[k + 1], this.order[k]), m, n);
      this.paths[k] = path;
    }
    return path;
  }

  /**
   * The slider position t as a position on the path of moves (whose whole numbers are the activations).
   * Off: t itself. Pre-activation on: layer l (t = l) is the end of segment l − 1's bias phase, so the
   * activation of layer l is played from t = l on; the first segment (no activation before it) is
   * stretched over [0, 1]. Continuous and increasing, so the picture never jumps.
   */
  pathPosition(t: number): number {
    const x = Math.min(this.layers, Math.max(0, t));
    if (!this.preActivation) return x;
    const held = 1 - PHASE_ENDS.bias;
    return x <= 1 ? x * PHASE_ENDS.bias : x - held;
  }

  /** Segment and local parameter on the path of moves at slider position t (pathPosition, then locate). */
  phaseOf(t: number): { k: number; u: number } {
    return this.locate(this.pathPosition(t));
  }

  /** Segment and local parameter of a path position t in [0, L]. */
  locate(t: number): { k: number; u: number } {
    const x = Math.min(this.layers, Math.max(0, t));
    const k = Math.min(this.layers - 1, Math.floor(x));
    return { k, u: x - k };
  }

  /** Fills `out` for slider position t in [0, L]. */
  coefficientsAt(t: number, out: Coefficients): Coefficients {
    return this.coefficientsOnPath(this.pathPosition(t), out);
  }

  /** Fills `out` for a position on the path of moves (the slider position when pre-activation is off). */
  coefficientsOnPath(t: number, out: Coefficients): Coefficients {
    const { k, u } = this.locate(t);
    return this.coefficientsInSegment(k, u, out);
  }

  /** Fills `out` for segment k at local parameter u in [0, 1]. */
  coefficientsInSegment(k: number, u: number, out: Coefficients): Coefficients {
    if (this.isField(k)) return this.flowCoefficients(k, u, out);
    const at = phaseAt(u);
    const phase = at.phase;
    const s = this.paced(k, phase === 'linear' ? 0 : phase === 'bias' ? 1 : 2, at.s);
    const m = this.repWidth[k + 1];
    const [A, B, C] = this.startSegment(out, k, phase, s, m);
    out.dims =
      u <= 0
        ? this.basisDims[k]
        : u >= 1 || (this.preActivation && phase !== 'linear')
          ? this.basisDims[k + 1]
          : Math.max(this.basisDims[k], this.basisDims[k + 1]);
    const disOut = this.basis[k + 1];
    if (phase === 'linear') {
      this.linearCoefficients(k, s, A);
      out.jitter = (1 - s) * this.jitterAmp[k] * (this.basisDims[k] === 1 ? 1 : 0);
      out.jitter += s * this.jitterAmp[k + 1] * (this.basisDims[k + 1] === 1 ? 1 : 0);
      return out;
    }
    out.jitter = this.basisDims[k + 1] === 1 ? this.jitterAmp[k + 1] : 0;
    if (phase === 'bias') {
      // Dis (W a + s b) = Dis (z − (1 − s) b): the pre-activation the engine wrote, less part of the bias.
      const bias = this.layout.bias[k];
      for (let r = 0; r < 3; r++) {
        let sum = 0;
        for (let j = 0; j < m; j++) {
          B[r * m + j] = disOut[r * m + j];
          sum += disOut[r * m + j] * this.params[bias + j];
        }
        out.offset[r] = -(1 - s) * sum;
      }
      return out;
    }
    for (let r = 0; r < 3; r++) {
      for (let j = 0; j < m; j++) {
        B[r * m + j] = (1 - s) * disOut[r * m + j];
        C[r * m + j] = s * disOut[r * m + j];
      }
    }
    return out;
  }

  /**
   * Starts `out` on segment k: its phase and progress, its sources (the input a_k, then the layer's z_{k+1}
   * and a_{k+1}, `outWidth` wide) and every matrix and offset at 0; returns the matrices A, B, C.
   */
  private startSegment(
    out: Coefficients,
    k: number,
    phase: Coefficients['phase'],
    s: number,
    outWidth: number,
  ): Coefficients['matrix'] {
    out.segment = k;
    out.phase = phase;
    out.s = s;
    out.source[0] = 2 * k;
    out.source[1] = 2 * k + 1;
    out.source[2] = 2 * k + 2;
    out.width[0] = this.repWidth[k];
    out.width[1] = outWidth;
    out.width[2] = outWidth;
    for (const matrix of out.matrix) matrix.fill(0);
    out.offset.fill(0);
    return out.matrix;
  }

  /**
   * A vector-field layer's segment: the plane flows along the field in a straight line per point,
   * x + s·V(x) = (1 − s)·x + s·f(x) with V(x) = f(x) − x = Σᵢ vᵢ gᵢ(x), so the picture is
   * (1 − s) Dis_k a_k + s Dis_{k+1} a_{k+1}: affine in what the engine wrote, exactly the layer at s = 1
   * and continuous in s (docs/views.md, "The vector-field layer on the slider").
   */
  private flowCoefficients(k: number, u: number, out: Coefficients): Coefficients {
    const { s } = flowAt(u, this.preActivation);
    const n = this.repWidth[k];
    const [A, , C] = this.startSegment(out, k, 'flow', s, n);
    out.dims =
      s <= 0 && u <= 0
        ? this.basisDims[k]
        : u >= 1 || s >= 1
          ? this.basisDims[k + 1]
          : Math.max(this.basisDims[k], this.basisDims[k + 1]);
    const disIn = this.basis[k];
    const disOut = this.basis[k + 1];
    for (let i = 0; i < 3 * n; i++) {
      A[i] = (1 - s) * disIn[i];
      C[i] = s * disOut[i];
    }
    out.jitter = (1 - s) * this.jitterAmp[k] * (this.basisDims[k] === 1 ? 1 : 0);
    out.jitter += s * this.jitterAmp[k + 1] * (this.basisDims[k + 1] === 1 ? 1 : 0);
    return out;
  }

  /**
   * A(s) = Dis_mid(s) · L(s) · Emb · Π_in  (3 x n), with Dis_mid(s) = (1 − s) Dis_start + s Dis_end the
   * display of the D-dimensional intermediate space (module comment of linearPath.ts).
   */
  private linearCoefficients(k: number, s: number, A: Float32Array): void {
    const n = this.repWidth[k];
    const m = this.repWidth[k + 1];
    if (n > 3 && m < n) {
      this.narrowingCoefficients(k, s, A);
      return;
    }
    const path = this.linearPath(k);
    const size = path.size;
    const L = path.at(s, this.lin);
    const disIn = this.basis[k];
    const disOut = this.basis[k + 1];
    const orderIn = this.order[k];
    const orderOut = this.order[k + 1];
    const start = this.disStart;
    const end = this.disEnd;
    for (let r = 0; r < 3; r++) {
      for (let i = 0; i < size; i++) {
        start[r * size + i] = i < n ? disIn[r * n + orderIn[i]] : NaN;
        end[r * size + i] = i < m ? disOut[r * m + orderOut[i]] : NaN;
      }
      // Coordinates one side lacks are zero there, so any display works; borrowing the other side's
      // keeps a units-to-units display exactly the identity.
      for (let i = 0; i < size; i++) {
        if (Number.isNaN(start[r * size + i])) start[r * size + i] = end[r * size + i];
        if (Number.isNaN(end[r * size + i])) end[r * size + i] = start[r * size + i];
      }
    }
    for (let r = 0; r < 3; r++) {
      for (let i = 0; i < n; i++) {
        // Column i of L · Emb is column i of L; Π_in sends it to natural unit orderIn[i].
        let sum = 0;
        for (let q = 0; q < size; q++) {
          const dis = (1 - s) * start[r * size + q] + s * end[r * size + q];
          sum += dis * L[q * size + i];
        }
        A[r * n + orderIn[i]] = sum;
      }
    }
  }

  /**
   * A wide layer narrowing to a smaller one (n > 3, m < n): no invertible path exists, and a rotation in
   * the n-dimensional space seen through a 3-D projection swings the picture through directions neither
   * end shows. The straight path between the two pictures instead, A(s) = (1 − s) Dis_k + s Dis_{k+1} W:
   * every point moves along a line from where it is shown in layer k to where W puts it.
   */
  private narrowingCoefficients(k: number, s: number, A: Float32Array): void {
    const n = this.repWidth[k];
    const m = this.repWidth[k + 1];
    const disIn = this.basis[k];
    const disOut = this.basis[k + 1];
    const w = this.layout.weight[k];
    for (let r = 0; r < 3; r++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let i = 0; i < m; i++) sum += disOut[r * m + i] * this.params[w + i * n + j];
        A[r * n + j] = (1 - s) * disIn[r * n + j] + s * sum;
      }
    }
  }

  /**
   * The decision boundary in representation r when it is linear there: r = L − 1, a single output unit
   * whose activation is monotone, threshold ½ on the output. Display axes; null otherwise (or for PCA).
   */
  linearBoundary(r: number): LinearBoundary | null {
    const out = this.spec.layers[this.layers - 1];
    // A k-NN output has no boundary of its own units: its regions are drawn on the surface instead.
    if (this.spec.knn) return null;
    if (this.preActivation) {
      // Layers shown by z: the output's threshold is f⁻¹(½) on its one axis; a hidden layer's boundary
      // was found in a, which z is not (the activation bends it).
      if (r !== this.layers || out.units !== 1 || !this.classification) return null;
      const level = inverseActivation(out.activation, out.slope, 0.5);
      return level === null ? null : { normal: [1, 0, 0], level };
    }
    const projection = this.projection[r];
    if (projection?.kind === 'pca' && projection.boundary && this.classification) return projection.boundary;
    if (r === this.layers && out.units === 1 && this.classification) {
      // The output itself: the threshold ½ on its one axis.
      return { normal: [1, 0, 0], level: 0.5 };
    }
    if (r !== this.layers - 1 || !this.classification) return null;
    if (out.units !== 1 || out.activation === 'softmax') return null;
    if (this.projection[r].kind !== 'units' || this.repWidth[r] > 3) return null;
    const level = inverseActivation(out.activation, out.slope, 0.5);
    if (level === null) return null;
    const n = this.repWidth[r];
    const wOff = this.layout.weight[this.layers - 1];
    const normal: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < n; i++) normal[i] = this.params[wOff + this.order[r][i]];
    return { normal, level: level - this.params[this.layout.bias[this.layers - 1]] };
  }

  private rebuildBases(): void {
    for (let r = 0; r < this.repWidth.length; r++) this.rebuildBasis(r);
  }

  private rebuildBasis(r: number): void {
    const w = this.repWidth[r];
    const basis = this.basis[r];
    basis.fill(0);
    const p = this.projection[r];
    if (p.kind === 'pca') {
      const dims = Math.min(3, p.dims);
      for (let i = 0; i < dims; i++) for (let j = 0; j < w; j++) basis[i * w + j] = p.vectors[i * w + j];
      this.basisDims[r] = dims;
      return;
    }
    const units = w <= 3 ? Array.from(this.order[r]) : p.units.slice(0, 3);
    units.forEach((unit, i) => (basis[i * w + unit] = 1));
    this.basisDims[r] = units.length;
  }
}

function defaultUnits(w: number): number[] {
  return Array.from({ length: Math.min(3, w) }, (_, i) => i);
}

/** z with f(z) = y for a monotone activation, or null where y is outside its range. */
export function inverseActivation(activation: string, slope: number, y: number): number | null {
  switch (activation) {
    case 'sigmoid':
      return y > 0 && y < 1 ? Math.log(y / (1 - y)) : null;
    case 'tanh':
      return Math.abs(y) < 1 ? Math.atanh(y) : null;
    case 'linear':
      return y;
    case 'relu':
      return y > 0 ? y : null;
    case 'leaky_relu':
      return y >= 0 ? y : slope > 0 ? y / slope : null;
    case 'softplus':
      return y > 0 ? Math.log(Math.expm1(y)) : null;
    default:
      return null;
  }
}
