/** TF.js in Node: the cpu backend (pure JS) and the wasm backend, whose .wasm files load from node_modules. */
// The tfjs package's Node bundle registers every gradient (and the cpu backend). tfjs-core's own
// register_all_gradients is an ES module with extensionless imports, which plain Node cannot load.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { TfBackend } from '../tfjsCommon';
import { tf } from '../tfjsCommon';

export function nodeTfBackends(): TfBackend[] {
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(`${dist}${path.sep}`);
  // Quiet the "install tfjs-node" notice: these backends are the point of the comparison.
  tf.env().set('PROD', true);
  return [
    { impl: 'tfjs-cpu', backend: 'cpu', flags: {} },
    { impl: 'tfjs-wasm', backend: 'wasm', flags: {} },
  ];
}
