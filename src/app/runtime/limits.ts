/**
 * What one GPU device can hold, for the sizes a person picks: the grid density, the points drawn, the
 * batch and the training set. Each is clamped to what fits in one storage binding (the smaller of
 * maxStorageBufferBindingSize and maxBufferSize), and the app says so. DOM-free.
 */
import { LIMITS } from '../../engine/limits';
import type { NetworkSpec } from '../../engine/spec';
import { widths } from '../../engine/spec';
import { latticeSize } from '../../view/math/grid';

/** The two limits that bound one buffer binding. */
export interface BufferLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** Bytes one binding can hold on the device. */
export function bindingBytes(limits: BufferLimits): number {
  return Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
}

/** Floats every point needs in the grid transform's buffer: the input, then z and a of every layer. */
export function floatsPerVertex(spec: NetworkSpec): number {
  return spec.inputSize + 2 * spec.layers.reduce((sum, l) => sum + l.units, 0);
}

/** Vertices of the grid for a density G (as makeGrid builds it). */
export function gridVertices(inputSize: number, gridSize: number): number {
  if (inputSize === 1) return gridSize * 4;
  if (inputSize === 3) return latticeSize(gridSize) ** 3;
  return gridSize * gridSize;
}

/** Most points the grid transform can take in one buffer. */
export function maxTransformPoints(spec: NetworkSpec, limits: BufferLimits): number {
  return Math.floor(bindingBytes(limits) / (4 * floatsPerVertex(spec)));
}

/**
 * The largest grid density not above `wanted` whose grid fits the device (at least 2). `dims`: the
 * coordinates the lattice spans (fewer than the network's inputs where features extend them).
 */
export function maxGridSize(
  spec: NetworkSpec,
  limits: BufferLimits,
  wanted: number,
  dims: number = spec.inputSize,
): number {
  const most = maxTransformPoints(spec, limits);
  const g = Math.max(2, Math.round(wanted));
  if (gridVertices(dims, g) <= most) return g;
  // Vertices grow with G: bisect for the largest that fits.
  let lo = 2;
  let hi = g;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (gridVertices(dims, mid) <= most) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Floats per sample of the general training kernel's scratch: every representation's values, the
 * backward deltas of every layer, and the loss (engine.ts, prepareGeneral).
 */
export function scratchFloatsPerSample(spec: NetworkSpec): number {
  const values = widths(spec).reduce((a, b) => a + b, 0);
  return values + (values - spec.inputSize) + 1;
}

/** The largest batch the device can train this network with. */
export function maxBatch(spec: NetworkSpec, limits: BufferLimits): number {
  return Math.max(
    1,
    Math.min(LIMITS.maxBatch, Math.floor(bindingBytes(limits) / (4 * scratchFloatsPerSample(spec)))),
  );
}

/** The largest training set the engine and the device take for `inputSize` inputs. */
export function maxSamples(inputSize: number, limits: BufferLimits): number {
  return Math.max(1, Math.min(LIMITS.maxSamples, Math.floor(bindingBytes(limits) / (4 * inputSize))));
}

/** What was clamped, in words for the page; empty when nothing was. */
export function clampMessage(parts: string[]): string {
  if (parts.length === 0) return '';
  return `This device cannot hold everything asked for, so ${parts.join('; ')}.`;
}
