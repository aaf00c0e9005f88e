/**
 * The diagram's heatmaps on the GPU: every node is one instance of the input plane's lattice, placed on
 * its square, each vertex coloured by its unit's value read straight from the engine's grid layer buffer
 * (zero copy, as the layer views draw it). A 1-D input draws each unit's curve instead; a 3-D input one
 * slice of its lattice (the slice chosen by a uniform, nothing rebuilt).
 */
import * as THREE from 'three/webgpu';
import {
  abs,
  attribute,
  clamp,
  float,
  instancedBufferAttribute,
  max,
  min,
  mix,
  uint,
  uniform,
  varying,
  vec3,
  vec4,
  vertexIndex,
} from 'three/tsl';
import type { GridGeometry } from '../math/grid';
import { clipPosition, type N } from '../draw/displayNodes';
import { NEGATIVE_RGB, NEUTRAL_RGB, POSITIVE_RGB } from './diagramColors';

/** One node to draw: where (px, y down), and what it reads (the layer buffer's offset and width, the unit). */
export interface HeatNode {
  x: number;
  y: number;
  size: number;
  offset: number;
  width: number;
  unit: number;
  /** Full colour at centre ± scale (negative: the colours swapped, see heatColor). */
  scale: number;
  /** The value shown neutral (0; ½ for a sigmoid's probabilities). */
  centre: number;
}

/**
 * The TSL twin of heatColor (diagramColors.ts): neutral at 0, blue towards +scale, orange towards −scale
 * (a negative scale swaps them).
 */
export function heatColorNode(value: N, scale: N): N {
  const signed: N = scale.lessThan(0).select(min(scale, float(-1e-6)), max(scale, float(1e-6)));
  const t: N = clamp(value.div(signed), float(-1), float(1));
  const side: N = t.greaterThanEqual(0).select(vec3(...POSITIVE_RGB), vec3(...NEGATIVE_RGB));
  return mix(vec3(...NEUTRAL_RGB), side, abs(t));
}

/** The most lattice vertices a heatmap takes along a side (nodes are at most 72 px wide). */
export const HEAT_SIDE = 40;

/** Grid indices 0..g−1 thinned to at most `most`, evenly, both ends kept. */
export function latticeAxis(g: number, most: number): number[] {
  const n = Math.max(2, Math.min(g, most));
  return Array.from(new Set(Array.from({ length: n }, (_, k) => Math.round((k * (g - 1)) / (n - 1)))));
}

/** What the diagram draws a node's unit over: a plane (2-D and 3-D inputs) or a line (1-D). */
export type HeatForm = 'plane' | 'curve';

export class DiagramScene {
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.OrthographicCamera(0, 1, 0, 1, -1, 1);
  readonly form: HeatForm;
  /** 3-D input: the first vertex of the slice shown (k · g²). */
  readonly sliceOffset: N = uniform(0, 'uint');
  /** The lattice's side (3-D input: slices 0..size−1). */
  readonly size: number;
  private readonly place: THREE.InstancedBufferAttribute;
  private readonly source: THREE.InstancedBufferAttribute;
  private readonly mesh: THREE.Mesh | THREE.LineSegments;
  private readonly geometry = new THREE.BufferGeometry();
  private readonly material: THREE.Material;
  private readonly capacity: number;

