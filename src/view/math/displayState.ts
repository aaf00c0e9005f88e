/**
 * Where the views draw, on the CPU and without any renderer: the display path of a network, a few hundred
 * probes (a subsample of the points and a coarse lattice of the grid) pushed through it, the projections
 * of wide layers chosen from them (decision-aligned, principal components or picked units), and the main
 * camera's framing table. The views draw with it; tests sweep the slider with it in Node, exactly as the
 * app frames the picture.
 */
import type { NetworkSpec } from '../../engine/spec';
import { paramLayout } from '../../engine/spec';
import type { LayerBufferLayout } from '../../engine/types';
import { DecisionTracker } from './decisionTracker';
import { DisplayPath, inverseActivation } from './displayPath';
import { createCoefficients, evaluate, type Coefficients } from './coefficients';
import { clampToData, FramingTable } from './framingTable';
import { forwardInto, layerLayout } from './forward';
import { gridInputs, probeVertices, type GridGeometry } from './grid';
import { PcaTracker } from './pcaTracker';
import { setBox, type Box } from './cameraFit';

/** Wide layers: decision-aligned (default), principal components, or picked units. */
export type ProjectionMode = 'units' | 'pca' | 'decision';

/** What the display state needs of the data on screen. */
export interface DisplayData {
  spec: NetworkSpec;
  grid: GridGeometry;
  pointCount: number;
  /** Input coordinates (inputSize each) and info (class, test, jitter, 0) per point. */
  pointCoords: Float32Array;
  pointInfo: Float32Array;
  /** The target (regression) or class index per point. */
  pointValues: Float32Array;
  classes: number;
  /** Names of the input's units (feature inputs: x₁, x₂, r²…); absent: plain units. */
  inputNames?: readonly string[] | null;
}

/** How wide layers are projected (the views' settings). */
export interface ProjectionSettings {
  mode: ProjectionMode;
  wideDims: number;
  /** Units chosen per wide representation in 'units' mode. */
  unitPicks: ReadonlyMap<number, number[]>;
}

/** Points among the probes (at most). */
export const PROBE_POINTS = 400;
/** Grid lattice of the probes: this many vertices per side. */
export const PROBE_GRID = 9;

/** |a − b| / |a| (Euclidean). */
function relativeChange(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += a[i] ** 2;
  }
  return Math.sqrt(d / Math.max(n, 1e-30));
}

export class DisplayState {
  readonly data: DisplayData;
  readonly path: DisplayPath;
  readonly framing: FramingTable;
  /** Display dimensions of each representation (the camera's wanted orientation). */
  readonly repDims: number[];
  readonly probeCount: number;
  readonly pointProbeCount: number;
  readonly probeCoords: Float32Array;
  readonly probeLayout: LayerBufferLayout;
  readonly probeData: Float32Array;
  private readonly probeLabels: Float64Array;
  private readonly probePredictions: Float64Array;
  private readonly probePos: Float32Array;
  private readonly pcas: (PcaTracker | null)[];
  private readonly decisions: (DecisionTracker | null)[];
  private lastParams = new Float32Array(0);
  private readonly stride: number;

  constructor(data: DisplayData) {
    this.data = data;
    const spec = data.spec;
    const path = new DisplayPath(spec, data.classes > 0);
    path.inputNames = data.inputNames ?? null;
    this.path = path;
    this.pcas = path.repWidth.map((w) => (w > 3 ? new PcaTracker(w) : null));
    this.decisions = path.repWidth.map((w) => (w > 3 ? new DecisionTracker(w) : null));
    // Probes: a subsample of the points plus a coarse lattice of the grid, for framing and projections.
    const stride = Math.max(1, Math.floor(data.pointCount / PROBE_POINTS));
    this.stride = stride;
    const pointProbes = Math.ceil(data.pointCount / stride);
    const gridIndices = probeVertices(data.grid, PROBE_GRID);
    const inSize = spec.inputSize;
    this.probeCount = pointProbes + gridIndices.length;
    this.pointProbeCount = pointProbes;
    this.probeCoords = new Float32Array(this.probeCount * inSize);
    for (let i = 0; i < pointProbes; i++) {
      for (let c = 0; c < inSize; c++)
        this.probeCoords[i * inSize + c] = data.pointCoords[i * stride * inSize + c];
    }
    const inputs = gridInputs(data.grid);
    gridIndices.forEach((g, i) => {
      for (let c = 0; c < inSize; c++)
        this.probeCoords[(pointProbes + i) * inSize + c] = inputs[g * inSize + c];
    });
    this.probeLabels = new Float64Array(pointProbes);
    for (let i = 0; i < pointProbes; i++) this.probeLabels[i] = data.pointValues[i * stride];
    this.probePredictions = new Float64Array(pointProbes);
    this.framing = new FramingTable(spec.layers.length);
    this.framing.pointCount = data.pointCount > 0 ? pointProbes : 0;
    this.repDims = path.repWidth.map(() => 2);
    this.probeLayout = layerLayout(spec, this.probeCount);
    this.probeData = new Float32Array(this.probeLayout.totalFloats);
    this.probePos = new Float32Array(this.probeCount * 3);
  }

