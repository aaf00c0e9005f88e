/** Float32 values as little-endian bytes in standard base64 (RFC 4648 section 4, padded), for model files. */
import { fromBase64url, toBase64url } from './base64url';
import { ShareError, show } from './errors';

// Standard base64 (with + / and = padding) on top of the base64url codec.
function toBase64(bytes: Uint8Array): string {
  const url = toBase64url(bytes);
  return url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (url.length % 4)) % 4);
}

function fromBase64(text: string, field: string): Uint8Array<ArrayBuffer> {
  if (text.length % 4 !== 0) {
    throw new ShareError(`is not base64: its length ${text.length} is not a multiple of 4`, field);
  }
  const body = text.replace(/={1,2}$/, '');
  const bad = /[^A-Za-z0-9+/]/.exec(body);
  if (bad) {
    throw new ShareError(
      `is not base64: character ${bad.index + 1} is ${JSON.stringify(bad[0])} (A-Z, a-z, 0-9, + and / only)`,
      field,
    );
  }
  return fromBase64url(body.replace(/\+/g, '-').replace(/\//g, '_'), field);
}

/** Float32 values as little-endian bytes in base64. */
export function floatsToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return toBase64(bytes);
}

/** Base64 of `count` little-endian float32 values, each finite; a ShareError naming `field` otherwise. */
export function floatsFromBase64(v: unknown, count: number, what: string, field: string): Float32Array {
  if (typeof v !== 'string') {
    throw new ShareError(`must be base64 text of ${count} float32 ${what}; got ${show(v)}`, field);
  }
  const bytes = fromBase64(v, field);
  if (bytes.length !== 4 * count) {
    throw new ShareError(
      `must hold ${count} float32 ${what} (${4 * count} bytes); got ${bytes.length} bytes`,
      field,
    );
  }
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = view.getFloat32(i * 4, true);
    if (!Number.isFinite(out[i])) throw new ShareError(`value ${i} is ${out[i]}; only finite numbers`, field);
  }
  return out;
}

/** Characters of base64 text for `count` float32 values. */
export function base64Chars(count: number): number {
  return 4 * Math.ceil((4 * count) / 3);
}
