/**
 * The one rule for numbers written as text, in links and on the command line: plain decimal notation,
 * `[+|-]digits[.digits][e[+|-]digits]`, nothing around it. No hexadecimal (`0x1`), no binary or octal,
 * no underscores, no spaces (`" 7 "`), no `Infinity`: what `Number()` would also accept but a person
 * rarely means.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The value of `text` when it is a plain decimal number, else null. `-0` reads as 0; a decimal too large
 * for a double (`1e999`) reads as ±Infinity, for the caller's range check to refuse with its range.
 */
export function decimalValue(text: string): number | null {
  return DECIMAL.test(text) ? Number(text) + 0 : null;
}
