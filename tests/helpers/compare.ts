/** Comparing a kernel's numbers with the twin's. */

/**
 * The largest |got − want| / (abs + rel·|want|) over the elements (Infinity where one is NaN): at most 1
 * means every element is within the tolerance.
 */
export function worstRatio(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  abs: number,
  rel: number,
): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const r = Math.abs(got[i] - want[i]) / (abs + rel * Math.abs(want[i]));
    worst = Number.isNaN(r) ? Infinity : Math.max(worst, r);
  }
  return worst;
}
