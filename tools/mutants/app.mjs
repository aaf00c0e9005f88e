// Planted bugs in the app's faults: each is caught by the test file named.
export const MUTANTS = [
  {
    name: 'device-loss-forgets-history',
    why: 'the kept moments are not put back after a replaced device (the timeline starts empty)',
    file: 'src/app/runtime/recovery.ts',
    find: '  if (same) app.recorder.carryIn(lost.moments);\n',
    replace: '',
    test: 'tests/app-recovery.test.ts',
    filter: 'lost device',
  },
  {
    name: 'canvas-size-ignores-pixel-ratio',
    why: 'the canvas is clamped in CSS pixels, so at a pixel ratio of 2 its buffer is twice the device limit',
    file: 'src/view/canvasSize.ts',
    find: 'const largest = Math.max(width, height) * ratio;',
    replace: 'const largest = Math.max(width, height);',
    test: 'tests/app-canvas-size.test.ts',
  },
];
