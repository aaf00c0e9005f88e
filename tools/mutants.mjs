// npm run mutants [-- --only NAME,NAME] [--list] [--no-baseline]
//
// Plants known, realistic bugs one at a time and checks that the named test file catches each: apply
// the small patch to one file, run the test file, expect it to fail, put the file back. The file's
// original text is kept in memory and in a copy beside the system's temporary files, and is written
// back in a `finally` (and on Ctrl-C), so no mutant stays in the tree. Before the mutants, each test
// file named is run once on the unchanged code: it must pass there, or a failure proves nothing.
// Exit code: 0 every mutant caught, 1 a mutant survived or a patch no longer applies, 2 bad options.
// Not part of `npm test`: it runs test files many times (the GPU ones take minutes on SwiftShader).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * Each mutant: the file, the exact text to find (it must occur exactly once) and its replacement, the
 * test file that must catch it and optionally a test-name filter that keeps the run short.
 */
const OWN_MUTANTS = [
  // Data generators
  {
    name: 'blobs-labels-swapped-in-pairs',
    why: 'labels swapped between neighbouring points, class counts kept',
    file: 'src/data/sets/playground.ts',
    find: 'w.push2(p.spread * Math.cos(a), p.spread * Math.sin(a), label);',
    replace: 'w.push2(p.spread * Math.cos(a), p.spread * Math.sin(a), (i ^ 1) % k);',
    test: 'tests/data-generators.test.ts',
    filter: 'blobs',
  },
  {
    name: 'gauss-centre-off',
    why: 'one Gaussian centred at 0.43 instead of 0.4 (20 standard errors, inside the old ±0.05)',
    file: 'src/data/sets/playground.ts',
    find: 'const c = label ? 0.4 : -0.4;',
    replace: 'const c = label ? 0.43 : -0.4;',
    test: 'tests/data-generators.test.ts',
    filter: 'gauss',
  },
  // Links
  {
    name: 'link-slider-past-output',
    why: 'the slider t accepted up to L + 1',
    file: 'src/share/view.ts',
    find: 'slider < 0 || slider > layerCount)',
    replace: 'slider < 0 || slider > layerCount + 1)',
    test: 'tests/share-bounds.test.ts',
  },
  {
    name: 'link-seed-2^32',
    why: 'a seed of 2^32 accepted',
    file: 'src/share/validate.ts',
    find: 'seed: { min: 0, max: 2 ** 32 - 1, integer: true },',
    replace: 'seed: { min: 0, max: 2 ** 32, integer: true },',
    test: 'tests/share-bounds.test.ts',
  },
  {
    name: 'link-grid-past-max',
    why: 'a grid one past its largest size accepted',
    file: 'src/share/view.ts',
    find: 'grid < GRID_MIN || grid > GRID_MAX)',
    replace: 'grid < GRID_MIN || grid > GRID_MAX + 1)',
    test: 'tests/share-bounds.test.ts',
  },
  {
    name: 'link-grid-below-min',
    why: 'a grid one below its smallest size accepted',
    file: 'src/share/view.ts',
    find: 'grid < GRID_MIN || grid > GRID_MAX)',
    replace: 'grid < GRID_MIN - 1 || grid > GRID_MAX)',
    test: 'tests/share-bounds.test.ts',
  },
  {
    name: 'quantiser-truncates',
    why: 'q16/q8 weights truncated instead of rounded (error up to a whole step)',
    file: 'src/share/weights.ts',
    find: 'Math.round(params[offset + i] / scale)',
    replace: 'Math.trunc(params[offset + i] / scale)',
    test: 'tests/share-url.test.ts',
    filter: 'quantisation',
  },
  // Command line
  {
    name: 'train-learning-rate-units',
    why: 'the learning rate reaches the optimiser a thousand times too small: training runs but learns nothing',
    file: 'src/experiment/experiment.ts',
    find: '...defaultOptimizer(exp.optimizer, exp.learningRate),',
    replace: '...defaultOptimizer(exp.optimizer, exp.learningRate / 1000),',
    test: 'tests/cli-train.test.ts',
    filter: 'network learns',
    gpu: true,
  },
  {
    name: 'load-ignores-weights',
    why: '--load reads the model but trains from the seed',
    file: 'src/experiment/run.ts',
    find: 'if (options.start) engine.restore({ ...options.start });',
    replace: '',
    test: 'tests/cli-train.test.ts',
    filter: 'no seed produces',
    gpu: true,
  },
  {
    name: 'experiment-partial-divergence-exits-0',
    why: 'only a total divergence counts as a failure',
    file: 'src/experiment/divergence.ts',
    find: 'if (bad.length === 0) return',
    replace: 'if (bad.length < runs.length) return',
    test: 'tests/cli-train.test.ts',
    filter: 'one rule',
  },
  {
    name: 'cli-numbers-by-Number()',
    why: 'command-line numbers read with Number(): 0x1 and " 7 " accepted',
    file: 'src/flags.ts',
    find: 'const value = decimalValue(text) ?? NaN;',
    replace: 'const value = text.trim() === "" ? NaN : Number(text);',
    test: 'tests/cli-train.test.ts',
    filter: 'bad options',
  },
  {
    name: 'csv-cell-echoed-whole',
    why: 'an out-of-range CSV cell echoed whole in the error',
    file: 'src/data/csv.ts',
    find: 'column ${column}: ${clip(cell)} is out of range',
    replace: 'column ${column}: ${cell} is out of range',
    test: 'tests/data-csv.test.ts',
    filter: 'shortened',
  },
  // Engine kernels (their tests are tests/engine-coefficients.test.ts)
  {
    name: 'general-momentum-reads-rho',
    why: "the general kernel's momentum update uses ρ instead of μ",
    file: 'shaders/general_step.wgsl',
    find: 'let v = u.momentum * moments[p] + g;',
    replace: 'let v = u.rho * moments[p] + g;',
    test: 'tests/engine-coefficients.test.ts',
    gpu: true,
  },
  {
    name: 'fused-momentum-reads-rho',
    why: "the fused kernel's momentum update uses ρ instead of μ",
    file: 'src/engine/codegen.ts',
    find: 'let v = u.momentum * ${m} + g;',
    replace: 'let v = u.rho * ${m} + g;',
    test: 'tests/engine-coefficients.test.ts',
    gpu: true,
  },
  {
    name: 'fused-softmax-no-max',
    why: 'the fused kernels compute softmax without subtracting the largest logit',
    file: 'src/engine/codegen.ts',
    find: 'lines.push(`let zmax${l} = ${z.reduce((acc, v) => `max(${acc}, ${v})`)};`);',
    replace: 'lines.push(`let zmax${l} = 0.0;`);',
    test: 'tests/engine-coefficients.test.ts',
    gpu: true,
  },
  {
    name: 'general-softmax-no-max',
    why: 'the general kernels compute the softmax loss without subtracting the largest logit',
    file: 'shaders/network.wgsl',
    find: 'for (var k = 0u; k < out.units; k++) { m = max(m, (*pre)[o + k]); }',
    replace: 'm = 0.0;',
    test: 'tests/engine-coefficients.test.ts',
    gpu: true,
  },
  // The app's helpers, against fake hosts
  {
    name: 'open-failure-keeps-new-settings',
    why: 'a file or link whose rebuild fails leaves its settings in place instead of the previous ones',
    file: 'src/app/io/openExperiment.ts',
    find: "app.dispatch({ type: 'replaceSettings', settings: before.settings });",
    replace: 'void before.settings;',
    test: 'tests/app-open.test.ts',
  },
  {
    name: 'divergence-chart-cut-at-divergence',
    why: 'going on after a divergence cuts the chart at the divergence, not at the snapshot it returns to',
    file: 'src/app/runtime/recovery.ts',
    find: 'app.chart.truncate(from);',
    replace: 'app.chart.truncate(at);',
    test: 'tests/app-recovery.test.ts',
  },
  {
    name: 'png-during-rebuild',
    why: 'a picture is taken while the views are being rebuilt',
    file: 'src/app/io/exports.ts',
    find: 'if (app.isBusy || !app.trainer) {',
    replace: 'if (!app.trainer) {',
    test: 'tests/app-exports.test.ts',
  },
  {
    name: 'probe-lowers-quick-grid',
    why: 'the speed probe "changes" a grid that is quick enough to the same density (a rebuild for nothing)',
    file: 'src/app/shell/frameReport.ts',
    find: 'if (next === null || measured === null || next === was) return;',
    replace: 'if (next === null || measured === null) return;',
    test: 'tests/app-frame-report.test.ts',
  },
  {
    name: 'timeline-adopt-drops-live-step',
    why: "a model file's moment at the live step itself is left out of the timeline",
    file: 'src/app/timeline/timelineWiring.ts',
    find: '.filter((m) => live === 0 || m.step <= live)',
    replace: '.filter((m) => live === 0 || m.step < live)',
    test: 'tests/app-timeline-wiring.test.ts',
  },
  {
    name: 'probe-reads-a-fixed-list',
    why: 'the speed probe times the five kernels it knew of, not the registry: a kernel added there is never timed',
    file: 'src/engine/kernelProbe.ts',
    find: 'return KERNEL_REGISTRY.filter(',
    replace: 'return KERNEL_REGISTRY.slice(0, 5).filter(',
    test: 'tests/engine-kernel-registry.test.ts',
    filter: 'a kernel added to the list',
  },
  {
    name: 'choice-ignores-tie-order',
    why: "auto's choice among equal measured times follows the registry order instead of the kernels' tie order",
    file: 'src/engine/kernelChoice.ts',
    find: '.sort((a, b) => a.tieRank - b.tieRank)',
    replace: '.sort(() => 0)',
    test: 'tests/engine-kernel-choice.test.ts',
  },
];

