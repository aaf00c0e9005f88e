/**
 * The function view for a 1-D input (the 002 seed): the network's output as a curve over the input,
 * against the data (targets or classes), and each unit of one hidden layer as its own curve. On WebGPU
 * each curve reads the engine's layer buffer in the vertex stage (x from the input, y from one unit).
 */
import * as THREE from 'three/webgpu';
import {
  attribute,
  float,
  instancedBufferAttribute,
  length,
  smoothstep,
  uint,
  uniform,
  uv,
  vec3,
  vec4,
  vertexIndex,
} from 'three/tsl';
import type { LayerBufferLayout } from '../../engine/types';
import type { GridGeometry } from '../math/grid';
import { clipPosition, type N } from './displayNodes';
import { CLASS_COLORS, rgb } from '../theme';

interface Curve {
  line: THREE.LineSegments;
  /** Layout representation (2l = activation of layer l). */
  rep: number;
  unit: number;
  /** Representation index 0..L on the slider. */
  layer: number;
  position: THREE.BufferAttribute | null;
}

export interface FunctionSceneOptions {
  grid: GridGeometry;
  layout: LayerBufferLayout;
  /** Widths of the slider's representations, input first. */
  repWidth: number[];
  /** array<f32> over the grid's layer buffer (WebGPU), or null for CPU positions. */
  gpu: N | null;
  /** Data points: x and the value drawn on y (target, or class index for classification). */
  pointX: Float32Array;
  pointY: Float32Array;
  pointInfo: Float32Array;
  classes: number;
}

/** Hidden unit curves use the palette after the two class colours. */
function unitColor(u: number): THREE.Color {
  return new THREE.Color(...rgb(CLASS_COLORS[2 + (u % (CLASS_COLORS.length - 2))]));
}

export class FunctionScene {
  readonly scene = new THREE.Scene();
  private readonly curves: Curve[] = [];
  private readonly materials: THREE.Material[] = [];
  private readonly geometries: THREE.BufferGeometry[] = [];
  private readonly grid: GridGeometry;
  private readonly layout: LayerBufferLayout;
  readonly box = new THREE.Box3();
  readonly pointSize: N = uniform(4);

  constructor(o: FunctionSceneOptions) {
    this.grid = o.grid;
    this.layout = o.layout;
    const L = o.repWidth.length - 1;
    const index = new THREE.BufferAttribute(o.grid.lines, 1);
    for (let layer = 1; layer <= L; layer++) {
      const w = o.repWidth[layer];
      const rep = 2 * layer;
      for (let unit = 0; unit < w; unit++) {
        const geometry = new THREE.BufferGeometry();
        geometry.setIndex(index);
        const material = new THREE.LineBasicNodeMaterial({ transparent: true, depthTest: false });
        let position: THREE.BufferAttribute | null = null;
        if (o.gpu) {
          const v: N = uint(vertexIndex);
          const x: N = o.gpu.element(uint(o.layout.offset[0]).add(v));
          const y: N = o.gpu.element(
            uint(o.layout.offset[rep])
              .add(v.mul(uint(w)))
              .add(uint(unit)),
          );
          material.vertexNode = clipPosition(vec3(x, y, 0));
        } else {
          position = new THREE.BufferAttribute(new Float32Array(o.grid.count * 3), 3).setUsage(
            THREE.DynamicDrawUsage,
          );
          geometry.setAttribute('position', position);
          material.positionNode = attribute('position', 'vec3');
        }
        const output = layer === L;
        const color = output ? new THREE.Color(1, 1, 1) : unitColor(unit);
        material.colorNode = vec3(color.r, color.g, color.b);
        material.opacity = output ? 1 : 0.85;
        const line = new THREE.LineSegments(geometry, material);
        line.frustumCulled = false;
        line.renderOrder = output ? 3 : 2;
        this.scene.add(line);
        this.curves.push({ line, rep, unit, layer, position });
        this.materials.push(material);
        this.geometries.push(geometry);
      }
    }

    // The data: x against the target (regression) or the class index (classification).
    const count = o.pointX.length;
    const positions = new Float32Array(count * 3);
    for (let i = 0; i < count; i++) {
      positions[3 * i] = o.pointX[i];
      positions[3 * i + 1] = o.pointY[i];
      this.box.expandByPoint(new THREE.Vector3(o.pointX[i], o.pointY[i], 0));
    }
    const info: N = instancedBufferAttribute(new THREE.InstancedBufferAttribute(o.pointInfo, 4));
    const material = new THREE.PointsNodeMaterial({
      transparent: true,
      depthWrite: false,
      sizeAttenuation: false,
    });
    material.alphaToCoverage = false;
    material.positionNode = instancedBufferAttribute(new THREE.InstancedBufferAttribute(positions, 3));
    material.sizeNode = this.pointSize;
    const base =
      o.classes === 0
        ? vec3(...rgb(0x8b97a5))
        : info.x.lessThan(0.5).select(vec3(...rgb(CLASS_COLORS[0])), vec3(...rgb(CLASS_COLORS[1])));
    const d: N = length(uv().sub(0.5)).mul(2);
    material.colorNode = vec4(
      base,
      float(1)
        .sub(smoothstep(float(0.8), float(1), d))
        .mul(0.7),
    );
    const points = new THREE.Sprite(material);
    points.count = count;
    points.frustumCulled = false;
    points.renderOrder = 1;
    this.scene.add(points);
    this.materials.push(material);

    // The x axis.
    const axis = new THREE.BufferGeometry();
    const b = o.grid.points;
    axis.setAttribute(
      'position',
      new THREE.BufferAttribute(Float32Array.of(b[0], 0, 0, b[b.length - 1], 0, 0), 3),
    );
    const axisMaterial = new THREE.LineBasicNodeMaterial({ color: 0x55606c });
    this.scene.add(new THREE.Line(axis, axisMaterial));
    this.geometries.push(axis);
    this.materials.push(axisMaterial);
  }

  /** Shows the output curve and the units of the hidden layer nearest to slider position t. */
  show(t: number): void {
    const L = this.curves.reduce((m, c) => Math.max(m, c.layer), 0);
    const layer = Math.round(t);
    for (const c of this.curves) c.line.visible = c.layer === L || c.layer === layer;
  }

  /** CPU path: curve positions from the CPU layer data. */
  fill(data: Float32Array): void {
    const lay = this.layout;
    for (const c of this.curves) {
      if (!c.position) continue;
      const arr = c.position.array as Float32Array;
      const w = lay.width[c.rep];
      for (let v = 0; v < this.grid.count; v++) {
        arr[3 * v] = data[lay.offset[0] + v];
        arr[3 * v + 1] = data[lay.offset[c.rep] + v * w + c.unit];
      }
      c.position.needsUpdate = true;
    }
  }

  dispose(): void {
    for (const m of this.materials) m.dispose();
    for (const g of this.geometries) g.dispose();
  }
}
