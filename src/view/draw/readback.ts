/**
 * What the shaders compute, read back for the tests: each draws one pixel per vertex or point into a
 * float render target (no blending, no colour conversion) with the very nodes the views draw with, and
 * reads the target back. Used only when a test asks; nothing here runs per frame.
 */
import * as THREE from 'three/webgpu';
import { attribute, float, uint, varying, vec4, vertexIndex } from 'three/tsl';
import type { LayerBufferLayout } from '../../engine/types';
import type { Coefficients } from '../math/coefficients';
import { mistakeNode } from './mistakeNode';
import { DisplayUniforms, displayPosition, type N } from './displayNodes';

/** Clip space as it is: the read-back scenes place their pixels themselves. */
const IDENTITY_CAMERA = new THREE.OrthographicCamera(-1, 1, 1, -1, -1, 1);

/** A float target's material: the fragment output goes in unblended. */
function rawPoints(): THREE.PointsNodeMaterial {
  return new THREE.PointsNodeMaterial({ transparent: false, blending: THREE.NoBlending, depthTest: false });
}

/** Renders `scene` into `target` and reads its first `width` x `rows` pixels back. */
async function renderAndRead(
  renderer: THREE.WebGPURenderer,
  scene: THREE.Scene,
  target: THREE.RenderTarget,
  width: number,
  rows: number,
): Promise<Float32Array> {
  renderer.setRenderTarget(target);
  renderer.render(scene, IDENTITY_CAMERA);
  renderer.setRenderTarget(null);
  return (await renderer.readRenderTargetPixelsAsync(target, 0, 0, width, rows)) as Float32Array;
}

export interface MarkSources {
  /** The points' layer buffer (array<f32>) and the offset of the output representation in it. */
  points: N;
  outputOffset: N;
  count: number;
  /** Class of each point. */
  labels: Float32Array;
  /** Output units. */
  units: number;
}

/** The indices of the points the point shader's rule marks as misclassified. */
export async function readShaderMarks(renderer: THREE.WebGPURenderer, src: MarkSources): Promise<number[]> {
  const count = src.count;
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(count * 3), 3));
  geometry.setAttribute(
    'label',
    new THREE.BufferAttribute(Float32Array.from(src.labels.subarray(0, count)), 1),
  );
  const material = rawPoints();
  const width = Math.min(count, 1024);
  const rows = Math.ceil(count / width);
  const column: N = float(vertexIndex.mod(uint(width)));
  const row: N = float(vertexIndex.div(uint(width)));
  material.vertexNode = vec4(
    column.add(0.5).div(width).mul(2).sub(1),
    row.add(0.5).div(rows).mul(2).sub(1),
    0,
    1,
  );
  const label: N = attribute('label', 'float');
  const flag: N = varying(mistakeNode(src.points, src.outputOffset, vertexIndex, src.units, label));
  material.fragmentNode = vec4(flag, 0, 0, 1);
  const points = new THREE.Points(geometry, material);
  points.frustumCulled = false;
  const scene = new THREE.Scene();
  scene.add(points);
  const target = new THREE.RenderTarget(width, rows, {
    type: THREE.FloatType,
    format: THREE.RGBAFormat,
    depthBuffer: false,
  });
  const out: number[] = [];
  try {
    const pixels = await renderAndRead(renderer, scene, target, width, rows);
    for (let i = 0; i < count; i++) {
      const x = i % width;
      const y = Math.floor(i / width);
      if (pixels[4 * (y * width + x)] > 0.5) out.push(i);
    }
  } finally {
    target.dispose();
    material.dispose();
    geometry.dispose();
  }
  return out;
}

/**
 * One float pixel per probed grid vertex: point i at pixel (i, 0), its vertex index (attribute
 * `probeIndex`) handed to `fragment`, which returns the pixel's vec4. The scaffolding every vertex-stage
 * read-back shares.
 */
export class PixelRow {
  readonly count: number;
  private readonly scene = new THREE.Scene();
  private readonly target: THREE.RenderTarget;
  private readonly material = rawPoints();
  private readonly geometry = new THREE.BufferGeometry();

  constructor(indices: Float32Array, fragment: (vertex: N) => N) {
    const count = indices.length;
    this.count = count;
    this.geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(count * 3), 3));
    this.geometry.setAttribute('probeIndex', new THREE.BufferAttribute(indices, 1));
    const x: N = float(vertexIndex).add(0.5).div(count).mul(2).sub(1);
    this.material.vertexNode = vec4(x, 0, 0, 1);
    // The whole fragment output: no colour-space conversion or clamping on the way.
    this.material.fragmentNode = fragment(uint(attribute('probeIndex', 'float')));
    const points = new THREE.Points(this.geometry, this.material);
    points.frustumCulled = false;
    this.scene.add(points);
    this.target = new THREE.RenderTarget(count, 1, {
      type: THREE.FloatType,
      format: THREE.RGBAFormat,
      depthBuffer: false,
    });
  }

  /** The RGBA of every pixel, in point order. */
  read(renderer: THREE.WebGPURenderer): Promise<Float32Array> {
    return renderAndRead(renderer, this.scene, this.target, this.count, 1);
  }

  dispose(): void {
    this.target.dispose();
    this.material.dispose();
    this.geometry.dispose();
  }
}

/**
 * Grid vertices 0, s, 2s, ... through the main view's display formula (the same nodes, specialised to one
 * segment's widths), one pixel each: what the vertex stage computes for them.
 */
export class VertexStageProbe {
  readonly count: number;
  readonly segment: number;
  private readonly uniforms: DisplayUniforms;
  private readonly row: PixelRow;

  constructor(count: number, stride: number, total: number, segment: number, widths: number[], grid: N) {
    this.count = count;
    this.segment = segment;
    this.uniforms = new DisplayUniforms(widths);
    const index = new Float32Array(count);
    for (let i = 0; i < count; i++) index[i] = Math.min(total - 1, i * stride);
    this.row = new PixelRow(index, (vertex) => {
      const position: N = varying(displayPosition(this.uniforms, grid, vertex, float(0)));
      return vec4(position, 1);
    });
  }

  /** x, y, z of every probed vertex for coefficients c. */
  async read(renderer: THREE.WebGPURenderer, c: Coefficients, layout: LayerBufferLayout): Promise<number[]> {
    this.uniforms.set(c, layout);
    const pixels = await this.row.read(renderer);
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) out.push(pixels[4 * i], pixels[4 * i + 1], pixels[4 * i + 2]);
    return out;
  }

  dispose(): void {
    this.row.dispose();
  }
}
