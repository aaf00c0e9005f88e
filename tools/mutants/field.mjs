// Planted bugs in the vector-field layer (src/engine/fieldTwin.ts, the general kernel's WGSL and the
// grid transform), each caught by the named test file. See tools/mutants/README.md.
export const MUTANTS = [
  {
    name: 'field-dx-sign',
    why: 'dL/dx of the field layer adds the Gaussians’ pull instead of subtracting it: layers below train on a wrong gradient',
    file: 'src/engine/fieldTwin.ts',
    find: 'dx[u] -= s * diff;',
    replace: 'dx[u] += s * diff;',
    test: 'tests/field-twin.test.ts',
    filter: 'finite differences',
  },
  {
    name: 'field-dv-drops-g',
    why: 'dL/dvᵢ = δ, the Gaussian weight gᵢ(x) dropped: every vector moves as if its anchor were under every point',
    file: 'src/engine/fieldTwin.ts',
    find: 'grad[f.v + row + u] += delta[u] * g[i];',
    replace: 'grad[f.v + row + u] += delta[u];',
    test: 'tests/field-twin.test.ts',
    filter: 'finite differences',
  },
  {
    name: 'field-centres-gradient-sign',
    why: 'learned centres move up the loss: dL/dcᵢ with its sign flipped',
    file: 'src/engine/fieldTwin.ts',
    find: 'if (learnCentres) grad[f.centres + row + u] += s * diff;',
    replace: 'if (learnCentres) grad[f.centres + row + u] -= s * diff;',
    test: 'tests/field-twin.test.ts',
    filter: 'finite differences',
  },
  {
    name: 'field-sigma-squared-once',
    why: 'the Gaussian’s width uses 2σ instead of 2σ²',
    file: 'src/engine/fieldTwin.ts',
    find: 'const scale = 1 / (2 * sigma * sigma);',
    replace: 'const scale = 1 / (2 * sigma);',
    test: 'tests/field-twin.test.ts',
    filter: 'fieldForward',
  },
];
