/**
 * The shader's side of the misclassified-point rule (mistakeTracker.ts holds the CPU side, by the same
 * rule: one output unit says class 1 above ½; several say the first largest).
 */
import { float, uint } from 'three/tsl';
import type { N } from './displayNodes';

/**
 * The same rule in the shader: 1 where point `index` (whose class is `label`, a float) is misclassified by
 * the outputs the engine wrote at buffer[outOffset + index · units ...], else 0.
 */
export function mistakeNode(buffer: N, outOffset: N, index: N, units: number, label: N): N {
  const read = (unit: number): N =>
    buffer.element(outOffset.add(uint(index).mul(uint(units))).add(uint(unit)));
  let predicted: N;
  if (units === 1) predicted = read(0).greaterThan(0.5).select(float(1), float(0));
  else {
    let best: N = read(0);
    predicted = float(0);
    for (let k = 1; k < units; k++) {
      const p: N = read(k);
      const better: N = p.greaterThan(best);
      predicted = better.select(float(k), predicted);
      best = better.select(p, best);
    }
  }
  return predicted.sub(label.add(0.5).floor()).abs().greaterThan(0.5).select(float(1), float(0));
}
