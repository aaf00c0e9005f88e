/**
 * The one error class of links, model files and saved state: whatever is wrong with a shared input is
 * reported as a ShareError whose message names the field (`lr`, `layers[2].weights[1][0]`) and says what
 * is accepted. `field` holds that name on its own, or null when the input as a whole is at fault.
 */
export class ShareError extends Error {
  override name = 'ShareError';
  constructor(
    message: string,
    readonly field: string | null = null,
  ) {
    super(
      field === null ? message : `${field}${/^(must|is|are|has|have) /.test(message) ? ' ' : ': '}${message}`,
    );
  }
}

/** A value in a message: strings quoted and clipped, so a hostile input cannot flood the page. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  }
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
