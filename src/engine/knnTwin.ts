/**
 * The twin of colah's k-nearest-neighbour output (float64), on representations (the last layer's values):
 * the training loss over one batch, where each element is classified by the other elements of its batch
 * weighted by wᵢⱼ = 1/(‖hᵢ − hⱼ‖ + ε), and its gradient; and the test-time vote of the k nearest training
 * points. docs/maths.md derives the gradient.
 */

type Vec = Float64Array;

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let u = 0; u < a.length; u++) {
    const d = a[u] - b[u];
    s += d * d;
  }
  return Math.sqrt(s);
}

/**
 * The batch's k-NN loss and dL/dhᵢ of every element. Element i's loss is
 * Lᵢ = −log(S_same(i) / S_all(i)), S_all = Σ_{j≠i} wᵢⱼ, S_same = Σ_{j≠i, yⱼ=yᵢ} wᵢⱼ: cross-entropy on the
 * normalised weighted votes of the others. An element with no other of its class in the batch has no
 * defined vote for its class: it is left out (its loss and gradient are not counted). The loss is the
 * mean over the counted elements (0 when none is).
 */
export function knnBatchLoss(
  reps: readonly Vec[],
  labels: readonly number[],
  epsilon: number,
): { loss: number; grads: Vec[]; counted: number } {
  const n = reps.length;
  const grads = reps.map((h) => new Float64Array(h.length));
  const d: number[][] = reps.map((a) => reps.map((b) => distance(a, b)));
  const losses: number[] = [];
  const terms: { i: number; all: number; same: number }[] = [];
  for (let i = 0; i < n; i++) {
    let all = 0;
    let same = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const w = 1 / (d[i][j] + epsilon);
      all += w;
      if (labels[j] === labels[i]) same += w;
    }
    if (same > 0) {
      losses.push(Math.log(all) - Math.log(same));
      terms.push({ i, all, same });
    }
  }
  const counted = terms.length;
  if (counted === 0) return { loss: 0, grads, counted };
  for (const { i, all, same } of terms) {
    for (let j = 0; j < n; j++) {
      if (j === i || d[i][j] === 0) continue;
      const w = 1 / (d[i][j] + epsilon);
      // ∂Lᵢ/∂wᵢⱼ · ∂wᵢⱼ/∂dᵢⱼ / dᵢⱼ, over the batch mean.
      const dLdw = 1 / all - (labels[j] === labels[i] ? 1 / same : 0);
      const g = (dLdw * -w * w) / d[i][j] / counted;
      for (let u = 0; u < reps[i].length; u++) {
        const diff = reps[i][u] - reps[j][u];
        grads[i][u] += g * diff;
        grads[j][u] -= g * diff;
      }
    }
  }
  return { loss: losses.reduce((a, b) => a + b, 0) / counted, grads, counted };
}

/**
 * The weighted votes of the k nearest reference points (ties in distance: the lower index first), per
 * class: votes[c] = Σ over those of class c of 1/(distance + ε). `skip` leaves one reference out (a
 * training point is not its own neighbour).
 */
export function knnVotes(
  h: ArrayLike<number>,
  refs: readonly Vec[],
  refLabels: ArrayLike<number>,
  classes: number,
  k: number,
  epsilon: number,
  skip = -1,
): Vec {
  const near: { d: number; j: number }[] = [];
  for (let j = 0; j < refs.length; j++) if (j !== skip) near.push({ d: distance(h, refs[j]), j });
  near.sort((a, b) => a.d - b.d || a.j - b.j);
  const votes = new Float64Array(classes);
  for (const { d, j } of near.slice(0, k)) votes[Math.round(refLabels[j])] += 1 / (d + epsilon);
  return votes;
}

/** The class with the most votes (the lowest on a tie). */
export function knnClass(votes: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < votes.length; c++) if (votes[c] > votes[best]) best = c;
  return best;
}

/**
 * knnVotes for many queries against one reference set, with the same arithmetic and the same order (so
 * bit for bit the same votes): the k nearest kept in a sorted list of k while the references are scanned,
 * instead of sorting them all per query, and no allocation per query. O(references × (width + k)) a
 * query: at 4,000 points a set's statistics take tens of milliseconds instead of seconds.
 */
