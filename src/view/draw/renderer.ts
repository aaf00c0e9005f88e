/**
 * three.js renderers for the views: WebGPURenderer on the engine's own GPUDevice (so the vertex stage can
 * read the engine's buffers), or its WebGL2 backend where there is no WebGPU.
 */
import * as THREE from 'three/webgpu';
import { THEME } from '../theme';

export async function createRenderer(
  canvas: HTMLCanvasElement,
  device: GPUDevice | null,
): Promise<THREE.WebGPURenderer> {
  const renderer = device
    ? new THREE.WebGPURenderer({ canvas, device, antialias: false })
    : new THREE.WebGPURenderer({ canvas, forceWebGL: true, antialias: true });
  await renderer.init();
  const backend = renderer.backend as unknown as { isWebGPUBackend?: boolean; device?: GPUDevice };
  if (device && (!backend.isWebGPUBackend || backend.device !== device)) {
    throw new Error('three.js did not take the WebGPU device it was given');
  }
  renderer.setClearColor(THEME.background, 1);
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  return renderer;
}

export function isWebGPU(renderer: THREE.WebGPURenderer): boolean {
  return (renderer.backend as unknown as { isWebGPUBackend?: boolean }).isWebGPUBackend === true;
}

/**
 * Makes three draw from `buffer` wherever `attribute` is used (three.js r187 internals: the backend's
 * record of the attribute holds its GPUBuffer; set before the first render, three never replaces it).
 * Checked by the browser tests; pinned three version.
 */
export function bindExternalBuffer(
  renderer: THREE.WebGPURenderer,
  attribute: THREE.StorageBufferAttribute,
  buffer: GPUBuffer,
): void {
  const backend = renderer.backend as unknown as { get(o: object): { buffer?: GPUBuffer } };
  backend.get(attribute).buffer = buffer;
}
