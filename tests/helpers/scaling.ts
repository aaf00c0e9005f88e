/**
 * How a piece of work grows with its input, measured without trusting the clock of a busy machine: runs at
 * the two sizes alternate (so both meet the same load), and the fastest run at each size is kept (a shared
 * machine slows some runs, never the fastest). Linear work grows about as its input; quadratic work by
 * the square.
 */
export function growth(work: (size: number) => void, small: number, large: number, pairs = 5): number {
  work(small);
  work(large);
  let a = Infinity;
  let b = Infinity;
  for (let i = 0; i < pairs; i++) {
    let start = performance.now();
    work(small);
    a = Math.min(a, performance.now() - start);
    start = performance.now();
    work(large);
    b = Math.min(b, performance.now() - start);
  }
  return b / Math.max(a, 1e-3);
}
