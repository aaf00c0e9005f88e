/**
 * Where the points are in the main view, for a click or a test: the displayed point nearest a click,
 * where one point is drawn in client pixels, and every representation of one point. Each runs the
 * network on the CPU from the given weights and places the points by the display formula at slider
 * position t, as the views draw them.
 */
import * as THREE from 'three/webgpu';
import type { LayerBufferLayout } from '../engine/types';
import { type DisplayPath } from './math/displayPath';
import { createCoefficients, evaluate } from './math/coefficients';
import { forwardInto, layerLayout } from './math/forward';
import type { ViewModel } from './viewModel';

/** A click within this many pixels of a point picks it. */
const PICK_RADIUS = 14;

export class PointLocator {
  private readonly scratch = createCoefficients();
  private readonly vec = new THREE.Vector3();
  private readonly pos = new Float32Array(3);

  /** Client pixels of display position `pos` through `camera` in the element's rectangle. */
  private toClient(pos: Float32Array, camera: THREE.Camera, rect: DOMRect): [number, number] {
    this.vec.fromArray(pos).project(camera);
    return [rect.left + ((this.vec.x + 1) / 2) * rect.width, rect.top + ((1 - this.vec.y) / 2) * rect.height];
  }

  /** Index of the displayed point nearest to a click (within a few pixels), or −1. */
  pick(
    model: ViewModel,
    path: DisplayPath,
    weights: Float32Array,
    t: number,
    camera: THREE.Camera,
    rect: DOMRect,
    clientX: number,
    clientY: number,
  ): number {
    const layout = layerLayout(model.spec, model.pointCount);
    const data = new Float32Array(layout.totalFloats);
    forwardInto(model.spec, weights, model.pointCoords, model.pointCount, layout, data);
    path.coefficientsAt(t, this.scratch);
    let best = -1;
    let bestDist = PICK_RADIUS * PICK_RADIUS;
    for (let v = 0; v < model.pointCount; v++) {
      evaluate(this.scratch, layout, data, v, model.pointInfo[4 * v + 2], this.pos, 0);
      const [x, y] = this.toClient(this.pos, camera, rect);
      const d = (x - clientX) ** 2 + (y - clientY) ** 2;
      if (d < bestDist) {
        bestDist = d;
        best = v;
      }
    }
    return best;
  }

  /** Where point `index` is drawn, in client pixels. */
  screenPosition(
    model: ViewModel,
    path: DisplayPath,
    index: number,
    t: number,
    weights: Float32Array,
    camera: THREE.Camera,
    rect: DOMRect,
  ): [number, number] {
    const { layout, data } = onePoint(model, index, weights);
    const c = path.coefficientsAt(t, this.scratch);
    evaluate(c, layout, data, 0, model.pointInfo[4 * index + 2], this.pos, 0);
    return this.toClient(this.pos, camera, rect);
  }
}

/** Every representation of one point (for the info panel). */
export function describePoint(model: ViewModel, index: number, weights: Float32Array): number[][] {
  const { layout, data } = onePoint(model, index, weights);
  const out: number[][] = [];
  for (let r = 0; r < layout.width.length; r += 2) {
    out.push(Array.from(data.subarray(layout.offset[r], layout.offset[r] + layout.width[r])));
  }
  return out;
}

/** Point `index` through the network with `weights`. */
function onePoint(
  model: ViewModel,
  index: number,
  weights: Float32Array,
): { layout: LayerBufferLayout; data: Float32Array } {
  const inSize = model.spec.inputSize;
  const layout = layerLayout(model.spec, 1);
  const data = new Float32Array(layout.totalFloats);
  const coords = model.pointCoords.subarray(index * inSize, (index + 1) * inSize);
  forwardInto(model.spec, weights, coords, 1, layout, data);
  return { layout, data };
}
