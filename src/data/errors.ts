/** A dataset request that cannot be met: unknown name or parameter, a value out of range, a bad split. */
export class DataError extends Error {
  override name = 'DataError';
}
