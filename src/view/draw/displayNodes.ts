/**
 * The display formula of displayPath.ts as TSL nodes, evaluated in the vertex stage straight from the engine's
 * layer buffer (zero copy): position = A·a_k + B·z_{k+1} + C·a_{k+1} + c + jitter·j(v) e_y, with A, B, C, c
 * and the source offsets in uniforms that change per frame, never the geometry.
 */
import * as THREE from 'three/webgpu';
import {
  cameraProjectionMatrix,
  float,
  modelViewMatrix,
  storage,
  uint,
  uniform,
  uniformArray,
  vec3,
  vec4,
} from 'three/tsl';
import type { LayerBufferLayout } from '../../engine/types';
import type { Coefficients } from '../math/coefficients';

type AnyNode = THREE.Node;
// TSL's chained node methods are typed per node kind; the shader graph below is built from a few
// kinds only, so one loose alias keeps it readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type N = any;

/**
 * A material's clip-space position from a local position computed in the vertex stage (for its
 * `vertexNode`). Geometries whose vertices come from storage buffers (vertexIndex) hold no "position"
 * attribute, and a `positionNode` would still start three's local position from that attribute (a warning
 * per material and a read of nothing): this places the vertex without it.
 */
export function clipPosition(local: N): N {
  return cameraProjectionMatrix.mul(modelViewMatrix).mul(vec4(local, 1));
}

/** The engine's layer buffer seen as `array<f32>` from the vertex stage. */
export function layerStorage(attribute: THREE.StorageBufferAttribute, floats: number): N {
  return storage(attribute, 'float', floats).toReadOnly();
}

/**
 * Uniforms of the display formula for one view. The source widths are fixed when the view is built, so the
 * shader is straight-line code (dynamic loops and dynamically indexed arrays are slow on some GPUs and
 * very slow on software ones); a width of 0 leaves that source out.
 */
export class DisplayUniforms {
  readonly widths: readonly number[];
  readonly source: N[] = [uniform(0, 'uint'), uniform(0, 'uint'), uniform(0, 'uint')];
  /** Column j of A, B or C as (row 0, row 1, row 2, 0). */
  readonly columns: THREE.Vector4[][];
  readonly matrix: N[];
  readonly offset: N = uniform(new THREE.Vector3());
  readonly jitter: N = uniform(0);

  constructor(widths: readonly number[]) {
    this.widths = widths.slice(0, 3);
    this.columns = this.widths.map((w) => Array.from({ length: Math.max(1, w) }, () => new THREE.Vector4()));
    this.matrix = this.columns.map((cols) => uniformArray(cols, 'vec4'));
  }

  /** Copies coefficients in (allocation-free). Sources this view leaves out must be zero there. */
  set(c: Coefficients, layout: LayerBufferLayout): void {
    for (let k = 0; k < 3; k++) {
      const w = this.widths[k];
      if (w === 0) continue;
      this.source[k].value = layout.offset[c.source[k]];
      const cw = c.width[k];
      const m = c.matrix[k];
      const cols = this.columns[k];
      for (let j = 0; j < w; j++) {
        if (j < cw) cols[j].set(m[j], m[cw + j], m[2 * cw + j], 0);
        else cols[j].set(0, 0, 0, 0);
      }
    }
    (this.offset.value as THREE.Vector3).set(c.offset[0], c.offset[1], c.offset[2]);
    this.jitter.value = c.jitter;
  }
}

/** The sources a coefficient set uses (0 width where its matrix is all zero), for building a view. */
export function activeWidths(c: Coefficients): number[] {
  const out: number[] = [];
  for (let k = 0; k < 3; k++) {
    const m = c.matrix[k];
    let used = false;
    for (let i = 0; i < 3 * c.width[k]; i++) if (m[i] !== 0) used = true;
    out.push(used ? c.width[k] : 0);
  }
  return out;
}

/** position(v) of the formula, reading `buffer` (array<f32>) at vertex `index`; unrolled. */
export function displayPosition(u: DisplayUniforms, buffer: N, index: N, jitter: N): N {
  let acc: N = vec3(u.offset);
  const vertex: N = uint(index);
  for (let k = 0; k < 3; k++) {
    const w = u.widths[k];
    if (w === 0) continue;
    const base: N = u.source[k].add(vertex.mul(uint(w)));
    for (let j = 0; j < w; j++) {
      const value = buffer.element(j === 0 ? base : base.add(uint(j)));
      acc = acc.add(u.matrix[k].element(j).xyz.mul(value));
    }
  }
  return acc.add(vec3(0, u.jitter.mul(jitter), 0));
}

/** Uniforms of the output representation, for shading by the prediction. */
export class OutputUniforms {
  readonly offset: N = uniform(0, 'uint');
  /** Regression: the target range mapped onto the colour ramp. */
  readonly low: N = uniform(0);
  readonly high: N = uniform(1);

  set(layout: LayerBufferLayout, low = 0, high = 1): void {
    this.offset.value = layout.offset[layout.offset.length - 1];
    this.low.value = low;
    this.high.value = high;
  }
}

/** Probability of class 1 (one output unit) or each class's probability (softmax) at a vertex. */
export function outputValue(o: OutputUniforms, buffer: N, index: N, units: number, unit: number): N {
  return buffer.element(o.offset.add(uint(index).mul(uint(units))).add(uint(unit)));
}

export function asFloat(n: AnyNode | number): N {
  return float(n as number);
}
