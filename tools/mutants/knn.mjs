// Planted bugs in colah's k-NN output (src/engine/knnTwin.ts and where the twin uses it), each caught by
// the named test file. See tools/mutants/README.md.
export const MUTANTS = [
  {
    name: 'knn-drops-normaliser',
    why: 'dLᵢ/dwᵢⱼ loses 1/S_all: the votes of the other classes no longer push away',
    file: 'src/engine/knnTwin.ts',
    find: 'const dLdw = 1 / all - (labels[j] === labels[i] ? 1 / same : 0);',
    replace: 'const dLdw = -(labels[j] === labels[i] ? 1 / same : 0);',
    test: 'tests/knn-twin.test.ts',
    filter: 'finite differences',
  },
  {
    name: 'knn-neighbour-not-moved',
    why: 'only hᵢ gets the pair’s gradient: the neighbour hⱼ, whose distance it also is, is not moved',
    file: 'src/engine/knnTwin.ts',
    find: '        grads[j][u] -= g * diff;\n',
    replace: '',
    test: 'tests/knn-twin.test.ts',
    filter: 'finite differences',
  },
  {
    name: 'knn-output-derivative-dropped',
    why: 'the k-NN gradient skips the output activation’s derivative (right only for a linear output)',
    file: 'src/engine/twin.ts',
    find: 'n * g * f.derivative(t.pre[L][u], t.post[L][u], out.slope)',
    replace: 'n * g',
    test: 'tests/knn-twin.test.ts',
    filter: 'finite differences',
  },
  {
    name: 'knn-own-vote',
    why: 'a training point votes for itself at test time: training accuracy counts its own label',
    file: 'src/engine/knnTwin.ts',
    find: 'if (j !== skip) near.push',
    replace: 'near.push',
    test: 'tests/knn-twin.test.ts',
    filter: 'vote',
  },
];
