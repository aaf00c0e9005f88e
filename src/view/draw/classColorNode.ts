/**
 * A class's colour in the shaders, as the points and the k-NN regions are drawn: TSL, DOM-free.
 */
import { vec3 } from 'three/tsl';
import { CLASS_COLORS, rgb } from '../theme';
import type { N } from './displayNodes';

/**
 * The colour of class `cls` (a float holding a class number) among `classes`, as constants chosen in turn:
 * the nearest class number wins, so a class read as 0.99999994 (interpolated) is class 1.
 */
export function classColorNode(cls: N, classes: number): N {
  let color: N = vec3(...rgb(CLASS_COLORS[0]));
  for (let k = 1; k < Math.max(2, classes); k++) {
    color = cls.greaterThan(k - 0.5).select(vec3(...rgb(CLASS_COLORS[k % CLASS_COLORS.length])), color);
  }
  return color;
}
