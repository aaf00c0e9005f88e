/**
 * The general training kernel (shaders/general_step.wgsl) is one text for every shape; the contractive
 * penalty is its one switch, a constant the compiler folds, so the kernel without it has none of its code.
 */
const SWITCH = 'const CONTRACTIVE: bool = false;';

export function generalStepWgsl(template: string, contractive: boolean): string {
  if (!template.includes(SWITCH)) throw new Error(`general_step.wgsl: no "${SWITCH}" line to set`);
  return contractive ? template.replace(SWITCH, 'const CONTRACTIVE: bool = true;') : template;
}

const KNN_SWITCH = 'const KNN: bool = false;';
const KNN_EPSILON = 'const KNN_EPSILON: f32 = 0.001;';

/** The general step with colah's k-NN output (shaders/knn_step.wgsl appended, its ε written in). */
export function knnStepWgsl(template: string, knnStep: string, epsilon: number): string {
  if (!template.includes(KNN_SWITCH)) throw new Error(`general_step.wgsl: no "${KNN_SWITCH}" line to set`);
  if (!knnStep.includes(KNN_EPSILON)) throw new Error(`knn_step.wgsl: no "${KNN_EPSILON}" line to set`);
  const eps = Number.isInteger(epsilon) ? `${epsilon}.0` : String(Math.fround(epsilon));
  return `${template.replace(KNN_SWITCH, 'const KNN: bool = true;')}\n${knnStep.replace(KNN_EPSILON, `const KNN_EPSILON: f32 = ${eps};`)}`;
}