export class KnnVoter {
  private readonly refs: Float64Array;
  private readonly width: number;
  private readonly nearD: Float64Array;
  private readonly nearJ: Int32Array;
  private readonly votes: Float64Array;

  constructor(
    refs: readonly Vec[],
    private readonly refLabels: ArrayLike<number>,
    classes: number,
    private readonly k: number,
    private readonly epsilon: number,
  ) {
    this.width = refs.length ? refs[0].length : 0;
    this.refs = new Float64Array(refs.length * this.width);
    refs.forEach((r, j) => this.refs.set(r, j * this.width));
    this.nearD = new Float64Array(k);
    this.nearJ = new Int32Array(k);
    this.votes = new Float64Array(classes);
  }

  /** The votes per class of h's k nearest references, `skip` left out; the array is reused by the next call. */
  vote(h: ArrayLike<number>, skip = -1): Float64Array {
    const { refs, width, nearD, nearJ, votes, k } = this;
    const found = kNearest(h, 0, refs, 0, refs.length / Math.max(1, width), width, k, skip, nearD, nearJ);
    nearestVotes(found, nearD, nearJ, this.refLabels, this.epsilon, votes);
    return votes;
  }
}

/**
 * The k nearest of `count` reference points (flat, `width` values each from `refAt`) to the point at `at`
 * of `query`, `skip` left out: their distances and indices into nearD and nearJ, nearest first and the
 * lower index first on a tie (knnVotes' order), kept in a sorted list of k while the references are
 * scanned. Returns how many were found (k, or fewer where there are fewer references).
 */
export function kNearest(
  query: ArrayLike<number>,
  at: number,
  refs: ArrayLike<number>,
  refAt: number,
  count: number,
  width: number,
  k: number,
  skip: number,
  nearD: Float64Array,
  nearJ: Int32Array,
): number {
  let found = 0;
  for (let j = 0; j < count; j++) {
    if (j === skip) continue;
    let s = 0;
    for (let u = 0, r = refAt + j * width; u < width; u++) {
      const d = query[at + u] - refs[r + u];
      s += d * d;
    }
    const d = Math.sqrt(s);
    if (found === k && d >= nearD[k - 1]) continue;
    // Insert after every equal one: the earlier point stays first on a tie.
    let i = found === k ? k - 1 : found++;
    while (i > 0 && nearD[i - 1] > d) {
      nearD[i] = nearD[i - 1];
      nearJ[i] = nearJ[i - 1];
      i--;
    }
    nearD[i] = d;
    nearJ[i] = j;
  }
  return found;
}

/** The votes of the `found` nearest per class, 1/(distance + ε) each, into `votes` (zeroed first); returns their sum. */
export function nearestVotes(
  found: number,
  nearD: Float64Array,
  nearJ: Int32Array,
  labels: ArrayLike<number>,
  epsilon: number,
  votes: Float64Array,
): number {
  votes.fill(0);
  let total = 0;
  for (let i = 0; i < found; i++) {
    const w = 1 / (nearD[i] + epsilon);
    votes[Math.round(labels[nearJ[i]])] += w;
    total += w;
  }
  return total;
}

/**
 * Loss and accuracy of a set at test time: each point classified by its k nearest reference points
 * (the training set's representations; a point of the reference set itself leaves itself out). The loss
 * is −log of the true class's share of the votes, the share floored at 1e-6 (a point none of whose
 * neighbours shares its class costs log 10⁶ ≈ 13.8).
 */
export function knnSetStats(
  reps: readonly Vec[],
  labels: ArrayLike<number>,
  refs: readonly Vec[],
  refLabels: ArrayLike<number>,
  options: { classes: number; k: number; epsilon: number; sameSet: boolean },
): { loss: number; accuracy: number; count: number } {
  const n = reps.length;
  let loss = 0;
  let correct = 0;
  const voter = new KnnVoter(refs, refLabels, options.classes, options.k, options.epsilon);
  for (let i = 0; i < n; i++) {
    const votes = voter.vote(reps[i], options.sameSet ? i : -1);
    const total = votes.reduce((a, b) => a + b, 0);
    const y = Math.round(labels[i]);
    loss -= Math.log(Math.max(total > 0 ? votes[y] / total : 0, 1e-6));
    if (knnClass(votes) === y) correct++;
  }
  return { loss: n ? loss / n : 0, accuracy: n ? correct / n : 0, count: n };
}
