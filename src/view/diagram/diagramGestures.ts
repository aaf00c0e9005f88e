/**
 * Touching the diagram: hovering or tapping a node names its unit (the layer view highlights its axis);
 * dragging an edge or a bias handle up or down changes that parameter by DRAG_STEP per pixel (the value
 * shown by the pointer as it changes), and a click on one opens a box to type its value. Edits go through
 * the ParamEditHost only; without one (or while it cannot edit) the diagram is read-only.
 */
import type { ParamRef } from '../../engine/paramRef';
import { hitTest, type DiagramHit, type DiagramLayout } from '../math/diagramLayout';
import type { ParamEditHost } from './diagramHost';
import type { OverlayMarks, UnitRef } from './diagramOverlay';

/** How much a parameter changes per CSS pixel of a vertical drag (up: larger). */
export const DRAG_STEP = 0.01;
/** A press that moves less than this (px) is a click. */
const CLICK_SLOP = 3;

/** What the gestures need of the diagram. */
export interface GestureTarget {
  readonly layout: DiagramLayout | null;
  readonly host: ParamEditHost | null;
  /** The value drawn for a parameter (from the weights last read), or null. */
  drawnValue(ref: ParamRef): number | null;
  readonly marks: OverlayMarks;
  /** The overlay must be drawn again now. */
  redraw(): void;
  /** A unit hovered or tapped (null: none). */
  unitTouched(unit: UnitRef | null): void;
}

/** The parameter a hit names, if any. */
export function refOf(hit: DiagramHit): ParamRef | null {
  if (!hit || hit.kind === 'node') return null;
  return hit.kind === 'bias'
    ? { kind: 'bias', layer: hit.layer, to: hit.to }
    : { kind: 'weight', layer: hit.layer, to: hit.to, from: hit.from };
}

/** The value after a drag of `dy` CSS pixels (down positive) from `start`. */
export function draggedValue(start: number, dy: number): number {
  return start - dy * DRAG_STEP;
}

const describe = (ref: ParamRef, v: number): string =>
  `${ref.kind === 'bias' ? `bias ${ref.layer + 1}.${ref.to + 1}` : `w ${ref.layer + 1}: ${ref.from + 1}→${ref.to + 1}`} = ${v.toFixed(3)}`;

export class DiagramGestures {
  private drag: { ref: ParamRef; start: number; x: number; y: number; value: number; moved: boolean } | null =
    null;
  private input: HTMLInputElement | null = null;

  constructor(
    private readonly canvas: HTMLElement,
    private readonly target: GestureTarget,
  ) {
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointerup', (e) => this.up(e));
    canvas.addEventListener('pointercancel', () => this.cancel());
    canvas.addEventListener('pointerleave', () => {
      if (this.drag) return;
      this.setMarks(null, null);
    });
  }

  private local(e: PointerEvent): [number, number] {
    const rect = this.canvas.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  }

  private editable(): ParamEditHost | null {
    const host = this.target.host;
    return host && host.canEdit() ? host : null;
  }

  private setMarks(hit: DiagramHit, readout: OverlayMarks['readout']): void {
    const marks = this.target.marks;
    const unit = hit?.kind === 'node' ? { rep: hit.rep, unit: hit.unit } : null;
    if (unit?.rep !== marks.unit?.rep || unit?.unit !== marks.unit?.unit) this.target.unitTouched(unit);
    marks.unit = unit;
    marks.param =
      hit && hit.kind !== 'node'
        ? { layer: hit.layer, to: hit.to, from: hit.kind === 'weight' ? hit.from : null }
        : null;
    marks.readout = readout;
    this.target.redraw();
  }

  private move(e: PointerEvent): void {
    const [x, y] = this.local(e);
    const drag = this.drag;
    const host = this.editable();
    if (drag && host) {
      if (Math.abs(y - drag.y) + Math.abs(x - drag.x) >= CLICK_SLOP) drag.moved = true;
      if (!drag.moved) return;
      drag.value = draggedValue(drag.start, y - drag.y);
      host.edit(drag.ref, drag.value, false);
      this.target.marks.readout = { text: describe(drag.ref, drag.value), x, y };
      this.target.redraw();
      return;
    }
    const layout = this.target.layout;
    if (!layout) return;
    const hit = hitTest(layout, x, y);
    const ref = refOf(hit);
    const value = ref ? (this.target.host?.value(ref) ?? this.target.drawnValue(ref)) : null;
    this.canvas.style.cursor = ref ? (this.editable() ? 'ns-resize' : 'help') : hit ? 'pointer' : '';
    this.setMarks(hit, ref && value !== null ? { text: describe(ref, value), x, y } : null);
  }

  private down(e: PointerEvent): void {
    const layout = this.target.layout;
    if (!layout || e.button !== 0) return;
    const [x, y] = this.local(e);
    const hit = hitTest(layout, x, y);
    const ref = refOf(hit);
    const host = this.editable();
    if (!ref || !host) {
      // A tap names a unit as hovering does (touch screens have no hover).
      if (hit?.kind === 'node') this.setMarks(hit, null);
      return;
    }
    const start = host.value(ref) ?? this.target.drawnValue(ref);
    if (start === null) return;
    e.preventDefault();
    this.canvas.setPointerCapture?.(e.pointerId);
    this.drag = { ref, start, x, y, value: start, moved: false };
  }

  private up(e: PointerEvent): void {
    const drag = this.drag;
    this.drag = null;
    if (!drag) return;
    this.canvas.releasePointerCapture?.(e.pointerId);
    const host = this.editable();
    if (!host) return;
    if (drag.moved) {
      const [, y] = this.local(e);
      host.edit(drag.ref, draggedValue(drag.start, y - drag.y), true);
      return;
    }
    this.openInput(drag.ref, drag.start, drag.x, drag.y);
  }

  private cancel(): void {
    const drag = this.drag;
    this.drag = null;
    const host = this.editable();
    if (drag?.moved && host) host.edit(drag.ref, drag.start, true);
  }

  /** A box over the diagram to type the parameter's value: Enter sets it, Escape or leaving closes it. */
  private openInput(ref: ParamRef, value: number, x: number, y: number): void {
    this.input?.remove();
    const input = document.createElement('input');
    input.type = 'number';
    input.step = 'any';
    input.className = 'diagram-input';
    input.value = String(Number(value.toFixed(4)));
    input.setAttribute('aria-label', describe(ref, value).split(' = ')[0]);
    input.style.left = `${Math.round(x)}px`;
    input.style.top = `${Math.round(y)}px`;
    let open = true;
    const close = (): void => {
      // Enter closes it, and the blur its removal causes would again.
      if (!open) return;
      open = false;
      input.remove();
      if (this.input === input) this.input = null;
    };
    input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Escape') close();
      if (e.key !== 'Enter') return;
      const v = Number(input.value);
      const host = this.editable();
      if (Number.isFinite(v) && host) host.edit(ref, v, true);
      close();
    });
    input.addEventListener('blur', close);
    this.canvas.parentElement?.appendChild(input);
    this.input = input;
    input.focus();
    input.select();
  }
}
