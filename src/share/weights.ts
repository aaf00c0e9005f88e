/**
 * Trained weights as text for links and saved state: the flat parameter array (the engine's layout:
 * per layer W as (units, inputs) row-major, then b) as little-endian bytes, optionally quantised,
 * compressed with raw deflate and written as base64url behind a precision tag: `f32.<data>`,
 * `q16.<data>` or `q8.<data>`.
 *
 * - f32: the float32 values as they are (bit-exact).
 * - q16 / q8: per tensor (each W and each b) a float32 scale = max |value| / 32767 (or 127), then every
 *   value as round(value / scale) in a signed 16-bit (8-bit) integer. The error is at most scale / 2:
 *   invisible in the view, and a q8 link of the largest network stays well under the link limit.
 */
import type { NetworkSpec } from '../engine/spec';
import { paramLayout, widths } from '../engine/spec';
import { fromBase64url, toBase64url } from './base64url';
import { ShareError, messageOf } from './errors';

export const WEIGHT_PRECISIONS = ['f32', 'q16', 'q8'] as const;
export type WeightPrecision = (typeof WEIGHT_PRECISIONS)[number];

/**
 * [offset, length] of every tensor in the flat array: W then b for each dense layer; the vectors, the
 * anchors and σ for each vector-field layer.
 */
function tensors(spec: NetworkSpec): [number, number][] {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const out: [number, number][] = [];
  for (let l = 0; l < spec.layers.length; l++) {
    const f = layout.field[l];
    if (f) {
      out.push([f.v, f.anchors * f.width], [f.centres, f.anchors * f.width], [f.sigma, 1]);
      continue;
    }
    out.push([layout.weight[l], w[l + 1] * w[l]]);
    out.push([layout.bias[l], w[l + 1]]);
  }
  return out;
}

/** Bytes of the uncompressed payload for a spec at a precision. */
export function payloadBytes(spec: NetworkSpec, precision: WeightPrecision): number {
  const count = paramLayout(spec).count;
  if (precision === 'f32') return count * 4;
  return tensors(spec).length * 4 + count * (precision === 'q16' ? 2 : 1);
}

/** Throws a ShareError when the parameters do not fit the spec or are not finite float32 values. */
export function checkParams(spec: NetworkSpec, params: ArrayLike<number>, field: string): void {
  const count = paramLayout(spec).count;
  if (params.length !== count) {
    throw new ShareError(`the network has ${count} parameters but ${params.length} were given`, field);
  }
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (!Number.isFinite(Math.fround(v))) {
      throw new ShareError(`parameter ${i} is ${v}; only finite 32-bit floats are allowed`, field);
    }
  }
  paramLayout(spec).field.forEach((f, l) => {
    if (f && !(params[f.sigma] > 0)) {
      throw new ShareError(
        `layer ${l + 1}'s σ (parameter ${f.sigma}) is ${params[f.sigma]}; it must be positive`,
        field,
      );
    }
  });
}

/** The uncompressed payload. */
export function packWeights(
  spec: NetworkSpec,
  params: Float32Array,
  precision: WeightPrecision,
  field = 'w',
): Uint8Array<ArrayBuffer> {
  checkParams(spec, params, field);
  const bytes = new Uint8Array(payloadBytes(spec, precision));
  const view = new DataView(bytes.buffer);
  if (precision === 'f32') {
    for (let i = 0; i < params.length; i++) view.setFloat32(i * 4, params[i], true);
    return bytes;
  }
  const qmax = precision === 'q16' ? 32767 : 127;
  let o = 0;
  for (const [offset, length] of tensors(spec)) {
    let most = 0;
    for (let i = 0; i < length; i++) most = Math.max(most, Math.abs(params[offset + i]));
    const scale = Math.fround(most / qmax);
    view.setFloat32(o, scale, true);
    o += 4;
    for (let i = 0; i < length; i++) {
      const q = scale > 0 ? Math.max(-qmax, Math.min(qmax, Math.round(params[offset + i] / scale))) : 0;
      if (precision === 'q16') {
        view.setInt16(o, q, true);
        o += 2;
      } else {
        view.setInt8(o, q);
        o += 1;
      }
    }
  }
  return bytes;
}

