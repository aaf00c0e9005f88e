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
  {
    name: 'grid-cost-square-lattice',
    why: 'every grid counted as a square lattice, so a 1-D line of 4 × density points is lowered for nothing',
    file: 'src/app/shell/gridDensity.ts',
    find: 'return gridVertices(inputSize, Math.round(grid)) * Math.max(1, units);',
    replace: 'return Math.round(grid) ** 2 * Math.max(1, units);',
    test: 'tests/app-grid-density.test.ts',
    filter: 'cost',
  },
  {
    name: 'grid-cost-undoes-raises',
    why: 'the cost rule looks at every rebuild of the views, so a raise the frames allowed is lowered again',
    file: 'src/app/shell/frameReport.ts',
    find: '    if (key === this.costKey) return grid;\n',
    replace: '',
    test: 'tests/app-frame-report.test.ts',
    filter: 'costly',
  },
];
