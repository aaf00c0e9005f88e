/** Wall-clock timing of work that ends by waiting for its result (the GPU's included). */

export interface Timing {
  /** Repetitions in the timed call and the seconds it took. */
  reps: number;
  seconds: number;
}

export interface MeasureOptions {
  /** The timed call lasts at least this long (unless maxReps stops it first). */
  minSeconds: number;
  maxReps?: number;
}

/**
 * Times `run(n)`, which performs n repetitions and resolves once their results exist (for the GPU: after
 * awaiting a readback or onSubmittedWorkDone). The caller has already warmed up (compiled pipelines, run
 * once for the check). A first timed repetition estimates the cost; when it alone lasts minSeconds it is
 * the measurement, otherwise calls with more repetitions follow until one lasts at least minSeconds.
 */
export async function measure(
  run: (reps: number) => Promise<void> | void,
  options: MeasureOptions,
): Promise<Timing> {
  const maxReps = options.maxReps ?? 1e9;
  let reps = 1;
  let seconds = await timeOnce(run, reps);
  while (seconds < options.minSeconds && reps < maxReps) {
    const wanted = Math.ceil((reps * options.minSeconds * 1.15) / Math.max(seconds, 1e-6));
    reps = Math.min(maxReps, Math.max(2 * reps, wanted));
    seconds = await timeOnce(run, reps);
  }
  return { reps, seconds };
}

async function timeOnce(run: (reps: number) => Promise<void> | void, reps: number): Promise<number> {
  const start = performance.now();
  await run(reps);
  return (performance.now() - start) / 1000;
}
