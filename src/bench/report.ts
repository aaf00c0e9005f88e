/**
 * The report as markdown: one table per workload, each row a case, each column an implementation. Baseline
 * cells carry the ratio to Detangle's best checked figure in the same row, so "141 (1.7×)" means Detangle
 * was 1.7 times as fast as that baseline there.
 */
import { IMPLS } from './suite';
import type { BenchReport, Measurement, Workload } from './types';

/** Three significant figures, with k/M for large rates. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)}k`;
  if (abs >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

export function formatRatio(ratio: number): string {
  if (ratio >= 100) return `${ratio.toFixed(0)}×`;
  if (ratio >= 10) return `${ratio.toFixed(1)}×`;
  return `${ratio.toFixed(2)}×`;
}

const isDetangle = (impl: string): boolean => impl.startsWith('detangle');
const counts = (m: Measurement | undefined): m is Measurement =>
  !!m && !m.skipped && !m.failed && Object.keys(m.figures).length > 0;

/** Detangle's best primary figure in a row, among the measurements whose checks passed. */
function best(workload: Workload, row: Measurement[]): Measurement | null {
  if (workload.compareTo) return row.find((m) => m.impl === workload.compareTo && counts(m)) ?? null;
  let top: Measurement | null = null;
  for (const m of row) {
    if (!isDetangle(m.impl) || !counts(m)) continue;
    const v = m.figures[workload.primary].value;
    if (
      !top ||
      (workload.higherIsBetter
        ? v > top.figures[workload.primary].value
        : v < top.figures[workload.primary].value)
    )
      top = m;
  }
  return top;
}

function cell(workload: Workload, m: Measurement | undefined, top: Measurement | null): string {
  if (!m || m.skipped) return '—';
  if (m.failed) return m.check && !m.check.ok ? `FAIL (error ${m.check.maxError.toExponential(1)})` : 'FAIL';
  const value = m.figures[workload.primary].value;
  const text = formatNumber(value);
  if (isDetangle(m.impl) || !top) return text;
  const reference = top.figures[workload.primary].value;
  const ratio = workload.higherIsBetter ? reference / value : value / reference;
  return `${text} (${formatRatio(ratio)})`;
}

export function workloadTable(report: BenchReport, workload: Workload): string {
  const mine = report.measurements.filter((m) => m.workload === workload.id);
  const impls = Object.keys(IMPLS).filter((impl) => mine.some((m) => m.impl === impl));
  const unit = mine.find(counts)?.figures[workload.primary].unit ?? '';
  const extras = [
    ...new Set(mine.filter((m) => isDetangle(m.impl) && counts(m)).flatMap((m) => Object.keys(m.figures))),
  ].filter((f) => f !== workload.primary);
  const extraUnits = extras.map((f) => mine.find((m) => counts(m) && m.figures[f])!.figures[f].unit);
  const header = [
    workload.rowName,
    ...impls.map((i) => IMPLS[i]),
    ...extraUnits.map((u) => (workload.compareTo ? `${IMPLS[workload.compareTo]}: ${u}` : `best: ${u}`)),
    'max error',
  ];
  const legend = impls.some((impl) => !isDetangle(impl))
    ? "; (n×): Detangle's best in the row is n times as fast as that baseline"
    : '';
  const lines = [
    `### ${workload.title}`,
    '',
    `Figures in ${unit} (${workload.higherIsBetter ? 'higher' : 'lower'} is better)${legend}.`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const label of workload.cases) {
    const row = mine.filter((m) => m.case === label);
    const top = best(workload, row);
    const errors = row.filter((m) => m.check).map((m) => m.check!.maxError);
    const cells = [
      label,
      ...impls.map((impl) =>
        cell(
          workload,
          row.find((m) => m.impl === impl),
          top,
        ),
      ),
      ...extras.map((f) => (top && top.figures[f] ? formatNumber(top.figures[f].value) : '—')),
      errors.length ? Math.max(...errors).toExponential(1) : '—',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  for (const note of workload.notes) lines.push('', note);
  return lines.join('\n');
}

export function markdownReport(report: BenchReport): string {
  const failed = report.measurements.filter((m) => m.failed);
  const parts = [
    `## Detangle benchmark${report.quick ? ' (quick)' : ''}`,
    '',
    `- adapter: **${report.adapter}**`,
    `- runtime: ${report.runtime}`,
    `- command: \`${report.command}\``,
    `- ${report.startedAt}, ${report.seconds.toFixed(0)} s; — = not run (size cap, memory, or the kernel does not take the shape)`,
    `- checks: ${report.measurements.filter((m) => m.check?.ok).length} within tolerance, ${failed.length} failed`,
  ];
  for (const workload of report.workloads) parts.push('', workloadTable(report, workload));
  if (failed.length) {
    parts.push('', '### Failed', '');
    for (const m of failed) parts.push(`- ${m.workload}, ${m.case}, ${IMPLS[m.impl] ?? m.impl}: ${m.failed}`);
  }
  if (report.messages.length) {
    parts.push('', '### Notes', '');
    for (const line of report.messages) parts.push(`- ${line}`);
  }
  return parts.join('\n');
}
