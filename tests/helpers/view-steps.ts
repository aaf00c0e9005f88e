/** Shared by the Node and the browser sweeps of the main view. */

/**
 * Known shortfalls of the largest step (share of the diagonal; every other rule holds at its full value):
 * the spirals' first step into the 2 → 2 linear map at t = 3.01 (0.052), and the holes' last step of the
 * softmax at t = 3 (0.067), where the two outputs, summing to 1, close onto a line.
 */
export const STEP_LIMIT: Record<string, number> = {
  'spirals-2-2-2-2-2-1': 0.06,
  'holes-2-16-16-2': 0.075,
};
