/** Command-line flags: `--name value`, `--name=value` and bare switches, with one-line errors. */
import { decimalValue } from './share/numberText';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface FlagSpec {
  /** Flags that take no value. */
  switches: readonly string[];
  /** Flags that take a value. `null` accepts any further flag with a value (dataset parameters). */
  values: readonly string[] | null;
}

export interface ParsedFlags {
  values: Map<string, string>;
  switches: Set<string>;
}

export function parseFlags(argv: string[], spec: FlagSpec, extraValues: readonly string[] = []): ParsedFlags {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const known = spec.values ? new Set([...spec.values, ...extraValues]) : null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg.length < 3)
      throw new UsageError(`unexpected argument "${arg}": flags start with --`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (spec.switches.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      switches.add(name);
      continue;
    }
    if (known && !known.has(name)) {
      const all = [...spec.switches, ...known].map((f) => `--${f}`).join(', ');
      throw new UsageError(`unknown option --${name}; accepted: ${all}`);
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--')))
      throw new UsageError(`--${name} needs a value`);
    if (value.trim() === '') throw new UsageError(`--${name} needs a value; got an empty one`);
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    values.set(name, value);
  }
  return { values, switches };
}

/**
 * A number flag, read by the same rule as numbers in links (plain decimal notation: no `0x1`, no spaces,
 * no underscores) and checked against the range.
 */
export function numberFlag(
  flags: ParsedFlags,
  name: string,
  check: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const text = flags.values.get(name);
  if (text === undefined) return undefined;
  const value = decimalValue(text) ?? NaN;
  const kind = check.integer ? 'a whole number' : 'a number';
  const range =
    check.min !== undefined && check.max !== undefined
      ? ` from ${check.min} to ${check.max}`
      : check.min !== undefined
        ? ` ≥ ${check.min}`
        : '';
  const bad =
    !Number.isFinite(value) ||
    (check.integer && !Number.isInteger(value)) ||
    (check.min !== undefined && value < check.min) ||
    (check.max !== undefined && value > check.max);
  if (bad) {
    const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
    throw new UsageError(
      `--${name} must be ${kind}${range} in decimal notation; got ${JSON.stringify(shown)}`,
    );
  }
  return value;
}

export function choiceFlag<T extends string>(
  flags: ParsedFlags,
  name: string,
  choices: readonly T[],
): T | undefined {
  const text = flags.values.get(name);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got "${text}"`);
  }
  return text as T;
}
