/**
 * What a piece of work costs against a plain baseline doing like work on the same input, measured without
 * trusting the clock of a busy machine: the two alternate (so both meet the same load and the same heap),
 * and the fastest run of each is kept (a shared machine slows some runs, never the fastest). Work that is
 * linear like its baseline keeps a steady ratio; a quadratic step multiplies it by the input's size.
 */
export function costRatio(work: () => void, baseline: () => void, pairs = 5): number {
  work();
  baseline();
  let a = Infinity;
  let b = Infinity;
  for (let i = 0; i < pairs; i++) {
    let start = performance.now();
    baseline();
    a = Math.min(a, performance.now() - start);
    start = performance.now();
    work();
    b = Math.min(b, performance.now() - start);
  }
  return b / Math.max(a, 1e-3);
}
