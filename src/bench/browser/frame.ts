/**
 * The whole-frame workload: what the app does every frame, measured as frames per second. K training steps,
 * the grid transform of a G x G grid, and three.js WebGPURenderer drawing the grid's 2·G polylines straight
 * from the engine's layer buffer (zero copy), all on one GPUDevice. "train + grid only" is the same frame
 * without drawing, to show what the drawing costs.
 */
import * as THREE from 'three/webgpu';
import { float, storage, uint, vec3, vertexIndex } from 'three/tsl';
import { makeDataset } from '../../data/registry';
import { fitsFused } from '../../engine/codegen';
import { Engine } from '../../engine/engine';
import { buildSpec, defaultOptimizer } from '../../engine/spec';
import { initParams } from '../../engine/twin';
import { makeGrid, type GridGeometry } from '../../view/math/grid';
import { diagramLayout } from '../../view/math/diagramLayout';
import { DiagramScene } from '../../view/diagram/diagramScene';
import { bindExternalBuffer, createRenderer } from '../../view/draw/renderer';
import { GRID_TOLERANCE, compare } from '../check';
import { DetangleGridRunner } from '../gpuGrid';
import type { GridCase } from '../gridCase';
import { referenceSample, sampleVertices } from '../gridCase';
import type { FrameBench } from '../run';
import { SEED, archName } from '../suite';
import { measure } from '../timing';
import type { Measurement, Workload } from '../types';

/** Training steps per frame. */
const STEPS_PER_FRAME = 100;
const BATCH = 32;
/** The network of the report's whole-frame workload (the app's default). */
const DEFAULT_NETWORK = [2, 3, 2, 1];
/** The representation drawn: a_1, the first hidden layer's activation (3 units: a 3-D picture). */
const DRAWN_REPRESENTATION = 2;

const label = (size: number): string => `${size}×${size} grid`;

export interface FrameOptions {
  /** Layer sizes, input first, one output (rings, MSE on a sigmoid output); 2-3-2-1 by default. */
  network?: number[];
  /** Only the whole frame with its drawing, not also the frame without drawing. */
  drawOnly?: boolean;
  /** Also the whole frame with the app's network diagram drawn (its heatmaps on the GPU, diagramScene.ts). */
  diagram?: boolean;
}

/** The workload id of the whole frame through a network, e.g. "frame-rings-2-3-2-1". */
export function frameWorkloadId(network: number[]): string {
  return `frame-rings-${archName(network).replace('×', 'x')}`;
}

// TSL's node methods are typed per node kind; one loose alias keeps the little shader graph readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type N = any;

export class ThreeFrameBench implements FrameBench {
  private readonly network: number[];
  private readonly id: string;

  private constructor(
    private readonly device: GPUDevice,
    private readonly renderer: THREE.WebGPURenderer,
    private readonly options: FrameOptions,
  ) {
    this.network = options.network ?? DEFAULT_NETWORK;
    this.id = frameWorkloadId(this.network);
  }

  static async create(
    device: GPUDevice,
    canvas: HTMLCanvasElement,
    options: FrameOptions = {},
  ): Promise<ThreeFrameBench> {
    return new ThreeFrameBench(device, await createRenderer(canvas, device), options);
  }

  /** The same canvas and renderer with other options (another network). */
  with(options: FrameOptions): ThreeFrameBench {
    return new ThreeFrameBench(this.device, this.renderer, options);
  }

  workload(sizes: number[]): Workload {
    return {
      id: this.id,
      kind: 'frame',
      rowName: 'case',
      title:
        `Whole frame: ${STEPS_PER_FRAME} training steps (rings, ${archName(this.network)}, batch ${BATCH}, SGD) + grid transform + ` +
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
    const spec = buildSpec(this.network, 'tanh', 'mse');
    const kernel = fitsFused(spec) ? 'fused' : 'general';
    const engine = await Engine.create(this.device, {
      spec,
      optimizer: defaultOptimizer('sgd', 0.1),
      train: { seed: SEED, batchSize: BATCH, kernel },
    });
    engine.setData(makeDataset('rings', { samples: 4096 }, SEED), null);
    const geometry = makeGrid({ min: [-1.5, -1.5], max: [1.5, 1.5] }, 2, size);
    const c: GridCase = {
      workload: this.id,
      label: label(size),
      spec,
      vertices: geometry.count,
      params: initParams(spec, SEED),
      points: (start, count) => geometry.points.subarray(2 * start, 2 * (start + count)),
    };
    const grid = new DetangleGridRunner(engine, c, { parts: [geometry.count], bytes: 0 }, kernel);
    const drawing = new GridLines(this.renderer, grid, geometry.lines);
    const diagram = this.options.diagram
      ? new DiagramHeat(this.renderer, grid, geometry, this.network)
      : null;
    try {
      await grid.prepare();
      drawing.bind();
      diagram?.bind();
      const frame =
        (draw: boolean, withDiagram = false) =>
        async (frames: number) => {
          for (let f = 0; f < frames; f++) {
            engine.train(STEPS_PER_FRAME);
            grid.submit();
            if (draw) this.renderer.render(drawing.scene, drawing.camera);
            if (withDiagram && diagram) diagram.render();
          }
          await this.device.queue.onSubmittedWorkDone();
        };
      const results: Measurement[] = [];
      const variants: [string, boolean, boolean][] = [
        ['detangle-frame', true, false],
        ['detangle-frame-nodraw', false, false],
      ];
      const chosen = this.options.drawOnly ? variants.slice(0, 1) : variants;
      if (diagram) chosen.push(['detangle-frame-diagram', true, true]);
      for (const [impl, draw, withDiagram] of chosen) {
        await frame(draw, withDiagram)(1);
        const timing = await measure(frame(draw, withDiagram), { minSeconds });
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
          workload: this.id,
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
      diagram?.dispose();
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

/**
 * The app's network diagram over the same frame: one heatmap per unit read from the layer buffer
 * (diagramScene.ts), laid out as the app lays out a 1366 × 230 diagram, drawn after the grid lines.
 */
class DiagramHeat {
  private readonly attribute = new THREE.StorageBufferAttribute(new Float32Array(4), 1);
  private scene: DiagramScene | null = null;

  constructor(
    private readonly renderer: THREE.WebGPURenderer,
    private readonly grid: DetangleGridRunner,
    private readonly geometry: GridGeometry,
    private readonly network: number[],
  ) {}

  bind(): void {
    const transform = this.grid.transforms[0];
    const layout = transform.layout;
    const box = { width: 1366, height: 230 };
    const nodes = diagramLayout(this.network, box).nodes.flatMap((column, r) => {
      const rep = r === 0 ? 0 : 2 * r;
      return column.map((n) => ({
        ...n,
        offset: layout.offset[rep],
        width: layout.width[rep],
        scale: 1,
        centre: 0,
      }));
    });
    const layer: N = storage(this.attribute, 'float', layout.totalFloats).toReadOnly();
    this.scene = new DiagramScene(this.geometry, layer, nodes.length);
    this.scene.setNodes(nodes, box.width, box.height);
    bindExternalBuffer(this.renderer, this.attribute, transform.layerBuffer);
  }

  render(): void {
    if (this.scene) this.renderer.render(this.scene.scene, this.scene.camera);
  }

  dispose(): void {
    this.scene?.dispose();
  }
}
