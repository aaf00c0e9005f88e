// Planted bugs in the network diagram (src/view/diagram, src/view/math/diagramLayout.ts): each must be
// caught by the test named.
export const MUTANTS = [
  {
    name: 'diagram-rows-overlap',
    why: 'rows a pixel closer than a node: neighbouring nodes overlap',
    file: 'src/view/math/diagramLayout.ts',
    find: 'y: y0 + row * (size + gap), size });',
    replace: 'y: y0 + row * (size - 1), size });',
    test: 'tests/diagram-layout.test.ts',
    filter: 'inside the box',
  },
  {
    name: 'diagram-compact-one-early',
    why: 'the compact form from COMPACT_UNITS units instead of past it',
    file: 'src/view/math/diagramLayout.ts',
    find: 'const isCompact = n > COMPACT_UNITS;',
    replace: 'const isCompact = n >= COMPACT_UNITS;',
    test: 'tests/diagram-layout.test.ts',
    filter: 'compact form',
  },
  {
    name: 'diagram-compact-two-columns-only',
    why: 'the compact form always in two sub-columns: 32 units shrink to illegible nodes on a laptop',
    file: 'src/view/math/diagramLayout.ts',
    find: 'for (const k of isCompact ? [2, 3, 4] : [1]) {',
    replace: 'for (const k of isCompact ? [2] : [1]) {',
    test: 'tests/diagram-layout.test.ts',
    filter: 'legible',
  },
  {
    name: 'diagram-colour-sign-cpu',
    why: 'the CPU colour map swaps the signs: positive values orange',
    file: 'src/view/diagram/diagramColors.ts',
    find: 'const side = t >= 0 ? POSITIVE_RGB : NEGATIVE_RGB;',
    replace: 'const side = t >= 0 ? NEGATIVE_RGB : POSITIVE_RGB;',
    test: 'tests/diagram-layout.test.ts',
    filter: 'colours',
  },
  {
    name: 'diagram-drag-direction',
    why: 'a drag upwards lowers the value',
    file: 'src/view/diagram/diagramGestures.ts',
    find: 'return start - dy * DRAG_STEP;',
    replace: 'return start + dy * DRAG_STEP;',
    test: 'tests/diagram-layout.test.ts',
    filter: 'drag',
  },
];
