// Planted bugs in `npm run train`'s flag handling and its history run (src/cli), each caught by the named
// test file. See tools/mutants/README.md.
export const MUTANTS = [
  {
    name: 'cli-history-last-kept-moment-dropped',
    why: 'the planned steps stop before the last step, so a run that ends on a kept step loses that moment',
    file: 'src/cli/historyRun.ts',
    find: 'for (let step = first; step <= last; step = history.nextKept(step)) {',
    replace: 'for (let step = first; step < last; step = history.nextKept(step)) {',
    test: 'tests/history-cli.test.ts',
    filter: 'slow way',
  },
  {
    name: 'cli-history-loaded-step-not-added',
    why: "the run's last step counted from 0, not from the loaded step: a loaded run plans moments for steps it never reaches",
    file: 'src/cli/historyRun.ts',
    find: 'plannedSteps(first, first + exp.epochs * perEpoch, options.from, options.keep)',
    replace: 'plannedSteps(first, exp.epochs * perEpoch, options.from, options.keep)',
    test: 'tests/cli-combinations.test.ts',
    filter: 'case 5:',
  },
  {
    name: 'cli-history-ring-slot-never-mapped',
    why: 'a moment taken before the read of its staging slot is asked for (the slot still being filled): its state never comes back',
    file: 'src/cli/historyRun.ts',
    find: 'if (queue[0].slot && !queue[0].states) mapFilling();',
    replace: '',
    test: 'tests/history-cli.test.ts',
    filter: 'slow way',
  },
  {
    name: 'cli-load-other-optimizer-moments-kept',
    why: "--load with another --optimizer than the file's takes the file's moments over as the new optimiser's",
    file: 'src/cli/trainCommand.ts',
    find: 'moments: state && sameOptimizer ? state.moments : undefined,',
    replace: 'moments: state ? state.moments : undefined,',
    test: 'tests/cli-combinations.test.ts',
    filter: 'case 6:',
  },
  {
    name: 'cli-load-history-not-continued',
    why: "--load FILE --with-history starts a new history instead of going on from the file's",
    file: 'src/cli/trainCommand.ts',
    find: 'from: model?.history,',
    replace: 'from: undefined,',
    test: 'tests/cli-combinations.test.ts',
    filter: 'case 11:',
  },
];
