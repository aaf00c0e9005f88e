/**
 * Prints the reproduction table of docs/datasets.md: every claim of the claims table run on seeds 4–8
 * through the experiment command's path, with each seed's figure and whether the claim held.
 *
 *     node tools/run.mjs tools/claims-table.ts [--seeds 4,5,6,7,8] [--only PRESET,PRESET]
 */
import { openNodeGpu } from '../src/cli/nodeGpu';
import { findPreset } from '../src/data/presets';
import { archText } from '../src/experiment/experiment';
import { CLAIM_SEEDS, LONGER, conditionText, formatMetric } from '../src/story/claim';
import { CLAIMS } from '../src/story/claims';
import { claimMetric, metricOf } from '../src/story/claim';
import { runClaim } from '../src/story/verify';

async function main(): Promise<void> {
  const at = process.argv.indexOf('--seeds');
  const seeds = at > 0 ? process.argv[at + 1].split(',').map(Number) : [...CLAIM_SEEDS];
  const gpu = await openNodeGpu();
  console.log(`| preset | network | claim | condition | seeds ${seeds.join(', ')} | holds |`);
  console.log('| --- | --- | --- | --- | --- | :-: |');
  let total = 0;
  const notes: string[] = [];
  const only = process.argv.indexOf('--only');
  const picked = only > 0 ? process.argv[only + 1].split(',') : null;
  for (const claim of CLAIMS.filter((c) => !picked || picked.includes(c.preset))) {
    const r = await runClaim(gpu.device, claim, seeds);
    total += r.seconds;
    const metric = claimMetric(claim);
    const short = (v: number): string =>
      metric === 'testAccuracy' ? formatMetric(metric, v).replace(' %', '') : formatMetric(metric, v);
    const cells = r.runs.map((s) => {
      const end = short(metricOf(s.atEnd, metric));
      return s.longer ? `${end} (${short(metricOf(s.longer, metric))})` : end;
    });
    const p = findPreset(claim.preset);
    console.log(
      `| \`${claim.preset}\` | ${archText(p.arch, p.fields)}${p.output ? ` (${p.output})` : ''}${p.features?.length ? `+${p.features.join(',')}` : ''}, ${p.epochs} epochs | ${claim.who}: ${claim.says} | ` +
        `${conditionText(claim)} | ${cells.join(', ')} | ${r.verdict.holds ? 'yes' : claim.reproduces === false ? 'no (recorded)' : '**no**'} |`,
    );
    if (claim.note) notes.push(`- \`${claim.preset}\`: ${claim.note}`);
    if (!r.verdict.holds) console.error(`${claim.preset}: ${r.verdict.failures.join('; ')}`);
  }
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  console.error(
    `${total.toFixed(0)} s of runs on ${gpu.adapterName}; in brackets: after ${LONGER}× the epochs`,
  );
  gpu.device.destroy();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`error: ${(e as Error).message ?? e}`);
    process.exit(1);
  },
);