/** Reads a payload made by packWeights; throws a ShareError when it does not fit the spec. */
export function unpackWeights(
  spec: NetworkSpec,
  bytes: Uint8Array,
  precision: WeightPrecision,
  field: string,
): Float32Array {
  const expected = payloadBytes(spec, precision);
  if (bytes.length !== expected) {
    const count = paramLayout(spec).count;
    throw new ShareError(
      `the weights hold ${bytes.length} bytes but ${count} parameters at ${precision} need ${expected}: ` +
        'they belong to another network',
      field,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const params = new Float32Array(paramLayout(spec).count);
  if (precision === 'f32') {
    for (let i = 0; i < params.length; i++) params[i] = view.getFloat32(i * 4, true);
  } else {
    let o = 0;
    for (const [offset, length] of tensors(spec)) {
      const scale = view.getFloat32(o, true);
      o += 4;
      if (!Number.isFinite(scale) || scale < 0) {
        throw new ShareError(`a quantisation scale is ${scale}; it must be a finite number >= 0`, field);
      }
      for (let i = 0; i < length; i++) {
        const q = precision === 'q16' ? view.getInt16(o, true) : view.getInt8(o);
        o += precision === 'q16' ? 2 : 1;
        params[offset + i] = q * scale;
      }
    }
  }
  checkParams(spec, params, field);
  return params;
}

async function readAll(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  field: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new ShareError(`the data unpacks to more than the ${maxBytes} bytes expected`, field);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof ShareError) throw e;
    throw new ShareError(`the compressed data is damaged (${messageOf(e)})`, field);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Raw deflate (CompressionStream 'deflate-raw': browsers and Node 20). */
export async function deflateRaw(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return readAll(stream, Number.MAX_SAFE_INTEGER, 'w');
}

/** Inflates raw deflate, stopping with a ShareError as soon as the output passes `maxBytes`. */
export async function inflateRaw(
  bytes: Uint8Array<ArrayBuffer>,
  maxBytes: number,
  field: string,
): Promise<Uint8Array<ArrayBuffer>> {
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  } catch (e) {
    throw new ShareError(`cannot decompress here (${messageOf(e)})`, field);
  }
  return readAll(stream, maxBytes, field);
}

/** `<precision>.<base64url of the deflated payload>`. */
export async function encodeWeights(
  spec: NetworkSpec,
  params: Float32Array,
  precision: WeightPrecision = 'f32',
): Promise<string> {
  return `${precision}.${toBase64url(await deflateRaw(packWeights(spec, params, precision)))}`;
}

function splitTag(text: string, field: string): { precision: WeightPrecision; data: string } {
  const dot = text.indexOf('.');
  const tag = dot < 0 ? '' : text.slice(0, dot);
  if (!(WEIGHT_PRECISIONS as readonly string[]).includes(tag)) {
    throw new ShareError(
      `weights must start with one of ${WEIGHT_PRECISIONS.map((p) => `${p}.`).join(', ')}; got ${JSON.stringify(text.slice(0, 8))}`,
      field,
    );
  }
  return { precision: tag as WeightPrecision, data: text.slice(dot + 1) };
}

/** Reads text made by encodeWeights for this spec; throws a ShareError naming `field` (default `w`). */
export async function decodeWeights(spec: NetworkSpec, text: string, field = 'w'): Promise<Float32Array> {
  const { precision, data } = splitTag(text, field);
  const bytes = await inflateRaw(fromBase64url(data, field), payloadBytes(spec, precision), field);
  return unpackWeights(spec, bytes, precision, field);
}

/** Uncompressed, synchronous form for saved state: `<precision>.<base64url of the payload>`. */
export function encodeWeightsRaw(
  spec: NetworkSpec,
  params: Float32Array,
  precision: WeightPrecision = 'f32',
): string {
  return `${precision}.${toBase64url(packWeights(spec, params, precision, 'weights'))}`;
}

export function decodeWeightsRaw(spec: NetworkSpec, text: string, field = 'weights'): Float32Array {
  const { precision, data } = splitTag(text, field);
  return unpackWeights(spec, fromBase64url(data, field), precision, field);
}
