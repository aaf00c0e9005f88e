import { LIMITS } from '../engine/limits';
import { DataError } from './errors';

/** One numeric parameter of a dataset generator. */
export interface ParamSpec {
  default: number;
  min: number;
  max: number;
  /** Only whole numbers are accepted. */
  integer?: boolean;
  description: string;
}

export type ParamSpecs = Record<string, ParamSpec>;
/** Parameter values by name; a generator receives every one of its parameters. */
export type Params = Record<string, number>;

/** Most points one dataset may hold: what the engine can take (`LIMITS.maxSamples`, 2^21). */
export const MAX_SAMPLES = LIMITS.maxSamples;

/** The `samples` parameter every set has: total number of points. */
export function samplesParam(defaultValue: number, source: string, min = 2): ParamSpec {
  return {
    default: defaultValue,
    min,
    max: MAX_SAMPLES,
    integer: true,
    description: `total number of points (default ${defaultValue}: ${source})`,
  };
}

/** The `noise` parameter: standard deviation of Gaussian jitter added to every coordinate. */
export function noiseParam(defaultValue: number, max: number, source: string): ParamSpec {
  return {
    default: defaultValue,
    min: 0,
    max,
    description: `standard deviation of the Gaussian noise added to each coordinate (default ${defaultValue}: ${source})`,
  };
}

function describeRange(name: string, spec: ParamSpec): string {
  const kind = spec.integer ? 'a whole number' : 'a number';
  return `${name} must be ${kind} from ${spec.min} to ${spec.max}`;
}

/**
 * Fills defaults for the parameters not given and checks every value.
 * Throws a DataError naming the parameter and what it accepts.
 */
export function resolveParams(dataset: string, specs: ParamSpecs, given: Partial<Params>): Params {
  const names = Object.keys(specs);
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(specs, key)) {
      throw new DataError(`${dataset}: unknown parameter "${key}"; its parameters are ${names.join(', ')}`);
    }
  }
  const out: Params = {};
  for (const name of names) {
    const spec = specs[name];
    const raw = given[name];
    const value = raw === undefined ? spec.default : raw;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new DataError(`${dataset}: ${describeRange(name, spec)}; got ${String(value)}`);
    }
    if (value < spec.min || value > spec.max || (spec.integer && !Number.isInteger(value))) {
      throw new DataError(`${dataset}: ${describeRange(name, spec)}; got ${value}`);
    }
    out[name] = value;
  }
  return out;
}
