/**
 * Exit codes of the command-line tools, and the one-line error they print:
 * 0 done, 1 anything unexpected, 2 bad options or input (the message names it and what is accepted),
 * 3 training diverged (see src/experiment/divergence.ts for runs of several seeds).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_DIVERGED = 3;

/** Errors about what the person gave: options, files, links, model files, data and network shapes. */
const INPUT_ERRORS = new Set(['UsageError', 'DataError', 'SpecError', 'CsvError', 'ShareError']);

export function exitCodeOf(error: unknown): number {
  return error instanceof Error && INPUT_ERRORS.has(error.name) ? EXIT_USAGE : EXIT_FAILURE;
}

/** `error: <message>` on one line, whatever was thrown. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `error: ${message.replace(/\s*\n\s*/g, ' ')}`;
}
