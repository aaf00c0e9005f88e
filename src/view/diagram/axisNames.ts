/**
 * The main view's axes named by their units while it shows a whole representation by its units (the
 * input, or a layer of at most three units, or chosen units): "x1", "h2.3", "out 1". The name of the unit
 * hovered or tapped in the diagram is highlighted, and clicking a name selects its unit (the diagram frames
 * its node). DOM labels over the main canvas, placed at the axes' far ends each time the view is drawn.
 */
import * as THREE from 'three/webgpu';
import type { DisplayPath } from '../math/displayPath';
import type { UnitRef } from './diagramOverlay';

/** A unit's short name: x1 for the input, h2.3 for a hidden layer's unit, out 1 for the output's. */
export function unitName(layers: number, rep: number, unit: number): string {
  if (rep === 0) return `x${unit + 1}`;
  return rep === layers ? `out ${unit + 1}` : `h${rep}.${unit + 1}`;
}

/** The units on the main view's axes at slider position t: the representation and one unit per axis. */
export function axisUnits(path: DisplayPath, t: number): { rep: number; units: number[] } | null {
  const rep = Math.round(t);
  if (Math.abs(t - rep) > 1e-6 || rep < 0 || rep > path.layers) return null;
  const projection = path.getProjection(rep);
  return projection.kind === 'units' ? { rep, units: projection.units.slice(0, 3) } : null;
}

export class AxisNames {
  private box: HTMLElement | null = null;
  private labels: HTMLElement[] = [];
  private shown: UnitRef[] = [];
  private readonly v = new THREE.Vector3();
  /** A name clicked: its unit is selected. */
  onSelect: ((unit: UnitRef) => void) | null = null;

  /** Places the names for `on` (null: none) over `canvas`, drawn with `camera`, the picture in `extent`. */
  place(
    canvas: HTMLCanvasElement,
    camera: THREE.Camera,
    extent: THREE.Box3,
    on: { rep: number; units: number[]; layers: number } | null,
    marks: { unit: UnitRef | null; selected: UnitRef | null },
  ): void {
    const parent = canvas.parentElement;
    if (!parent) return;
    if (!this.box || this.box.parentElement !== parent) {
      this.box?.remove();
      this.box = parent.ownerDocument.createElement('div');
      this.box.className = 'axis-names';
      parent.appendChild(this.box);
      this.labels = [];
    }
    const units = on?.units ?? [];
    while (this.labels.length < units.length) {
      const label = parent.ownerDocument.createElement('button');
      label.type = 'button';
      label.className = 'axis-name';
      const i = this.labels.length;
      label.addEventListener('click', () => this.shown[i] && this.onSelect?.(this.shown[i]));
      this.box.appendChild(label);
      this.labels.push(label);
    }
    this.shown = on ? units.map((unit) => ({ rep: on.rep, unit })) : [];
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    const maxs = [extent.max.x, extent.max.y, extent.max.z];
    const mins = [extent.min.x, extent.min.y, extent.min.z];
    this.labels.forEach((label, a) => {
      const unit = this.shown[a];
      label.hidden = !unit;
      if (!unit || !on) return;
      // The far end of axis a, a little beyond the picture (as the axes are drawn).
      const hi = Math.max(0, maxs[a]);
      const extentA = Math.max(1e-6, hi - Math.min(0, mins[a]));
      this.v.set(0, 0, 0).setComponent(a, hi + 0.08 * extentA);
      this.v.project(camera);
      const x = (this.v.x * 0.5 + 0.5) * w;
      const y = (0.5 - this.v.y * 0.5) * h;
      label.hidden = !(Math.abs(this.v.x) <= 1 && Math.abs(this.v.y) <= 1 && this.v.z <= 1);
      label.textContent = unitName(on.layers, unit.rep, unit.unit);
      label.style.left = `${Math.round(x)}px`;
      label.style.top = `${Math.round(y)}px`;
    });
    this.mark(marks);
  }

  /** Highlights the hovered unit's name and the selected one's. */
  mark(marks: { unit: UnitRef | null; selected: UnitRef | null }): void {
    const same = (a: UnitRef | null, b: UnitRef | undefined): boolean =>
      !!a && !!b && a.rep === b.rep && a.unit === b.unit;
    this.labels.forEach((label, i) => {
      label.classList.toggle('hot', same(marks.unit, this.shown[i]));
      label.classList.toggle('selected', same(marks.selected, this.shown[i]));
    });
  }

  /** Hides every name (another view, or the axes hidden). */
  hide(): void {
    for (const l of this.labels) l.hidden = true;
    this.shown = [];
  }

  dispose(): void {
    this.box?.remove();
    this.box = null;
    this.labels = [];
  }
}
