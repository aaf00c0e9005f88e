// Measures, on the GPU engine, how many training steps the default experiment (the app's rings 2-3-2-1)
// takes from 60 % to 95 % test accuracy, over a few seeds: the figure the default pace is set from
// (src/app/shell/pace.ts, UNTANGLE_STEPS). Run: node tools/run.mjs tools/untangle-steps.ts [seeds]
import { getDataset } from '../src/data/registry';
import { findPreset } from '../src/data/presets';
import { Engine } from '../src/engine/engine';
import { experimentOf } from '../src/app/io/experimentLink';
import { prepare } from '../src/experiment/experiment';
import { DEFAULT_PRESET, settingsFromPreset } from '../src/state/settings';
import { openNodeGpu } from '../src/cli/nodeGpu';

const EVERY = 2;
const MAX_STEPS = 12_000;
const seeds = (process.argv[2] ?? '1,2,3,4,5').split(',').map(Number);
const { device, adapterName } = await openNodeGpu();
const preset = findPreset(DEFAULT_PRESET);
console.log(`${DEFAULT_PRESET} on ${adapterName}, test accuracy read every ${EVERY} steps`);
for (const seed of seeds) {
  const settings = { ...settingsFromPreset(preset), seed };
  const exp = experimentOf(settings, getDataset(settings.dataset), false);
  const run = prepare(exp);
  const engine = await Engine.create(device, {
    spec: run.spec,
    optimizer: run.optimizer,
    train: { seed: exp.seed, batchSize: exp.batchSize },
  });
  engine.setData(run.train, run.test);
  let at60: number | null = null;
  let at95: number | null = null;
  let first = -1;
  for (let step = 0; step <= MAX_STEPS && at95 === null; step += EVERY) {
    const acc = (await engine.stats()).test?.accuracy ?? 0;
    if (step === 0) first = acc;
    if (at60 === null && acc >= 0.6) at60 = step;
    if (acc >= 0.95) at95 = step;
    engine.train(EVERY);
  }
  engine.dispose();
  const range = at60 !== null && at95 !== null ? at95 - at60 : null;
  console.log(
    `seed ${seed}: accuracy ${first.toFixed(3)} at step 0, 60 % at ${at60}, 95 % at ${at95}: ${range} steps`,
  );
}
device.destroy();
