/**
 * The batch schedule, shared by every training kernel and the twin.
 *
 * Each epoch visits the N training samples in a fresh order drawn from (seed, epoch) by a keyed
 * bijection of [0, N): a 4-round (unbalanced) Feistel network over the index bits, cycle-walked until it
 * lands inside [0, N). Nothing is sorted or uploaded; any kernel can find the sample of a batch slot.
 * Step g covers epoch floor(g / S), slots [j·B, min(N, (j+1)·B)) with j = g mod S, S = ceil(N / B):
 * the last batch of an epoch is smaller when B does not divide N, as in Keras.
 */

/** A 32-bit integer hash (the "lowbias32" mixer). Written with Math.imul so it wraps like WGSL's u32. */
export function hash32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** Bits of the permuted domain: the smallest count (at least 2) with 2^bits ≥ n, so that cycle-walking
 *  rarely needs a second pass (the domain is less than twice n). */
export function indexBits(n: number): number {
  let bits = 2;
  while (2 ** bits < n) bits++;
  return bits;
}

export function epochKey(seed: number, epoch: number): number {
  return hash32((Math.imul(seed >>> 0, 0x9e3779b9) + hash32(epoch >>> 0)) >>> 0);
}

/**
 * Slot i of the epoch whose key is `key` holds sample permute(i). A bijection of [0, n).
 * The index is split into a low part of ⌊bits/2⌋ bits and a high part of the rest; four rounds each XOR one
 * part with a keyed hash of the other (each round is invertible), alternating parts.
 */
export function permute(i: number, n: number, key: number, bits: number): number {
  const lowBits = bits >>> 1;
  const lowMask = (1 << lowBits) - 1;
  const highMask = (1 << (bits - lowBits)) - 1;
  let x = i >>> 0;
  do {
    let low = x & lowMask;
    let high = x >>> lowBits;
    for (let round = 0; round < 4; round++) {
      const roundKey = (key + Math.imul(round, 0x85ebca6b)) >>> 0;
      if (round % 2 === 0) high ^= hash32((low ^ roundKey) >>> 0) & highMask;
      else low ^= hash32((high ^ roundKey) >>> 0) & lowMask;
    }
    x = ((high << lowBits) | low) >>> 0;
  } while (x >= n);
  return x;
}

export interface BatchSlice {
  epoch: number;
  /** First and one-past-last slot of the batch within the epoch's order. */
  start: number;
  end: number;
}

export function stepsPerEpoch(n: number, batch: number): number {
  return Math.ceil(n / Math.min(batch, n));
}

export function batchOfStep(step: number, n: number, batch: number): BatchSlice {
  const b = Math.min(batch, n);
  const perEpoch = Math.ceil(n / b);
  const epoch = Math.floor(step / perEpoch);
  const j = step - epoch * perEpoch;
  return { epoch, start: j * b, end: Math.min(n, (j + 1) * b) };
}
