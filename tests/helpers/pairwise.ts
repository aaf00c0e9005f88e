/**
 * Pairwise covering sets for the kernel tests: a few cases in which every pair of factor values meets,
 * instead of the full product.
 */
type Factors = Record<string, readonly (string | number)[]>;
export type CaseOf<F extends Factors> = { [K in keyof F]: F[K][number] };

/** Greedy pairwise cases: each new case covers as many uncovered pairs as it can. Deterministic. */
export function pairwise<F extends Factors>(factors: F): CaseOf<F>[] {
  const names = Object.keys(factors);
  const values = names.map((n) => factors[n]);
  const uncovered = new Set<string>();
  const key = (i: number, a: number, j: number, b: number): string => `${i}:${a},${j}:${b}`;
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++)
      for (let a = 0; a < values[i].length; a++)
        for (let b = 0; b < values[j].length; b++) uncovered.add(key(i, a, j, b));
  const cases: CaseOf<F>[] = [];
  while (uncovered.size > 0) {
    const [first] = uncovered;
    const [[i0, a0], [j0, b0]] = first.split(',').map((p) => p.split(':').map(Number));
    const choice = names.map(() => 0);
    choice[i0] = a0;
    choice[j0] = b0;
    for (let f = 0; f < names.length; f++) {
      if (f === i0 || f === j0) continue;
      let best = 0;
      let bestGain = -1;
      for (let v = 0; v < values[f].length; v++) {
        let gain = 0;
        for (let g = 0; g < names.length; g++) {
          if (g === f || (g > f && g !== i0 && g !== j0)) continue;
          const [x, y] = g < f ? [g, f] : [f, g];
          const [vx, vy] = g < f ? [choice[g], v] : [v, choice[g]];
          if (uncovered.has(key(x, vx, y, vy))) gain++;
        }
        if (gain > bestGain) [best, bestGain] = [v, gain];
      }
      choice[f] = best;
    }
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++) uncovered.delete(key(i, choice[i], j, choice[j]));
    cases.push(Object.fromEntries(names.map((n, f) => [n, values[f][choice[f]]])) as CaseOf<F>);
  }
  return cases;
}

/** The first pair of factor values that no case holds, or null where every pair meets. */
export function missingPair<F extends Factors>(factors: F, cases: CaseOf<F>[]): string | null {
  const names = Object.keys(factors);
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++)
      for (const a of factors[names[i]])
        for (const b of factors[names[j]])
          if (!cases.some((c) => c[names[i]] === a && c[names[j]] === b))
            return `${names[i]}=${a} with ${names[j]}=${b}`;
  return null;
}
