/**
 * The run's status beside the settings: what the training bar, the banner and the test hook read, and
 * what the commands change (a divergence, a lost device, a recording, the last failure, link and file).
 * DOM-free.
 */

/** While a video records: the canvas's fixed size and what is filmed. */
export interface Recording {
  width: number;
  height: number;
  what: 'training' | 'interpolation';
  startedAt: number;
  seconds: number;
}

/** A file offered for download. */
export interface ExportRecord {
  kind: 'png' | 'webm' | 'json';
  name: string;
  type: string;
  bytes: number;
}

export interface RunStatus {
  /** The step training diverged at, while that is not dealt with; else null. */
  divergedAt: number | null;
  /** True from a lost device until its replacement runs; devices replaced so far. */
  deviceLost: boolean;
  recoveries: number;
  /** Set while a video records. */
  recording: Recording | null;
  /** The last failure (shown in the banner), cleared by a rebuild that works. */
  lastError: string | null;
  /** The last link made, and the last file offered for download (for tests and the curious). */
  lastLink: string | null;
  lastExport: ExportRecord | null;
  /** Presenting: the main view fills the screen, the caption and the story's outcome over it in large type. */
  presenting: boolean;
  /** Weights were set by hand since training last ran: the next Play resets the optimiser's moments. */
  handEdited: boolean;
}

export function defaultRunStatus(): RunStatus {
  return {
    divergedAt: null,
    deviceLost: false,
    recoveries: 0,
    recording: null,
    lastError: null,
    lastLink: null,
    lastExport: null,
    presenting: false,
    handEdited: false,
  };
}

/** The one state: the settings and the run's status. */
export interface AppState {
  readonly settings: import('./settings').Settings;
  readonly run: RunStatus;
}
