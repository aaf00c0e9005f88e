/**
 * The whole-frame workload: what the app does every frame, measured as frames per second. K training steps,
 * the grid transform of a G x G grid, and three.js WebGPURenderer drawing the grid's 2·G polylines straight
 * from the engine's layer buffer (zero copy), all on one GPUDevice. "train + grid only" is the same frame
 * without drawing, to show what the drawing costs.
 */
import * as THREE from 'three/webgpu';
import { float, storage, uint, vec3, vertexIndex } from 'three/tsl';
import { makeDataset } from '../../data/registry';
import { Engine } from '../../engine/engine';
import { buildSpec, defaultOptimizer } from '../../engine/spec';
import { initParams } from '../../engine/twin';
import { makeGrid } from '../../view/grid';
import { bindExternalBuffer, createRenderer } from '../../view/renderer';
import { GRID_TOLERANCE, compare } from '../check';
import { DetangleGridRunner } from '../gpu-grid';
import type { GridCase } from '../grid-case';
import { referenceSample, sampleVertices } from '../grid-case';
import type { FrameBench } from '../run';
import { SEED } from '../suite';
import { measure } from '../timing';
import type { Measurement, Workload } from '../types';

/** Training steps per frame. */
const STEPS_PER_FRAME = 100;
const BATCH = 32;
const WORKLOAD = 'frame-rings-2-3-2-1';
/** The representation drawn: a_1, the first hidden layer's activation (3 units: a 3-D picture). */
const DRAWN_REPRESENTATION = 2;

const label = (size: number): string => `${size}×${size} grid`;

// TSL's node methods are typed per node kind; one loose alias keeps the little shader graph readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type N = any;

export class ThreeFrameBench implements FrameBench {
  private constructor(
    private readonly device: GPUDevice,
    private readonly renderer: THREE.WebGPURenderer,
  ) {}

  static async create(device: GPUDevice, canvas: HTMLCanvasElement): Promise<ThreeFrameBench> {
    return new ThreeFrameBench(device, await createRenderer(canvas, device));
  }

  workload(sizes: number[]): Workload {
    return {
      id: WORKLOAD,
      kind: 'frame',
      rowName: 'case',
      title:
        `Whole frame: ${STEPS_PER_FRAME} training steps (rings, 2-3-2-1, batch ${BATCH}, SGD) + grid transform + ` +
        `three.js drawing the grid lines from the layer buffer (${this.renderer.domElement.width}×${this.renderer.domElement.height} canvas)`,
      primary: 'rate',
      higherIsBetter: true,
      cases: sizes.map(label),
      compareTo: 'detangle-frame',
      notes: [
        'The grid check compares the last frame’s layer buffer with the twin at the weights training reached.',
      ],
    };
  }

  async run(size: number, minSeconds: number): Promise<Measurement[]> {
    const spec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
    const engine = await Engine.create(this.device, {
      spec,
      optimizer: defaultOptimizer('sgd', 0.1),
      train: { seed: SEED, batchSize: BATCH, kernel: 'fused' },
    });
    engine.setData(makeDataset('rings', { samples: 4096 }, SEED), null);
    const geometry = makeGrid({ min: [-1.5, -1.5], max: [1.5, 1.5] }, 2, size);
    const c: GridCase = {
      workload: WORKLOAD,
      label: label(size),
      spec,
      vertices: geometry.count,
      params: initParams(spec, SEED),
      points: (start, count) => geometry.points.subarray(2 * start, 2 * (start + count)),
    };
    const grid = new DetangleGridRunner(engine, c, { parts: [geometry.count], bytes: 0 }, 'fused');
    const drawing = new GridLines(this.renderer, grid, geometry.lines);
    try {
      await grid.prepare();
      drawing.bind();
      const frame = (draw: boolean) => async (frames: number) => {
        for (let f = 0; f < frames; f++) {
          engine.train(STEPS_PER_FRAME);
          grid.submit();
          if (draw) this.renderer.render(drawing.scene, drawing.camera);
        }
        await this.device.queue.onSubmittedWorkDone();
      };
      const results: Measurement[] = [];
      for (const [impl, draw] of [
        ['detangle-frame', true],
        ['detangle-frame-nodraw', false],
      ] as const) {
        await frame(draw)(1);
        const timing = await measure(frame(draw), { minSeconds });
        const vertices = sampleVertices(c.vertices);
        const reached: GridCase = { ...c, params: await engine.readParams() };
        const check = compare(
          await grid.sample(vertices),
          referenceSample(reached, vertices),
          GRID_TOLERANCE,
          'every representation of sampled grid vertices after the last frame',
        );
        const seconds = timing.seconds / timing.reps;
        const m: Measurement = {
          workload: WORKLOAD,
          case: c.label,
          impl,
          figures: {},
          check,
          reps: timing.reps,
          seconds: timing.seconds,
        };
        if (check.ok) {
          m.figures = {
            rate: { value: 1 / seconds, unit: 'frames/s' },
            time: { value: seconds * 1e3, unit: 'ms/frame' },
            steps: { value: STEPS_PER_FRAME / seconds, unit: 'steps/s' },
          };
        } else {
          m.failed = `grid differs from the twin by ${check.maxError.toExponential(2)}`;
        }
        results.push(m);
      }
      return results;
    } finally {
      drawing.dispose();
      grid.dispose();
      engine.dispose();
    }
  }
}

/** Line segments between grid vertices, their positions read in the vertex stage from the layer buffer. */
class GridLines {
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.PerspectiveCamera(40, 1, 0.1, 100);
  private readonly geometry = new THREE.BufferGeometry();
  private readonly material = new THREE.LineBasicNodeMaterial({
    color: 0xd8dde6,
    transparent: true,
    opacity: 0.6,
  });
  private readonly attribute = new THREE.StorageBufferAttribute(new Float32Array(4), 1);

  constructor(
    private readonly renderer: THREE.WebGPURenderer,
    private readonly grid: DetangleGridRunner,
    lines: Uint32Array,
  ) {
    this.geometry.setIndex(new THREE.BufferAttribute(lines, 1));
    this.geometry.setDrawRange(0, lines.length);
    const object = new THREE.LineSegments(this.geometry, this.material);
    object.frustumCulled = false;
    this.scene.add(object);
    this.camera.position.set(3, 2.2, 4);
    this.camera.lookAt(0, 0, 0);
  }

  /** Points three at the layer buffer; must run before the first render. */
  bind(): void {
    const transform = this.grid.transforms[0];
    const layout = transform.layout;
    const width = layout.width[DRAWN_REPRESENTATION];
    const layer: N = storage(this.attribute, 'float', layout.totalFloats).toReadOnly();
    const base: N = uint(layout.offset[DRAWN_REPRESENTATION]).add(vertexIndex.mul(width));
    const coordinate = (u: number): N => (u < width ? layer.element(base.add(u)) : float(0));
    this.material.positionNode = vec3(coordinate(0), coordinate(1), coordinate(2));
    bindExternalBuffer(this.renderer, this.attribute, transform.layerBuffer);
  }

  /** The storage attribute (the grid's layer buffer) is the grid transform's to destroy, not three's. */
  dispose(): void {
    this.geometry.dispose();
    this.material.dispose();
  }
}
