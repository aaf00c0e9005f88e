/**
 * The words over the main view and on the strip: what the slider shows (layer, phase of the map), and the
 * preset's hint of what to look for. Rewritten only when the words change.
 *
 * The strip's badges and notes explain themselves without a hover: a tap, click or keyboard focus on one
 * writes its explanation into the caption, where it stays (following the weights) until another is
 * chosen, × is pressed or Escape.
 */
import type { NetworkSpec } from '../../engine/spec';
import { escapeHtml } from '../../ui/status';
import type { SliderBar } from '../../ui/slider';
import { unitSwapShown } from '../../view/math/captionFacts';
import type { DisplayPath } from '../../view/math/displayPath';
import { layerNames } from '../runtime/layerNames';
import { describePosition, explainable, stripLabel, swapWhy, type Explained } from './captions';
import { layerBadgesOver, type LayerBadge } from '../../view/math/layerBadges';

export interface CaptionTargets {
  caption: HTMLElement;
  stripCells: HTMLElement;
  slider: SliderBar;
}

export class CaptionBar {
  private key = '';
  private stripKey = '';
  private t = NaN;
  private version = -1;
  private badges: LayerBadge[] = [];
  private badgesVersion = -1;
  /** When the badges were last computed (ms): the folded shares cost a few ms for the largest networks. */
  private badgesAt = -Infinity;
  /** The explanation chosen on the strip (a badge or note tapped, clicked or focused), or null. */
  private explained: { layer: number; what: Explained } | null = null;

  constructor(private readonly el: CaptionTargets) {
    const choose = (e: Event): void => {
      const target = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-explain]') : null;
      if (target) this.explain(Number(target.dataset.layer), target.dataset.explain as Explained);
    };
    el.stripCells.addEventListener('click', choose);
    el.stripCells.addEventListener('focusin', choose);
    el.stripCells.addEventListener('keydown', (e) => {
      if (!(e.target instanceof Element) || !e.target.closest('[data-explain]')) return;
      if (e.key === 'Escape') this.explain(null);
      else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        choose(e);
      }
    });
    el.caption.addEventListener('click', (e) => {
      if (e.target instanceof Element && e.target.closest('.why-close')) this.explain(null);
    });
  }

  /** Forget what was written (a new network). */
  reset(): void {
    this.key = '';
    this.stripKey = '';
    this.t = NaN;
    this.version = -1;
    this.badgesVersion = -1;
    this.badgesAt = -Infinity;
    this.explained = null;
  }

  /** Shows the explanation of layer `layer`'s badge or swap in the caption (null: none), from the next frame. */
  explain(layer: number | null, what: Explained = 'badge'): void {
    this.explained = layer !== null && layer > 0 ? { layer, what } : null;
    this.key = '';
    this.t = NaN;
  }

  /** The words of the explanation chosen, from the current weights, or null. */
  private explanation(path: DisplayPath): { text: string; why: string } | null {
    const ex = this.explained;
    if (!ex) return null;
    if (ex.what === 'swap')
      return unitSwapShown(path, ex.layer) ? { text: 'units 2, 1', why: swapWhy(ex.layer) } : null;
    const b = this.badges[ex.layer - 1];
    return b ? { text: b.label, why: b.why } : null;
  }

  update(
    spec: NetworkSpec,
    path: DisplayPath,
    t: number,
    o: {
      weightsVersion: number;
      functionView: boolean;
      watch: string;
      hint: string | null;
      /** The data's inputs (2-D data only): the badges count the folded share of its cells. */
      points: Float32Array | null;
    },
  ): void {
    // Words change with the slider, the weights (swaps) and the settings only.
    const version = o.weightsVersion * 4 + (o.functionView ? 1 : 0) + (path.preActivation ? 2 : 0);
    const now = performance.now();
    // New weights make new badges at most four times a second (every frame while training would cost a
    // few ms a frame for a 12×32 network); once training pauses, the last weights get theirs.
    const badgesDue = o.weightsVersion !== this.badgesVersion && now - this.badgesAt >= 250;
    if (t === this.t && version === this.version && !badgesDue) return;
    this.t = t;
    this.version = version;
    const text = describePosition(spec, path, t);
    const names = layerNames(spec);
    if (o.functionView && spec.inputSize === 1) {
      const r = Math.round(t);
      text.title = 'curves over the input';
      text.detail =
        r > 0 && r < spec.layers.length
          ? `white: output · colours: the ${path.repWidth[r]} units of ${names[r]} (move the slider to pick a layer)`
          : 'white: output against the data · move the slider to a hidden layer to see its units';
    }
    this.el.slider.set(t, text.phase);
    const watch = o.watch;
    // What each layer does to the plane's topology, from its spec and weights (a tap or focus says why).
    // They change with the weights only, not with the slider: computed once per weights read back.
    if (badgesDue || this.badges.length !== spec.layers.length) {
      this.badgesVersion = o.weightsVersion;
      this.badgesAt = now;
      this.badges = layerBadgesOver(spec, path.currentParams, o.points);
    }
    const badges = this.badges;
    const hint = o.hint ? `<span class="hint">${escapeHtml(o.hint)}</span>` : '';
    const ex = this.explanation(path);
    const why = ex
      ? `<span class="why" role="note"><b>${escapeHtml(names[this.explained!.layer] ?? '')} · ` +
        `${escapeHtml(ex.text)}:</b> ${escapeHtml(ex.why)} ` +
        '<button type="button" class="why-close" aria-label="Close the explanation">×</button></span>'
      : '';
    // The strip's labels are written again only when they change (so a badge keeps the keyboard focus).
    const cells = this.el.stripCells.children;
    const labels: string[] = [];
    for (let r = 0; r < cells.length; r++) {
      const b = r > 0 ? badges[r - 1] : null;
      labels.push(
        stripLabel(spec, path, r) +
          (b ? ` ${explainable(`badge ${b.kind}`, b.label, b.why, r, 'badge')}` : ''),
      );
    }
    const stripKey = labels.join('\u0000');
    const key = `${text.title}|${text.detail}|${watch}|${o.hint}|${why}`;
    if (key !== this.key) {
      this.key = key;
      this.el.caption.innerHTML = `<span class="title">${text.title}</span><span class="sub">${text.detail}</span>${why}${hint}${
        watch ? `<span class="watch">${escapeHtml(watch)}</span>` : ''
      }`;
    }
    if (stripKey !== this.stripKey) {
      this.stripKey = stripKey;
      for (let r = 0; r < cells.length; r++) {
        const label = cells[r].querySelector('.label');
        if (label) label.innerHTML = labels[r];
      }
    }
    for (let r = 0; r < cells.length; r++) cells[r].classList.toggle('active', Math.abs(t - r) < 1e-6);
  }
}
