import type { ParamRef } from '../../engine/paramRef';

/** What the diagram needs to edit the network's parameters by hand. */
export interface ParamEditHost {
  /** Whether parameters can be edited now (a network exists and its weights have been read). */
  canEdit(): boolean;
  /** The parameter's current value as last read or set, or null when unknown. */
  value(ref: ParamRef): number | null;
  /**
   * Sets one parameter. final = false: a drag in progress (no undo entry); final = true: the gesture ends
   * (one undo entry for the whole gesture, from the value it started at).
   */
  edit(ref: ParamRef, value: number, final: boolean): void;
}
