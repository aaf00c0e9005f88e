/**
 * The evaluation of the training and test sets: their data on the GPU, the loss and accuracy over each set
 * (the straight-line kernel for small networks, the looped one beyond), reduced into the engine's result
 * buffer in a fixed order.
 */
import type { Dataset } from './dataset';
import { fitsFused, fusedEvaluateWgsl } from './codegen';
import { bindGroup, dispatchSize, pipelines, storageBuffer, uniformBuffer, write } from './gpuUtil';
import { SHADERS, withNetwork } from './shaders';
import type { NetworkSpec } from './spec';

/** One data set on the GPU, with its evaluation's partial sums, uniforms and bind groups. */
export interface DataBuffers {
  x: GPUBuffer;
  y: GPUBuffer;
  count: number;
  partials: GPUBuffer;
  groups: [number, number];
  evalUniform: GPUBuffer;
  reduceUniform: GPUBuffer;
  evalGroup: GPUBindGroup | null;
  reduceGroup: GPUBindGroup | null;
}

/** Frees a set's buffers. */
export function destroyDataBuffers(d: DataBuffers): void {
  d.x.destroy();
  d.y.destroy();
  d.partials.destroy();
  d.evalUniform.destroy();
  d.reduceUniform.destroy();
}

function pipeline(device: GPUDevice, label: string, code: string, entryPoint: string): GPUComputePipeline {
  return pipelines(device, label, code, 'auto', [entryPoint])[entryPoint];
}

export class Evaluation {
  /** Whether evaluation runs the straight-line kernel (small networks) or the looped one. */
  private readonly fused: boolean;
  private readonly pipeline: GPUComputePipeline;
  private readonly reducePipeline: GPUComputePipeline;

  constructor(
    private readonly device: GPUDevice,
    spec: NetworkSpec,
    private readonly buffers: { net: GPUBuffer; params: GPUBuffer; result: GPUBuffer },
  ) {
    this.fused = fitsFused(spec);
    this.pipeline = this.fused
      ? pipeline(
          device,
          'Engine.evalPipeline',
          fusedEvaluateWgsl(spec, SHADERS.common, SHADERS.evaluateFused),
          'main',
        )
      : pipeline(device, 'Engine.evalPipeline', withNetwork(SHADERS.evaluate), 'main');
    this.reducePipeline = pipeline(device, 'Engine.reducePipeline', SHADERS.reduceStats, 'main');
  }

  upload(name: string, data: Dataset, slot: number): DataBuffers {
    const device = this.device;
    const count = data.y.length;
    const x = storageBuffer(device, `Engine.${name}.x`, data.x.byteLength);
    const y = storageBuffer(device, `Engine.${name}.y`, data.y.byteLength);
    write(device, x, data.x);
    write(device, y, data.y);
    const groups = dispatchSize(device, Math.ceil(count / 64));
    const partialCount = groups[0] * groups[1];
    const partials = storageBuffer(device, `Engine.${name}.partials`, partialCount * 8);
    const evalUniform = uniformBuffer(device, `Engine.${name}.evalUniform`, 16);
    const reduceUniform = uniformBuffer(device, `Engine.${name}.reduceUniform`, 16);
    device.queue.writeBuffer(evalUniform, 0, new Uint32Array([count, slot, 0, 0]));
    device.queue.writeBuffer(reduceUniform, 0, new Uint32Array([partialCount, slot, 0, 0]));
    const buffers: DataBuffers = {
      x,
      y,
      count,
      partials,
      groups,
      evalUniform,
      reduceUniform,
      evalGroup: null,
      reduceGroup: null,
    };
    const evalBuffers = [x, y, this.buffers.params, partials, evalUniform];
    buffers.evalGroup = bindGroup(
      device,
      `Engine.${name}.evalGroup`,
      this.pipeline,
      this.fused ? evalBuffers : [this.buffers.net, ...evalBuffers],
    );
    buffers.reduceGroup = bindGroup(device, `Engine.${name}.reduceGroup`, this.reducePipeline, [
      partials,
      this.buffers.result,
      reduceUniform,
    ]);
    return buffers;
  }

  /** Encodes the evaluation of each set given: its loss and accuracy into the result buffer. */
  encode(encoder: GPUCommandEncoder, sets: readonly (DataBuffers | null)[]): void {
    const pass = encoder.beginComputePass({ label: 'Engine.evaluate.pass' });
    for (const data of sets) {
      if (!data) continue;
      pass.setPipeline(this.pipeline);
      pass.setBindGroup(0, data.evalGroup!);
      pass.dispatchWorkgroups(...data.groups);
      pass.setPipeline(this.reducePipeline);
      pass.setBindGroup(0, data.reduceGroup!);
      pass.dispatchWorkgroups(1);
    }
    pass.end();
  }
}