/**
 * Further mutants, one module per area in tools/mutants/ (each exports `MUTANTS`, an array of the same shape),
 * so that work on one area never edits another's list.
 */
const areaDir = join(root, 'tools', 'mutants');
const AREA_MUTANTS = [];
if (existsSync(areaDir)) {
  for (const name of readdirSync(areaDir)
    .filter((n) => n.endsWith('.mjs'))
    .sort()) {
    const mod = await import(new URL(`./mutants/${name}`, import.meta.url).href);
    AREA_MUTANTS.push(...mod.MUTANTS);
  }
}
const MUTANTS = [...OWN_MUTANTS, ...AREA_MUTANTS];
{
  const seen = new Set();
  for (const m of MUTANTS) {
    if (seen.has(m.name)) throw new Error(`two mutants are named ${m.name}`);
    seen.add(m.name);
  }
}

function usage(message) {
  console.error(`mutants: ${message}`);
  console.error('usage: npm run mutants [-- --only NAME,NAME] [--list] [--no-baseline]');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { only: null, list: false, baseline: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--list') args.list = true;
    else if (a === '--no-baseline') args.baseline = false;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (!value) usage('--only needs a comma-separated list of mutant names');
      args.only = value.split(',').map((s) => s.trim());
      const unknown = args.only.filter((n) => !MUTANTS.some((m) => m.name === n));
      if (unknown.length) usage(`unknown mutant ${unknown[0]}; --list names them`);
    } else usage(`unknown option ${a}`);
  }
  return args;
}

