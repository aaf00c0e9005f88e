/** What the app hands the views to draw: the network, the grid, the points and where their layers live. */
import type { NetworkSpec } from '../engine/spec';
import type { LayerBufferLayout } from '../engine/types';
import type { GridGeometry } from './math/grid';
import type { KnnReference } from './math/knnRegions';

/** The engine's layer buffers of the grid and the points (WebGPU): the views read them in place. */
export interface GpuLayers {
  grid: GPUBuffer;
  gridLayout: LayerBufferLayout;
  points: GPUBuffer;
  pointLayout: LayerBufferLayout;
  /** A k-NN output's regions over the grid (engine/knnGrid.ts): (class, share) per vertex. */
  regions?: GPUBuffer | null;
}

export interface ViewModel {
  spec: NetworkSpec;
  grid: GridGeometry;
  /** Points on display: input coordinates (inputSize each) and info (class, test, jitter, 0). */
  pointCount: number;
  pointCoords: Float32Array;
  pointInfo: Float32Array;
  /** Per point: the target (regression) or class index. */
  pointValues: Float32Array;
  classes: number;
  /** Regression: the target range for shading. */
  valueRange: [number, number];
  gpu: GpuLayers | null;
  /** Names of the input's units where feature inputs extend the coordinates (x₁, x₂, r²…). */
  inputNames?: readonly string[] | null;
  /** A k-NN output: the training points it votes with (the CPU's regions and every mistake mark). */
  knnReference?: KnnReference | null;
}
