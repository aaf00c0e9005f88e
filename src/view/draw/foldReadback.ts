/**
 * The fold map as the vertex stage computes it, read back for the tests: the same node (foldNode.ts) over
 * the same grid buffer and display formula, one pixel per probed grid vertex in a float render target
 * (no blending, no colour conversion): (signed ratio or area scale, folded 0/1). Nothing here runs per frame.
 */
import * as THREE from 'three/webgpu';
import { float, varying, vec4 } from 'three/tsl';
import type { LayerBufferLayout } from '../../engine/types';
import { createCoefficients, type Coefficients } from '../math/coefficients';
import type { GridGeometry } from '../math/grid';
import { FoldUniforms, foldValueNode } from './foldNode';
import { DisplayUniforms, type N } from './displayNodes';
import { PixelRow } from './readback';

export interface FoldReading {
  /** Per probed vertex: signed area ratio (flat picture) or area scale (sheet). */
  ratio: number[];
  /** Per probed vertex: 1 where the shader marks it folded. */
  folded: number[];
}

/** Grid vertices `vertices` of a G x G grid through one segment's display formula and the fold node. */
export class FoldStageProbe {
  readonly segment: number;
  readonly vertices: readonly number[];
  private readonly uniforms: DisplayUniforms;
  private readonly folds = new FoldUniforms();
  private readonly row: PixelRow;

  constructor(vertices: readonly number[], segment: number, widths: number[], grid: N, g: number) {
    if (vertices.length === 0) throw new Error('fold probe: vertices must list at least one grid vertex');
    for (const v of vertices) {
      if (!(Number.isInteger(v) && v >= 0 && v < g * g)) {
        throw new Error(`fold probe: vertices must be whole numbers from 0 to ${g * g - 1}; got ${v}`);
      }
    }
    this.vertices = vertices.slice();
    this.segment = segment;
    this.uniforms = new DisplayUniforms(widths);
    this.row = new PixelRow(Float32Array.from(vertices), (vertex) => {
      const value = foldValueNode(this.uniforms, this.folds, grid, vertex, g);
      const folded: N = varying((value.folded as N).select(float(1), float(0)));
      const ratio: N = varying(value.ratio);
      return vec4(ratio, folded, 0, 1);
    });
  }

  /** The fold values for coefficients c, input spacing (h_x, h_y) and whether the picture is a 3-D sheet. */
  async read(
    renderer: THREE.WebGPURenderer,
    c: Coefficients,
    layout: LayerBufferLayout,
    spacing: { x: number; y: number },
    sheet: boolean,
  ): Promise<FoldReading> {
    this.uniforms.set(c, layout);
    (this.folds.spacing.value as THREE.Vector2).set(spacing.x, spacing.y);
    this.folds.sheet.value = sheet ? 1 : 0;
    const pixels = await this.row.read(renderer);
    const out: FoldReading = { ratio: [], folded: [] };
    for (let i = 0; i < this.vertices.length; i++) {
      out.ratio.push(pixels[4 * i]);
      out.folded.push(pixels[4 * i + 1]);
    }
    return out;
  }

  dispose(): void {
    this.row.dispose();
  }
}

/** What a fold read-back needs of the views: the renderer, the grid, its GPU buffer and the display path. */
export interface FoldProbeHost {
  main: THREE.WebGPURenderer;
  model: { grid: GridGeometry; gpu: { gridLayout: LayerBufferLayout } | null } | null;
  path: { repWidth: number[]; coefficientsAt(t: number, out: Coefficients): Coefficients } | null;
}

const probes = new WeakMap<object, FoldStageProbe>();

/**
 * The fold values the main view's vertex stage computes for grid vertices `vertices` at slider position t,
 * with the input coordinates of those vertices; null without a GPU grid (the WebGL2 path colours with the
 * twin itself). `grid` is the views' grid buffer node.
 */
export async function readFoldStage(
  host: FoldProbeHost,
  grid: N,
  t: number,
  vertices: readonly number[],
): Promise<(FoldReading & { input: number[] }) | null> {
  const model = host.model;
  const path = host.path;
  if (!model?.gpu || !path || !grid || model.grid.inputSize !== 2) return null;
  const g = model.grid.size;
  const c = path.coefficientsAt(t, createCoefficients());
  let probe = probes.get(grid);
  if (
    !probe ||
    probe.segment !== c.segment ||
    probe.vertices.length !== vertices.length ||
    probe.vertices.some((v, i) => v !== vertices[i])
  ) {
    probe?.dispose();
    const w = path.repWidth;
    const k = c.segment;
    probe = new FoldStageProbe(vertices, k, [w[k], w[k + 1], w[k + 1]], grid, g);
    probes.set(grid, probe);
  }
  const pts = model.grid.points;
  const spacing = { x: pts[2] - pts[0], y: pts[2 * g + 1] - pts[1] };
  const reading = await probe.read(host.main, c, model.gpu.gridLayout, spacing, c.dims >= 3);
  return { ...reading, input: vertices.flatMap((v) => [pts[2 * v], pts[2 * v + 1]]) };
}