  private readonly scratch = createCoefficients();
  private measuredCache: {
    count: number;
    weights: Float32Array;
    layout: LayerBufferLayout;
    data: Float32Array;
  } | null = null;

  /** Grid vertices 0, s, 2s, ... through the network with `weights` (kept while the weights stay). */
  private measured(count: number, weights: Float32Array): { layout: LayerBufferLayout; data: Float32Array } {
    const cache = this.measuredCache;
    if (
      cache &&
      cache.count === count &&
      cache.weights.length === weights.length &&
      cache.weights.every((w, i) => w === weights[i])
    ) {
      return cache;
    }
    const { grid, spec } = this.data;
    const stride = Math.max(1, Math.floor(grid.count / count));
    const inSize = spec.inputSize;
    const coords = new Float32Array(count * inSize);
    const inputs = gridInputs(grid);
    for (let i = 0; i < count; i++) {
      const v = Math.min(grid.count - 1, i * stride);
      for (let c = 0; c < inSize; c++) coords[i * inSize + c] = inputs[v * inSize + c];
    }
    const layout = layerLayout(spec, count);
    const data = new Float32Array(layout.totalFloats);
    forwardInto(spec, weights, coords, count, layout, data);
    this.measuredCache = { count, weights: Float32Array.from(weights), layout, data };
    return this.measuredCache;
  }

  /** The jitter of probe v (points spread 1-unit layers into a band; grid vertices do not). */
  jitterOf(v: number): number {
    return v < this.pointProbeCount ? this.data.pointInfo[4 * v * this.stride + 2] : 0;
  }

  /** New weights: the path, the probes' representations, the projections and the framing follow. */
  setParams(params: Float32Array, projection: ProjectionSettings): void {
    // Weights that jump (an import, a restored snapshot, a new start) start the framing afresh; training
    // moves them a little at a time, and the framing follows smoothly.
    if (this.lastParams.length !== params.length || relativeChange(this.lastParams, params) > 0.25) {
      this.framing.clear();
      this.lastParams = Float32Array.from(params);
    } else this.lastParams.set(params);
    this.path.setParams(params);
    const { spec } = this.data;
    forwardInto(spec, params, this.probeCoords, this.probeCount, this.probeLayout, this.probeData);
    this.predict();
    this.updateProjections(projection);
  }

  /** Pre-activations on or off (DisplayPath.preActivation): the framing is taken afresh. */
  setPreActivation(on: boolean, projection: ProjectionSettings): boolean {
    if (this.path.preActivation === on) return false;
    this.path.preActivation = on;
    this.framing.clear();
    this.updateProjections(projection);
    return true;
  }

  /** The network's predicted class of every point probe (classification only). */
  private predict(): void {
    const { spec, classes } = this.data;
    if (classes < 2) return;
    const layout = this.probeLayout;
    const L = spec.layers.length;
    const units = spec.layers[L - 1].units;
    const base = layout.offset[2 * L];
    for (let v = 0; v < this.pointProbeCount; v++) {
      if (units === 1) {
        this.probePredictions[v] = this.probeData[base + v] >= 0.5 ? 1 : 0;
        continue;
      }
      let best = 0;
      for (let c = 1; c < units; c++)
        if (this.probeData[base + v * units + c] > this.probeData[base + v * units + best]) best = c;
      this.probePredictions[v] = best;
    }
  }

