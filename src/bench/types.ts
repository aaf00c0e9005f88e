/**
 * What a benchmark run produces: every measurement of every implementation, each with the check of its
 * sampled outputs against the TypeScript twin. The Node and browser runners produce the same document.
 */

export type WorkloadKind = 'grid' | 'train' | 'frame';

/** A figure and its unit, e.g. { value: 84.2, unit: 'ms/frame' }. */
export interface Figure {
  value: number;
  unit: string;
}

/** Sampled outputs of one implementation against the twin (float64): max |Δ| ≤ tolerance. */
export interface Check {
  /** What was compared, e.g. "every layer of 192 sampled vertices". */
  what: string;
  maxError: number;
  /** Allowed error: abs + rel · |reference| at the worst sample. */
  tolerance: number;
  ok: boolean;
}

/** One implementation on one case of a workload. */
export interface Measurement {
  workload: string;
  /** The row of the workload's table, e.g. "1024×1024" or "batch 32". */
  case: string;
  /** The column: an Impl id (see IMPLS). */
  impl: string;
  /** Figures by name; the workload's `primary` figure comes first. Empty when skipped or failed. */
  figures: Record<string, Figure>;
  /** Null only where nothing ran (skipped, or failed before the check). */
  check: Check | null;
  /** Timed repetitions (frames, steps) and the seconds they took. */
  reps: number;
  seconds: number;
  /** Why the case was not run (memory, size cap, no backend). */
  skipped?: string;
  /** Why it failed (check beyond tolerance, an error, a diverged run). Its figures do not count. */
  failed?: string;
}

export interface Workload {
  id: string;
  kind: WorkloadKind;
  title: string;
  /** The figure compared between implementations. */
  primary: string;
  /** Whether a larger primary figure is better (steps/s) or a smaller one (ms/frame). */
  higherIsBetter: boolean;
  /** What the rows are (the first column's header), e.g. "grid" or "batch". */
  rowName: string;
  /** Rows in order. */
  cases: string[];
  /** The implementation other columns are compared with; by default Detangle's best checked figure in the row. */
  compareTo?: string;
  notes: string[];
}

export interface BenchReport {
  tool: 'detangle-bench';
  version: 1;
  adapter: string;
  runtime: string;
  command: string;
  quick: boolean;
  startedAt: string;
  seconds: number;
  workloads: Workload[];
  measurements: Measurement[];
  /** Cases skipped as a whole, and anything else the reader should know. */
  messages: string[];
}
