/**
 * The benchmark panel (bench.html opened by a person): pick grid sizes and networks, run the grid and
 * whole-frame workloads on this device's GPU with a progress bar and a cancel button, and read the results
 * as a table and a log-log plot of time against grid size. Everything shown comes from the checked
 * measurements; a case that fails its check against the twin is marked in the table.
 */
import { adapterName, requestEngineDevice } from '../../engine/device';
import { archName } from '../suite';
import type { Measurement } from '../types';
import { ThreeFrameBench } from './frame';
import { runPanel } from './panelRun';
import type { PanelCase, PanelParams, RangeId } from './plan';
import {
  DEFAULT_PANEL_GPU_BYTES,
  MAX_FRAME_SECONDS,
  MIN_SECONDS,
  PANEL_NETWORKS,
  SIZE_RANGES,
  formatBytes,
  networkNote,
  planPanel,
  progressFraction,
  rangeLabel,
  sideLabel,
} from './plan';
import { drawPlot } from './plot';
import type { ResultRow } from './results';
import { plotSeries, resultRows } from './results';

export type PanelState = 'loading' | 'ready' | 'running' | 'done' | 'cancelled' | 'unsupported' | 'error';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`bench.html has no #${id}`);
  return found as T;
}

function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string } = {},
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  return node;
}

const WORKLOAD_NAME = { grid: 'grid transform', frame: 'whole frame' } as const;

