/**
 * Readers of parsed JSON that name the path of what they read: each returns the value when it is what
 * was asked for and throws a ShareError naming the path otherwise. Only own properties are read.
 */
import { ShareError, show } from './errors';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An own property of a parsed object (never one inherited from Object.prototype). */
export function own(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

export function objectAt(v: unknown, path: string): JsonObject {
  if (!isObject(v)) throw new ShareError(`must be an object; got ${show(v)}`, path);
  return v;
}

export function arrayAt(v: unknown, length: number, what: string, path: string): unknown[] {
  if (!Array.isArray(v)) throw new ShareError(`must be an array of ${length} ${what}; got ${show(v)}`, path);
  if (v.length !== length) throw new ShareError(`must have ${length} ${what}; got ${v.length}`, path);
  return v;
}

export function integerAt(v: unknown, min: number, max: number, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ShareError(`must be a whole number from ${min} to ${max}; got ${show(v)}`, path);
  }
  return v;
}

export function floatAt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ShareError(`must be a finite number; got ${show(v)}`, path);
  }
  if (!Number.isFinite(Math.fround(v))) throw new ShareError(`is ${v}, out of range for 32-bit floats`, path);
  return v;
}

export function floatsInto(
  v: unknown,
  out: Float32Array,
  offset: number,
  length: number,
  what: string,
  path: string,
): void {
  const list = arrayAt(v, length, what, path);
  for (let i = 0; i < length; i++) out[offset + i] = floatAt(list[i], `${path}[${i}]`);
}
