/**
 * The test hook's window onto the network diagram (view/diagram): where its nodes are, what it reads, and a
 * recording edit host, so a browser test can compare heatmaps with the twin and drag edges with real
 * pointer events before anything else owns the parameters.
 */
import type { ParamRef } from '../../engine/paramRef';
import type { NetworkSpec } from '../../engine/spec';
import type { NetworkView } from '../../state/settings';
import type { DiagramView } from '../../view/diagram/diagramView';
import type { ParamEditHost } from '../../view/diagram/diagramHost';
import type { Command } from '../../state/commands';

/** What the diagram hook needs of the app. */
export interface DiagramHookHost {
  readonly views: { readonly diagram: DiagramView | null };
  readonly spec: NetworkSpec | null;
  /** The app's hand edits: the diagram's own edit host. */
  readonly edits: ParamEditHost;
  dispatch(c: Command): void;
}

export interface EditRecord {
  ref: ParamRef;
  value: number;
  final: boolean;
}

export interface DiagramHook {
  /** Shows the strip, the diagram or both (through the command). */
  show(view: NetworkView): void;
  /** Where the nodes are (client px), the colour scales, the grid's extent; null without a diagram. */
  probe(): ReturnType<DiagramView['probe']>;
  /** The network on display. */
  spec(): NetworkSpec | null;
  /** Puts a host into the diagram that records every edit (and can always edit). */
  recordEdits(): void;
  /** The edits recorded since recordEdits. */
  edits(): EditRecord[];
  /** Gives the diagram back the app's hand edits as its host (after recordEdits). */
  useAppEdits(): void;
  /** 3-D input: shows slice k. */
  setSlice(k: number): void;
}

export function diagramHook(app: DiagramHookHost): DiagramHook {
  const edits: EditRecord[] = [];
  return {
    show: (view) => app.dispatch({ type: 'setNetworkView', view }),
    probe: () => app.views.diagram?.probe() ?? null,
    spec: () => app.spec,
    recordEdits: () => {
      const diagram = app.views.diagram;
      if (!diagram) return;
      edits.length = 0;
      const host: ParamEditHost = {
        canEdit: () => true,
        value: (ref) => diagram.drawnValue(ref),
        edit: (ref, value, final) => void edits.push({ ref, value, final }),
      };
      diagram.host = host;
    },
    edits: () => edits.slice(),
    useAppEdits: () => {
      if (app.views.diagram) app.views.diagram.host = app.edits;
    },
    setSlice: (k) => app.views.diagram?.setSlice(k),
  };
}
