// Planted bugs in the feature inputs (src/data/features.ts and where the data, the grid and the points
// are expanded), each caught by the named test file. See tools/mutants/README.md.
export const MUTANTS = [
  {
    name: 'features-r2-drops-a-term',
    why: 'r² loses x₂²: the lifted rings are a tilted parabola, not a paraboloid',
    file: 'src/data/features.ts',
    find: 'return x1 * x1 + x2 * x2;',
    replace: 'return x1 * x1;',
    test: 'tests/features.test.ts',
  },
  {
    name: 'features-order-follows-request',
    why: 'features appended in the order asked for, not the fixed order: a link naming them otherwise feeds another network',
    file: 'src/data/features.ts',
    find: 'for (const f of FEATURES) if (list.includes(f)) out[k++] = featureValue(f, x1, x2);',
    replace: 'for (const f of list) out[k++] = featureValue(f, x1, x2);',
    test: 'tests/features.test.ts',
  },
  {
    name: 'features-data-not-expanded',
    why: 'the experiment widens the network but trains on the bare coordinates',
    file: 'src/experiment/experiment.ts',
    find: 'exp.testSplit > 0 ? splitDataset(expanded, exp.testSplit, dataSeed) : { train: expanded, test: null };',
    replace: 'exp.testSplit > 0 ? splitDataset(all, exp.testSplit, dataSeed) : { train: all, test: null };',
    test: 'tests/features-gpu.test.ts',
    filter: 'npm run train',
  },
  {
    name: 'features-duplicate-accepted',
    why: 'a repeated feature name read as one: --features r2,r2 trains silently',
    file: 'src/data/features.ts',
    find: 'if (seen.has(name)) throw new FeatureError(`feature ${name} is named twice`);',
    replace: '',
    test: 'tests/features-gpu.test.ts',
    filter: 'npm run train',
  },
  {
    name: 'features-link-dropped',
    why: 'a link leaves the features out: it opens another network than the one shared',
    file: 'src/share/url.ts',
    find: 'if (exp.features?.length) q.set(URL_FIELDS.features, featuresText(exp.features));',
    replace: '',
    test: 'tests/features.test.ts',
  },
];
