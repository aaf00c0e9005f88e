/**
 * The views' drawing size (src/view/canvasSize.ts): however wide the layout makes a canvas (an overlong
 * class name once made it 9,000 pixels), its drawing buffer stays within the device's largest texture,
 * with the picture's shape kept; within the limit the canvas's own size is used.
 */
import { describe, expect, it } from 'vitest';
import type * as THREE from 'three/webgpu';
import { drawingSize, fitCanvas, maxDimension } from '../src/view/canvasSize';

/** A renderer as far as sizing goes: its canvas, pixel ratio, size and device limit. */
function renderer(clientWidth: number, clientHeight: number, pixelRatio: number, limit: number) {
  const size = { x: 0, y: 0 };
  const calls: [number, number][] = [];
  const r = {
    domElement: { clientWidth, clientHeight },
    backend: { device: { limits: { maxTextureDimension2D: limit } } },
    getPixelRatio: () => pixelRatio,
    getSize: (v: { x: number; y: number }) => Object.assign(v, size),
    setSize: (w: number, h: number) => {
      calls.push([w, h]);
      size.x = w;
      size.y = h;
    },
  };
  return { r: r as unknown as THREE.WebGPURenderer, calls };
}

describe('the drawing size', () => {
  it('is the canvas size while its buffer fits the device', () => {
    expect(drawingSize(1079, 467, 1, 8192)).toEqual({ width: 1079, height: 467 });
    expect(drawingSize(4096, 2000, 2, 8192)).toEqual({ width: 4096, height: 2000 });
  });

  it.each([
    [9000, 467, 1],
    [8193, 600, 1],
    [4097, 900, 2],
    [12_000, 9000, 1.5],
    [300, 20_000, 1],
  ])('a %i × %i canvas at pixel ratio %f draws within 8,192 pixels, its shape kept', (w, h, ratio) => {
    const s = drawingSize(w, h, ratio, 8192);
    expect(Math.floor(s.width * ratio)).toBeLessThanOrEqual(8192);
    expect(Math.floor(s.height * ratio)).toBeLessThanOrEqual(8192);
    // As large as the limit allows (within a pixel), and the same shape (within a pixel's rounding).
    expect(Math.max(s.width, s.height) * ratio).toBeGreaterThan(8192 - 2 * ratio);
    expect(s.width / s.height).toBeCloseTo(w / h, 1);
  });

  it('sizes a renderer to the device’s own limit, once, and not again while nothing changes', () => {
    const { r, calls } = renderer(9000, 467, 1, 8192);
    expect(maxDimension(r)).toBe(8192);
    const scratch = { x: 0, y: 0 } as THREE.Vector2;
    expect(fitCanvas(r, scratch)).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBeLessThanOrEqual(8192);
    expect(fitCanvas(r, scratch)).toBe(false);
    expect(calls).toHaveLength(1);
    // A device with a smaller limit: smaller still.
    const small = renderer(9000, 467, 1, 4096);
    fitCanvas(small.r, scratch);
    expect(small.calls[0][0]).toBe(4096);
  });
});