export async function mountPanel(params: PanelParams): Promise<void> {
  const ui = {
    adapter: element<HTMLElement>('adapter'),
    notice: element<HTMLElement>('notice'),
    controls: element<HTMLFormElement>('controls'),
    range: element<HTMLSelectElement>('range'),
    networks: element<HTMLElement>('networks'),
    run: element<HTMLButtonElement>('run'),
    cancel: element<HTMLButtonElement>('cancel'),
    summary: element<HTMLElement>('plan-summary'),
    progressBox: element<HTMLElement>('progress-box'),
    bar: element<HTMLProgressElement>('bar'),
    progressLabel: element<HTMLElement>('progress-label'),
    plot: element<HTMLCanvasElement>('plot'),
    frame: element<HTMLCanvasElement>('frame'),
    tbody: element<HTMLTableSectionElement>('results-body'),
    messages: element<HTMLUListElement>('messages'),
  };

  const setState = (state: PanelState): void => {
    document.body.dataset.state = state;
  };
  const notices = new Map<string, HTMLElement>();
  /** Shows (or replaces) one notice; kind error is red, warning amber, success green. */
  const notify = (id: string, kind: 'error' | 'warning' | 'success', text: string): void => {
    notices.get(id)?.remove();
    const row = make('div', { className: `notice-row ${kind}`, text });
    row.dataset.id = id;
    notices.set(id, row);
    ui.notice.append(row);
    ui.notice.hidden = false;
  };
  const clearNotice = (id: string): void => {
    notices.get(id)?.remove();
    notices.delete(id);
    ui.notice.hidden = notices.size === 0;
  };

  // Size ranges, and the sizes a link asked for.
  const ranges: { id: RangeId; sides: number[]; label: string }[] = [
    { id: 'quick', sides: SIZE_RANGES.quick, label: `Quick: ${rangeLabel(SIZE_RANGES.quick)}` },
    { id: 'full', sides: SIZE_RANGES.full, label: `Full: ${rangeLabel(SIZE_RANGES.full)}` },
  ];
  if (params.sizes) {
    ranges.unshift({ id: 'link', sides: params.sizes, label: `From the link: ${rangeLabel(params.sizes)}` });
  }
  for (const r of ranges) {
    const option = make('option', { text: r.label });
    option.value = r.id;
    ui.range.append(option);
  }
  ui.range.value = ranges[0].id;

  // Networks: the ones on offer, and any a link names; the link's choice decides which are ticked.
  const offered = PANEL_NETWORKS.map((n) => ({ sizes: n.sizes, checked: n.checked }));
  if (params.networks) {
    const wanted = new Set(params.networks.map((n) => archName(n)));
    for (const n of offered) n.checked = wanted.has(archName(n.sizes));
    for (const n of params.networks) {
      if (!offered.some((o) => archName(o.sizes) === archName(n))) offered.push({ sizes: n, checked: true });
    }
  }
  const boxes = offered.map((n) => {
    const label = make('label', { className: 'network' });
    const box = make('input');
    box.type = 'checkbox';
    box.checked = n.checked;
    box.value = n.sizes.join('-');
    label.append(box, make('span', { className: 'name', text: archName(n.sizes) }));
    label.append(make('span', { className: 'note', text: networkNote(n.sizes) }));
    ui.networks.append(label);
    return { box, sizes: n.sizes };
  });

  for (const error of params.errors) notify(`param-${error}`, 'warning', `Ignored in the link: ${error}`);

  const budgetBytes = params.maxGpuBytes ?? DEFAULT_PANEL_GPU_BYTES;
  /** Until an adapter says otherwise, plan as if bindings were unbounded (only the memory budget applies). */
  let bindingBytes = Number.MAX_SAFE_INTEGER;
  let cases: PanelCase[] = [];
  const results = new Map<string, Measurement>();
  let running: string | null = null;
  let planned: number[] = [];

  /** Whether Run can start: an adapter, no run in flight, the device not lost. */
  let canRun = false;
  let busy = false;
  let unsupported = false;

  const chosenRange = () => ranges.find((r) => r.id === ui.range.value) ?? ranges[0];
  /** Plans the current choice (bytes first, skips with reasons) and says what it will do. */
  const replan = (): void => {
    const networks = boxes.filter((b) => b.box.checked).map((b) => b.sizes);
    const sides = chosenRange().sides;
    cases = planPanel({ networks, sides }, { bindingBytes, budgetBytes });
    planned = sides.map((s) => s * s);
    const skipped = cases.filter((c) => c.skip);
    const largest = Math.max(0, ...cases.filter((c) => !c.skip).map((c) => c.bytes));
    ui.summary.textContent = unsupported
      ? 'Nothing can run here without WebGPU.'
      : networks.length === 0
        ? 'Tick at least one network.'
        : `${cases.length} cases: ${networks.length} network${networks.length > 1 ? 's' : ''} × ` +
          `${sides.length} grid size${sides.length > 1 ? 's' : ''} × grid transform and whole frame; ` +
          `the largest takes ${formatBytes(largest)} of GPU memory` +
          (skipped.length ? `; ${skipped.length} will be skipped (see under the table)` : '') +
          '.';
    ui.run.disabled = networks.length === 0 || !canRun || busy;
  };

  const renderResults = (): void => {
    const rows = resultRows(cases, results, running);
    ui.tbody.replaceChildren(...rows.map(renderRow));
    const notes = rows.flatMap((r) => r.notes);
    ui.messages.replaceChildren(...notes.map((n) => make('li', { text: n })));
    drawPlotNow();
  };
  const drawPlotNow = (): void => {
    const rect = ui.plot.getBoundingClientRect();
    const width = Math.max(200, Math.round(rect.width));
    const height = Math.max(160, Math.round(rect.height));
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    if (ui.plot.width !== Math.round(width * ratio)) ui.plot.width = Math.round(width * ratio);
    if (ui.plot.height !== Math.round(height * ratio)) ui.plot.height = Math.round(height * ratio);
    const ctx = ui.plot.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    drawPlot(ctx, plotSeries(cases, results), width, height, planned);
  };
  new ResizeObserver(() => drawPlotNow()).observe(ui.plot);

  const choiceChanged = (): void => {
    replan();
    renderResults();
  };
  ui.range.addEventListener('change', choiceChanged);
  for (const { box } of boxes) box.addEventListener('change', choiceChanged);

  // WebGPU: say plainly when there is none.
  setState('loading');
  if (!('gpu' in navigator) || !navigator.gpu) {
    ui.adapter.textContent = 'none: this browser has no WebGPU';
    notify(
      'webgpu',
      'error',
      'This browser has no WebGPU, so the benchmark cannot run here. Detangle computes on the GPU through ' +
        'WebGPU: try a current Chrome, Edge or Safari (Firefox on Windows), or turn WebGPU on in the ' +
        'browser’s settings.',
    );
    unsupported = true;
    setState('unsupported');
    replan();
    renderResults();
    return;
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    notify('webgpu', 'error', `Asking for a WebGPU adapter failed: ${(error as Error).message}`);
  }
  if (!adapter) {
    ui.adapter.textContent = 'none: the browser offers no WebGPU adapter';
    if (!notices.has('webgpu')) {
      notify(
        'webgpu',
        'error',
        'WebGPU is not available: this browser offers no GPU adapter, so the benchmark cannot run here. ' +
          'The browser may block this GPU, or hardware acceleration may be turned off in its settings.',
      );
    }
    unsupported = true;
    setState('unsupported');
    replan();
    renderResults();
    return;
  }
  bindingBytes = Math.min(adapter.limits.maxStorageBufferBindingSize, adapter.limits.maxBufferSize);
  ui.adapter.textContent = adapterName(adapter.info);
  ui.adapter.title = `largest storage binding ${formatBytes(bindingBytes)}; each case may take ${formatBytes(budgetBytes)}`;
  canRun = true;
  setState('ready');
  replan();
  renderResults();

  let device: GPUDevice | null = null;
  let frame: ThreeFrameBench | null = null;
  let abort: AbortController | null = null;

  const openDevice = async (): Promise<{ device: GPUDevice; frame: ThreeFrameBench }> => {
    if (device && frame) return { device, frame };
    const opened = await requestEngineDevice(adapter, 'Detangle benchmark');
    opened.addEventListener('uncapturederror', (event) =>
      notify('gpu-error', 'error', `WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`),
    );
    void opened.lost.then((info) => {
      if (info.reason === 'destroyed') return;
      notify(
        'lost',
        'error',
        `The GPU device was lost (${info.message || info.reason}); reload the page to run again.`,
      );
      abort?.abort();
      canRun = false;
      ui.run.disabled = true;
      if (!busy) setState('error');
    });
    device = opened;
    frame = await ThreeFrameBench.create(opened, ui.frame, { drawOnly: true });
    return { device, frame };
  };

  ui.cancel.addEventListener('click', () => {
    if (!abort) return;
    abort.abort();
    ui.cancel.disabled = true;
    ui.progressLabel.textContent = `${ui.progressLabel.textContent} · cancelling after this case…`;
  });

  ui.controls.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy || !canRun) return;
    void start();
  });

  const start = async (): Promise<void> => {
    replan();
    if (cases.length === 0) return;
    const range = chosenRange();
    busy = true;
    results.clear();
    for (const id of ['done', 'failed', 'gpu-error', 'run']) clearNotice(id);
    setState('running');
    ui.run.disabled = true;
    ui.range.disabled = true;
    for (const { box } of boxes) box.disabled = true;
    ui.cancel.hidden = false;
    ui.cancel.disabled = false;
    ui.progressBox.hidden = false;
    ui.bar.value = 0;
    ui.progressLabel.textContent = 'Preparing the GPU…';
    renderResults();
    abort = new AbortController();
    let state: PanelState = 'done';
    try {
      const gpu = await openDevice();
      const plan = cases;
      const outcome = await runPanel({
        device: gpu.device,
        bindingBytes,
        cases: plan,
        frame: (network) =>
          gpu.frame.with({ network, drawOnly: true, diagram: network.join('-') === '2-3-2-1' }),
        minSeconds: MIN_SECONDS[range.id],
        maxFrameSeconds: MAX_FRAME_SECONDS[range.id],
        signal: abort.signal,
        onCase(index, c) {
          running = c.key;
          ui.bar.value = progressFraction(plan, index);
          ui.progressLabel.textContent =
            `Case ${index + 1} of ${plan.length}: ${c.name} · ${sideLabel(c.side)} · ${WORKLOAD_NAME[c.workload]}` +
            (abort?.signal.aborted ? ' · cancelling after this case…' : '');
          renderResults();
        },
        onResult(index, c, m) {
          running = null;
          results.set(c.key, m);
          ui.bar.value = progressFraction(plan, index + 1);
          renderResults();
        },
      });
      const failed = [...outcome.results.values()].filter((m) => m.failed).length;
      const ran = [...outcome.results.values()].filter((m) => !m.skipped).length;
      if (outcome.cancelled) {
        state = 'cancelled';
        ui.progressLabel.textContent = `Cancelled after ${outcome.results.size} of ${plan.length} cases (${outcome.seconds.toFixed(0)} s).`;
      } else {
        ui.bar.value = 1;
        ui.progressLabel.textContent = `Done: ${ran} cases measured, ${plan.length - ran} skipped, in ${outcome.seconds.toFixed(0)} s.`;
      }
      if (failed > 0) {
        notify(
          'failed',
          'error',
          `${failed} case${failed > 1 ? 's' : ''} failed (marked in the table): ` +
            'their outputs differ from the TypeScript twin, or the GPU reported an error, so their figures do not count.',
        );
      }
    } catch (error) {
      state = 'error';
      notify(
        'run',
        'error',
        `The benchmark stopped: ${error instanceof Error ? error.message : String(error)}`,
      );
      ui.progressLabel.textContent = 'Stopped by an error.';
    } finally {
      busy = false;
      running = null;
      abort = null;
      ui.cancel.hidden = true;
      ui.range.disabled = false;
      for (const { box } of boxes) box.disabled = false;
      setState(canRun ? state : 'error');
      ui.run.disabled = !canRun || boxes.every((b) => !b.box.checked);
      renderResults();
    }
  };
}

function renderRow(row: ResultRow): HTMLTableRowElement {
  const tr = make('tr', { className: row.state });
  tr.dataset.state = row.state;
  tr.dataset.key = row.key;
  if (row.notes.length) tr.title = row.notes.join('\n');
  const cells: [string, string][] = [
    [row.network, 'text'],
    [row.grid, 'num'],
    [row.vertices, 'num'],
    [row.gridMs, 'num'],
    [row.throughput, 'num'],
    [row.frameMs, 'num'],
    [row.fps, 'num'],
  ];
  for (const [text, className] of cells) tr.append(make('td', { className, text }));
  const mark = row.state === 'failed' ? ' ✗' : row.state === 'ok' ? ' ✓' : '';
  tr.append(make('td', { className: 'num check', text: `${row.check}${mark}` }));
  tr.append(make('td', { className: 'num', text: row.diagramMs }));
  return tr;
}