  /** `storage`: the grid layer buffer as array<f32>; `capacity`: the most nodes drawn. */
  constructor(grid: GridGeometry, storage: N, capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.place = new THREE.InstancedBufferAttribute(new Float32Array(4 * this.capacity), 4);
    this.source = new THREE.InstancedBufferAttribute(new Float32Array(4 * this.capacity), 4);
    this.place.setUsage(THREE.DynamicDrawUsage);
    this.source.setUsage(THREE.DynamicDrawUsage);
    this.form = grid.inputSize === 1 ? 'curve' : 'plane';
    const g = grid.size;
    this.size = g;
    const place: N = instancedBufferAttribute(this.place);
    const source: N = instancedBufferAttribute(this.source);
    const uv: N = attribute('position', 'vec3');
    // A plane's vertices carry the grid vertex they show in z (a sparser lattice than the grid's: a node
    // is at most MAX_NODE pixels wide); a curve's vertices are the grid's own.
    const vertex: N = grid.inputSize === 1 ? vertexIndex : uint(uv.z);
    const index: N = uint(source.x)
      .add(vertex.add(this.sliceOffset).mul(uint(source.y)))
      .add(uint(source.z));
    const value: N = (storage as N).element(index).sub(place.w);
    if (this.form === 'curve') {
      const positions = new Float32Array(3 * grid.count);
      for (let i = 0; i < grid.count; i++) positions[3 * i] = i / Math.max(1, grid.count - 1);
      this.geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
      this.geometry.setIndex(new THREE.BufferAttribute(grid.lines, 1));
      // The curve's height reads the scale's size: a swapped colour does not turn the curve over.
      const t: N = clamp(value.div(max(abs(source.w), float(1e-6))), float(-1), float(1));
      const local: N = vec3(
        place.x.add(uv.x.mul(place.z)),
        place.y.add(place.z.mul(float(0.5).sub(t.mul(0.45)))),
        0,
      );
      const m = new THREE.LineBasicNodeMaterial();
      m.vertexNode = clipPosition(local);
      m.colorNode = vec4(varying(heatColorNode(value, source.w)) as N, 1);
      this.material = m;
      this.mesh = new THREE.LineSegments(this.geometry, m);
    } else {
      const axis = latticeAxis(g, HEAT_SIDE);
      const n = axis.length;
      const positions = new Float32Array(3 * n * n);
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++) {
          positions.set([axis[i] / (g - 1), axis[j] / (g - 1), axis[j] * g + axis[i]], 3 * (j * n + i));
        }
      const triangles = new Uint32Array(6 * (n - 1) * (n - 1));
      let p = 0;
      for (let j = 0; j < n - 1; j++)
        for (let i = 0; i < n - 1; i++) {
          const a = j * n + i;
          triangles.set([a, a + 1, a + n, a + 1, a + n + 1, a + n], p);
          p += 6;
        }
      this.geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
      this.geometry.setIndex(new THREE.BufferAttribute(triangles, 1));
      // Input y grows upwards, the diagram's pixels downwards.
      const local: N = vec3(place.x.add(uv.x.mul(place.z)), place.y.add(float(1).sub(uv.y).mul(place.z)), 0);
      const m = new THREE.MeshBasicNodeMaterial({ side: THREE.DoubleSide });
      m.vertexNode = clipPosition(local);
      m.colorNode = vec4(varying(heatColorNode(value, source.w)) as N, 1);
      this.material = m;
      this.mesh = new THREE.Mesh(this.geometry, m);
    }
    this.mesh.frustumCulled = false;
    this.mesh.count = 0;
    this.scene.add(this.mesh);
  }

  /** The nodes to draw (at most the capacity), and the view's size in CSS pixels. */
  setNodes(nodes: readonly HeatNode[], width: number, height: number): void {
    const n = Math.min(nodes.length, this.capacity);
    const place = this.place.array as Float32Array;
    const source = this.source.array as Float32Array;
    for (let i = 0; i < n; i++) {
      const h = nodes[i];
      place.set([h.x, h.y, h.size, h.centre], 4 * i);
      source.set([h.offset, h.width, h.unit, h.scale], 4 * i);
    }
    this.place.needsUpdate = true;
    this.source.needsUpdate = true;
    this.mesh.count = n;
    const c = this.camera;
    c.left = 0;
    c.right = Math.max(1, width);
    c.top = 0;
    c.bottom = Math.max(1, height);
    c.updateProjectionMatrix();
  }

  /** 3-D input: shows slice k of the lattice (0..size−1). */
  setSlice(k: number): void {
    const s = Math.max(0, Math.min(this.size - 1, Math.round(k)));
    this.sliceOffset.value = s * this.size * this.size;
  }

  dispose(): void {
    this.geometry.dispose();
    this.material.dispose();
  }
}
