/**
 * What tests and tours read back from the views: what the main view's vertex stage computes (drawn as
 * one pixel per vertex into a float target), which points the point shader marks as misclassified, and
 * the main camera with where grid vertices land on screen at a slider position. On the CPU path, the
 * positions and flags the CPU draws with.
 */
import * as THREE from 'three/webgpu';
import { VertexStageProbe, readShaderMarks } from './draw/readback';
import type { LayerDrawer } from './layerDrawer';
import { type DisplayPath } from './math/displayPath';
import { createCoefficients, evaluate } from './math/coefficients';
import type { MistakeCount, MistakeTracker } from './math/mistakeTracker';
import type { ViewModel } from './viewModel';

/** What the main view draws at one slider position (see Views.probe). */
export interface ViewProbe {
  t: number;
  camera: { position: number[]; quaternion: number[]; fov: number; aspect: number };
  viewProjection: number[];
  viewport: { left: number; top: number; width: number; height: number };
  /** x, y client pixels per probe point. */
  points: number[];
  dims: number;
  /** Misclassified points on display (CPU, from the latest weights read back). */
  mistakes: MistakeCount;
  /** The points the shader marks, read back from it after `checkMarks()` (null until then). */
  marked: number[] | null;
}

/** What a read-back needs of the views. */
export interface ReadbackHost {
  readonly main: THREE.WebGPURenderer;
  readonly mistakes: MistakeCount;
  mainCamera(t: number): THREE.PerspectiveCamera;
  /** Where everything is drawn, on the CPU (null before build). */
  readonly state: { gridPositions(t: number, count: number, weights: Float32Array): number[] } | null;
}

export class ViewReadback {
  private readonly host: ReadbackHost;
  private drawn: {
    model: ViewModel;
    path: DisplayPath;
    drawer: LayerDrawer;
    tracker: MistakeTracker | null;
  } | null = null;
  private gpuProbe: VertexStageProbe | null = null;
  private marked: number[] | null = null;
  private readonly scratch = createCoefficients();
  private readonly vec = new THREE.Vector3();

  constructor(host: ReadbackHost) {
    this.host = host;
  }

  /** What is drawn now (a new network, grid or points). */
  attach(model: ViewModel, path: DisplayPath, drawer: LayerDrawer, tracker: MistakeTracker | null): void {
    this.clear();
    this.drawn = { model, path, drawer, tracker };
  }

  /** Reads back which points the shader marks as misclassified; see probe().marked. */
  checkMarks(): void {
    this.marked = null;
    void this.readMarks().then((m) => (this.marked = m));
  }

  /**
   * The indices of the points the point shader marks as misclassified: on WebGPU the shader's own rule
   * drawn as one pixel per point into a float target and read back; on the CPU path the flags it draws.
   */
  async readMarks(): Promise<number[]> {
    const drawn = this.drawn;
    if (!drawn?.tracker) return [];
    const { model, drawer, tracker } = drawn;
    if (!drawer.gpu) {
      const out: number[] = [];
      tracker.flags.forEach((f, i) => f > 0.5 && out.push(i));
      return out;
    }
    return readShaderMarks(this.host.main, {
      points: drawer.gpu.points,
      outputOffset: drawer.gpu.pointOutputOffset,
      count: model.pointCount,
      labels: model.pointValues,
      units: model.spec.layers[model.spec.layers.length - 1].units,
    });
  }

  /**
   * What the main view's vertex stage computes for grid vertices 0, s, 2s, ... (s = grid / count) at
   * slider position t: the same display formula and uniforms, drawn as one pixel per vertex into a float
   * render target and read back. On the CPU path, the positions the CPU computes for drawing.
   */
  async readPositions(t: number, count: number): Promise<number[]> {
    const drawn = this.drawn;
    if (!drawn) return [];
    const { model, path, drawer } = drawn;
    const stride = Math.max(1, Math.floor(model.grid.count / count));
    const c = path.coefficientsAt(t, this.scratch);
    const out: number[] = [];
    if (!model.gpu) {
      const pos = new Float32Array(3);
      for (let i = 0; i < count; i++) {
        const v = Math.min(model.grid.count - 1, i * stride);
        evaluate(c, drawer.gridLayout, drawer.gridData, v, 0, pos, 0);
        out.push(pos[0], pos[1], pos[2]);
      }
      return out;
    }
    let probe = this.gpuProbe;
    if (!probe || probe.count !== count || probe.segment !== c.segment) {
      probe?.dispose();
      const w = path.repWidth;
      const k = c.segment;
      const widths = [w[k], w[k + 1], w[k + 1]];
      probe = new VertexStageProbe(count, stride, model.grid.count, k, widths, drawer.gridStorage);
      this.gpuProbe = probe;
    }
    return probe.read(this.host.main, c, model.gpu.gridLayout);
  }

  /**
   * For tests: the main camera at slider position t and where `count` grid vertices (those of
   * readPositions) are drawn, in client pixels, by the display formula from `weights`. `viewProjection`
   * (column-major) lets a test project positions read back from the vertex stage the same way.
   */
  probe(count: number, t: number, weights: Float32Array): ViewProbe | null {
    const path = this.drawn?.path;
    if (!path) return null;
    const host = this.host;
    const positions = host.state?.gridPositions(t, count, weights) ?? [];
    const camera = host.mainCamera(t);
    const rect = host.main.domElement.getBoundingClientRect();
    const points: number[] = [];
    for (let i = 0; i < positions.length; i += 3) {
      this.vec.set(positions[i], positions[i + 1], positions[i + 2]).project(camera);
      points.push(
        rect.left + ((this.vec.x + 1) / 2) * rect.width,
        rect.top + ((1 - this.vec.y) / 2) * rect.height,
      );
    }
    const viewProjection = new THREE.Matrix4().multiplyMatrices(
      camera.projectionMatrix,
      camera.matrixWorldInverse,
    );
    return {
      t,
      camera: {
        position: camera.position.toArray(),
        quaternion: camera.quaternion.toArray() as number[],
        fov: camera.fov,
        aspect: camera.aspect,
      },
      viewProjection: viewProjection.toArray(),
      viewport: { left: rect.left, top: rect.top, width: rect.width, height: rect.height },
      points,
      dims: path.dimsAt(t),
      mistakes: { ...host.mistakes },
      marked: this.marked,
    };
  }

  /** Nothing drawn (the scenes are rebuilt or disposed): the GPU probe goes, the marks are forgotten. */
  clear(): void {
    this.gpuProbe?.dispose();
    this.gpuProbe = null;
    this.marked = null;
    this.drawn = null;
  }
}