  /** Re-applies projection settings (units / PCA / decision) to every wide representation. */
  updateProjections(projection: ProjectionSettings): void {
    const path = this.path;
    const layout = this.probeLayout;
    const { classes } = this.data;
    const knn = path.spec.knn !== undefined;
    for (let r = 0; r < path.repWidth.length; r++) {
      const w = path.repWidth[r];
      const rep = 2 * r;
      if (w === 1) {
        // 1-unit layers: a band a quarter of the values' spread high.
        let lo = Infinity;
        let hi = -Infinity;
        for (let v = 0; v < this.pointProbeCount; v++) {
          const x = this.probeData[layout.offset[rep] + v];
          if (x < lo) lo = x;
          if (x > hi) hi = x;
        }
        path.setJitter(r, Math.max(1e-3, 0.25 * (hi - lo)));
      }
      const pca = this.pcas[r];
      if (!pca) continue;
      if (projection.mode === 'decision') {
        const d = this.decisions[r]!;
        d.update({
          data: this.probeData,
          offset: layout.offset[rep],
          count: this.pointProbeCount,
          labels: this.probeLabels,
          classes,
          // A k-NN output's last layer is a representation, not a classifier's units: labels alone.
          predictions: classes === 2 && !knn ? this.probePredictions : null,
          output: r === path.layers - 1 && !knn ? this.outputLayer(w) : null,
        });
        path.setProjection(r, {
          kind: 'pca',
          vectors: d.vectors,
          dims: projection.wideDims,
          labels: d.labels,
          boundary: d.boundary,
        });
      } else if (projection.mode === 'pca') {
        pca.update(this.probeData, layout.offset[rep], this.pointProbeCount, w);
        path.setProjection(r, { kind: 'pca', vectors: pca.vectors, dims: projection.wideDims });
      } else {
        const units = (projection.unitPicks.get(r) ?? [0, 1, 2])
          .slice(0, projection.wideDims)
          .map((u) => Math.min(u, w - 1));
        path.setProjection(r, { kind: 'units', units });
      }
    }
    for (let r = 0; r < path.repWidth.length; r++) this.repDims[r] = path.dims(r);
    this.framing.update(path, layout, this.probeData, this.probeCount, (v) => this.jitterOf(v));
  }

  /** The output layer's weights as the decision projection reads them (last hidden layer of width w). */
  private outputLayer(w: number): {
    weights: Float32Array;
    bias: Float32Array;
    units: number;
    level: number;
  } {
    const spec = this.data.spec;
    const L = spec.layers.length;
    const out = spec.layers[L - 1];
    const pl = paramLayout(spec);
    const params = this.path.currentParams;
    return {
      weights: params.subarray(pl.weight[L - 1], pl.weight[L - 1] + out.units * w),
      bias: params.subarray(pl.bias[L - 1], pl.bias[L - 1] + out.units),
      units: out.units,
      level: inverseActivation(out.activation, out.slope, 0.5) ?? 0,
    };
  }

  /**
   * The box a strip cell frames through coefficients c: the data's points, and the grid only as far as
   * it reaches near them (clampToData), as the main camera frames.
   */
  probeBox<B extends Box>(c: Coefficients, box: B): B {
    const p = this.probePos;
    for (let v = 0; v < this.probeCount; v++) {
      evaluate(c, this.probeLayout, this.probeData, v, this.jitterOf(v), p, 3 * v);
    }
    clampToData(p, this.probeCount, this.framing.pointCount);
    let [x0, y0, z0, x1, y1, z1] = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
    for (let v = 0; v < this.probeCount; v++) {
      const [x, y, z] = [p[3 * v], p[3 * v + 1], p[3 * v + 2]];
      if (!Number.isFinite(x + y + z)) continue;
      [x0, y0, z0] = [Math.min(x0, x), Math.min(y0, y), Math.min(z0, z)];
      [x1, y1, z1] = [Math.max(x1, x), Math.max(y1, y), Math.max(z1, z)];
    }
    return setBox(box, x0, y0, z0, x1, y1, z1);
  }

  /**
   * The main view's width over height: the phases are paced in its units from the next update on
   * (FramingTable.aspect).
   */
  setAspect(aspect: number): void {
    if (!(Number.isFinite(aspect) && aspect > 0)) return;
    // Another shape of view paces the phases anew: the smoothed probes of the old paces would lag the
    // path, so the next update is taken whole.
    if (Math.abs(Math.log(aspect / this.framing.aspect)) > 0.02) this.framing.clear();
    this.framing.aspect = aspect;
  }

  /**
   * Grid vertices 0, s, 2s, ... (s = grid / count) at slider position t by the CPU formula from `weights`:
   * x, y, z each (what the vertex stage computes for the same vertices).
   */
  gridPositions(t: number, count: number, weights: Float32Array): number[] {
    const { layout, data } = this.measured(count, weights);
    const c = this.path.coefficientsAt(t, this.scratch);
    const pos = new Float32Array(3);
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      evaluate(c, layout, data, i, 0, pos, 0);
      out.push(pos[0], pos[1], pos[2]);
    }
    return out;
  }
}
