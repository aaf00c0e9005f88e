/**
 * The general training kernel (shaders/general_step.wgsl) is one text for every shape; the contractive
 * penalty is its one switch, a constant the compiler folds, so the kernel without it has none of its code.
 */
const SWITCH = 'const CONTRACTIVE: bool = false;';

export function generalStepWgsl(template: string, contractive: boolean): string {
  if (!template.includes(SWITCH)) throw new Error(`general_step.wgsl: no "${SWITCH}" line to set`);
  return contractive ? template.replace(SWITCH, 'const CONTRACTIVE: bool = true;') : template;
}
