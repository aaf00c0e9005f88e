/**
 * The words over the main view and on the strip: what the slider shows (layer, phase of the map), and the
 * preset's hint of what to look for. Rewritten only when the words change.
 */
import type { NetworkSpec } from '../../engine/spec';
import { escapeHtml } from '../../ui/status';
import type { SliderBar } from '../../ui/slider';
import type { DisplayPath } from '../../view/math/displayPath';
import { layerNames } from '../runtime/layerNames';
import { describePosition, stripLabel } from './captions';
import { layerBadgesOver, type LayerBadge } from '../../view/math/layerBadges';

export interface CaptionTargets {
  caption: HTMLElement;
  stripCells: HTMLElement;
  slider: SliderBar;
}

export class CaptionBar {
  private key = '';
  private t = NaN;
  private version = -1;
  private badges: LayerBadge[] = [];
  private badgesVersion = -1;
  /** When the badges were last computed (ms): the folded shares cost a few ms for the largest networks. */
  private badgesAt = -Infinity;

  constructor(private readonly el: CaptionTargets) {}

  /** Forget what was written (a new network). */
  reset(): void {
    this.key = '';
    this.t = NaN;
    this.version = -1;
    this.badgesVersion = -1;
    this.badgesAt = -Infinity;
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
    if (o.functionView && spec.inputSize === 1) {
      const r = Math.round(t);
      const names = layerNames(spec);
      text.title = 'curves over the input';
      text.detail =
        r > 0 && r < spec.layers.length
          ? `white: output · colours: the ${path.repWidth[r]} units of ${names[r]} (move the slider to pick a layer)`
          : 'white: output against the data · move the slider to a hidden layer to see its units';
    }
    this.el.slider.set(t, text.phase);
    const watch = o.watch;
    // What each layer does to the plane's topology, from its spec and weights (a tooltip says why).
    // They change with the weights only, not with the slider: computed once per weights read back.
    if (badgesDue || this.badges.length !== spec.layers.length) {
      this.badgesVersion = o.weightsVersion;
      this.badgesAt = now;
      this.badges = layerBadgesOver(spec, path.currentParams, o.points);
    }
    const badges = this.badges;
    const hint = o.hint ? `<span class="hint">${escapeHtml(o.hint)}</span>` : '';
    const key = `${text.title}|${text.detail}|${watch}|${path.swapped.join()}|${path.preActivation}|${o.hint}|${badges.map((b) => b.label).join()}`;
    const cells = this.el.stripCells.children;
    if (key !== this.key) {
      this.key = key;
      this.el.caption.innerHTML = `<span class="title">${text.title}</span><span class="sub">${text.detail}</span>${hint}${
        watch ? `<span class="watch">${escapeHtml(watch)}</span>` : ''
      }`;
      for (let r = 0; r < cells.length; r++) {
        const label = cells[r].querySelector('.label');
        if (!label) continue;
        const b = r > 0 ? badges[r - 1] : null;
        label.innerHTML =
          stripLabel(spec, path, r) +
          (b
            ? ` <span class="badge ${b.kind}" title="${escapeHtml(b.why)}">${escapeHtml(b.label)}</span>`
            : '');
      }
    }
    for (let r = 0; r < cells.length; r++) cells[r].classList.toggle('active', Math.abs(t - r) < 1e-6);
  }
}