function testEnv() {
  const env = { ...process.env, DETANGLE_REQUIRE_GPU: '1' };
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && existsSync(swiftshader)) {
    env.VK_ICD_FILENAMES = swiftshader;
    env.LD_LIBRARY_PATH = ['/usr/lib/chromium', env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  return env;
}

/** Runs one test file (optionally filtered); true when every test passed. */
function runTests(test, filter) {
  const args = ['vitest', 'run', test, ...(filter ? ['-t', filter] : []), '--reporter=dot'];
  const r = spawnSync('npx', args, {
    cwd: root,
    env: testEnv(),
    encoding: 'utf8',
    timeout: 20 * 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  // vitest exits 0 on success, 1 on failed tests; a filter that matches nothing also fails the run.
  const matched = !/No test files found|no tests/i.test(r.stdout + r.stderr);
  return { passed: r.status === 0, matched, tail: (r.stdout + r.stderr).trim().split('\n').slice(-6) };
}

// Originals of files being mutated, restored on exit whatever happens.
const originals = new Map();
const backupDir = mkdtempSync(join(tmpdir(), 'detangle-mutants-'));

function restoreAll() {
  for (const [path, text] of originals) {
    writeFileSync(path, text);
    originals.delete(path);
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    restoreAll();
    rmSync(backupDir, { recursive: true, force: true });
    process.exit(130);
  });
}

function mutate(m) {
  const path = join(root, m.file);
  const text = readFileSync(path, 'utf8');
  const count = text.split(m.find).length - 1;
  if (count !== 1) return { applied: false, why: `the text to replace occurs ${count} times in ${m.file}` };
  copyFileSync(path, join(backupDir, m.name.replace(/[^\w.-]/g, '_')));
  originals.set(path, text);
  let r;
  try {
    writeFileSync(
      path,
      text.replace(m.find, () => m.replace),
    );
    r = runTests(m.test, m.filter);
  } finally {
    writeFileSync(path, text);
    originals.delete(path);
  }
  if (readFileSync(path, 'utf8') !== text) throw new Error(`could not restore ${m.file}`);
  return { applied: true, caught: !r.passed, tail: r.tail };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const chosen = args.only ? MUTANTS.filter((m) => args.only.includes(m.name)) : MUTANTS;
  if (args.list) {
    for (const m of MUTANTS)
      console.log(`${m.name.padEnd(40)} ${m.test}${m.filter ? ` -t "${m.filter}"` : ''}\n    ${m.why}`);
    return 0;
  }
  let bad = 0;
  if (args.baseline) {
    const runs = new Map();
    for (const m of chosen) runs.set(`${m.test}\u0000${m.filter ?? ''}`, m);
    for (const m of runs.values()) {
      const r = runTests(m.test, m.filter);
      const ok = r.passed && r.matched;
      console.log(`${ok ? 'ok  ' : 'FAIL'} baseline ${m.test}${m.filter ? ` -t "${m.filter}"` : ''}`);
      if (!ok) {
        console.log(r.tail.map((l) => `       ${l}`).join('\n'));
        bad++;
      }
    }
    if (bad) {
      console.log(`${bad} test run(s) fail on the unchanged code: fix them before judging mutants`);
      return 1;
    }
  }
  const survivors = [];
  for (const m of chosen) {
    const started = Date.now();
    const r = mutate(m);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (!r.applied) {
      console.log(`SKIP ${m.name}: ${r.why} (update the patch in tools/mutants.mjs)`);
      survivors.push(m.name);
    } else if (r.caught) {
      console.log(`ok   ${m.name} caught by ${m.test} (${seconds} s)`);
    } else {
      console.log(`LIVE ${m.name} survived ${m.test}: ${m.why}`);
      survivors.push(m.name);
    }
  }
  console.log(
    survivors.length
      ? `${survivors.length} of ${chosen.length} mutants not caught: ${survivors.join(', ')}`
      : `all ${chosen.length} mutants caught`,
  );
  return survivors.length ? 1 : 0;
}

let code = 1;
try {
  code = main();
} finally {
  restoreAll();
  rmSync(backupDir, { recursive: true, force: true });
}
process.exit(code);
