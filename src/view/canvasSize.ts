/**
 * The size a renderer draws at: the canvas's CSS size, scaled down (both sides alike, so the picture
 * keeps its shape) until its drawing buffer (CSS size × pixel ratio) fits the device's largest texture.
 * A layout that grows past that limit (say, an overlong label) then draws a little blurred instead of not
 * at all: a canvas beyond maxTextureDimension2D fails every frame with a GPU error.
 */
import type * as THREE from 'three/webgpu';

/** Used where the backend does not say (the least every WebGL2 device holds is 2048; most hold 8192). */
export const FALLBACK_MAX_DIMENSION = 4096;

/** The CSS size to give a renderer whose canvas is `width` × `height` CSS pixels. */
export function drawingSize(
  width: number,
  height: number,
  pixelRatio: number,
  maxDimension: number,
): { width: number; height: number } {
  const ratio = pixelRatio > 0 ? pixelRatio : 1;
  const largest = Math.max(width, height) * ratio;
  if (!(largest > maxDimension)) return { width, height };
  const k = maxDimension / largest;
  // Rounded down: the buffer three makes is ⌊size × ratio⌋, never more than the limit.
  return {
    width: Math.max(1, Math.floor(width * k)),
    height: Math.max(1, Math.floor(height * k)),
  };
}

/** The largest texture side the renderer's device holds. */
export function maxDimension(renderer: THREE.WebGPURenderer): number {
  const backend = renderer.backend as unknown as {
    device?: GPUDevice;
    gl?: WebGL2RenderingContext;
  };
  const fromDevice = backend.device?.limits?.maxTextureDimension2D;
  if (typeof fromDevice === 'number' && fromDevice > 0) return fromDevice;
  const gl = backend.gl;
  const fromGl = gl ? Number(gl.getParameter(gl.MAX_TEXTURE_SIZE)) : NaN;
  return Number.isFinite(fromGl) && fromGl > 0 ? fromGl : FALLBACK_MAX_DIMENSION;
}

/**
 * Sizes the renderer to its canvas within the device's limit; true when the size changed. `scratch`
 * receives the renderer's size (no allocation per frame).
 */
export function fitCanvas(renderer: THREE.WebGPURenderer, scratch: THREE.Vector2): boolean {
  const canvas = renderer.domElement;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (!(w > 0 && h > 0)) return false;
  const target = drawingSize(w, h, renderer.getPixelRatio(), maxDimension(renderer));
  const size = renderer.getSize(scratch);
  if (size.x === target.width && size.y === target.height) return false;
  renderer.setSize(target.width, target.height, false);
  return true;
}
