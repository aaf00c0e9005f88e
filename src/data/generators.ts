/** Every synthetic dataset generator, one per module under sets/ grouped by source. */
export { rings } from './sets/rings';
export { circles, moons } from './sets/sklearn';
export { curves, spiral, interval, tori } from './sets/colah';
export { holes, segments, holeCentres } from './sets/johnson';
export { polynomial, quartic } from './sets/polynomial';
export { xor, gauss, blobs } from './sets/playground';
