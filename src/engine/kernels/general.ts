/**
 * The general path: four dispatches per step (shaders/general_step.wgsl, codegenGeneral.ts) over many
 * workgroups: forward and backward per sample, the gradient summed per chunk of the batch, the update, and
 * `advance` to the next step. Every shape, with or without the contractive penalty. Its pipelines, scratch
 * and bind group are the shared ones (sharedScratch.ts) the other looped kernels borrow.
 */
import type { Kernel } from './kernel';
import { generalWgsl } from './sharedScratch';

export const general: Kernel = {
  kind: 'general',
  fits: () => true,
  refusal: () => null,
  competes: () => true,
  oneWorkgroup: false,
  tieRank: 3,
  probe: 'always',
  sharedScratch: true,
  wgsl: (spec, o) => generalWgsl(o.contractive, spec.knn),
  create() {
    return {
      prepare(host) {
        return {
          encode(pass, steps) {
            const p = host.shared.pipelines(host);
            pass.setBindGroup(0, host.shared.group);
            const batch = host.batchSize;
            const paramGroups = Math.ceil((host.paramCount + 1) / 64);
            const slots = Math.ceil(batch / 64);
            // A k-NN output's loss needs the whole batch's outputs first: four passes instead of one.
            const first = p.knn_forward
              ? [p.knn_forward, p.knn_sums!, p.knn_delta!, p.knn_backward!]
              : [p.forward_backward];
            for (let s = 0; s < steps; s++) {
              for (const pipeline of first) {
                pass.setPipeline(pipeline);
                pass.dispatchWorkgroups(slots);
              }
              pass.setPipeline(p.gradient);
              pass.dispatchWorkgroups(paramGroups, host.shared.chunks);
              pass.setPipeline(p.update);
              pass.dispatchWorkgroups(Math.ceil(host.paramCount / 64));
              pass.setPipeline(p.advance);
              pass.dispatchWorkgroups(1);
            }
          },
        };
      },
    };
  },
};
