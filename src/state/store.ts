/**
 * One plain state and the topics it changes by. Named actions (commands.ts) change the state and say which
 * topics they touched; the training bar, the slider, the panel, the chart and the status line subscribe to
 * the topics they draw, so nobody has to remember to tell them. DOM-free.
 */

/** What a change touched. */
export type Topic =
  | 'playing' // training on or paused, and divergence
  | 'pace' // steps per frame, full speed, learning rate
  | 'position' // the layer slider
  | 'animation' // the slider's own play
  | 'network' // a new network or layer names (after a rebuild)
  | 'settings' // anything in the settings (the panel refreshes)
  | 'progress' // step, epoch, speeds (a few times a second)
  | 'story' // story mode started, ended or left
  | 'presenting' // presenting mode on or off
  | 'edits'; // a parameter set by hand, undone or redone

export type Listener<S> = (state: S, topics: ReadonlySet<Topic>) => void;

export class Store<S> {
  private readonly listeners: { topics: ReadonlySet<Topic> | null; run: Listener<S> }[] = [];

  constructor(readonly state: S) {}

  /** Calls `run` whenever one of `topics` changes (every change when `topics` is '*'); returns an unsubscribe. */
  subscribe(topics: readonly Topic[] | '*', run: Listener<S>): () => void {
    const entry = { topics: topics === '*' ? null : new Set(topics), run };
    this.listeners.push(entry);
    return () => {
      const i = this.listeners.indexOf(entry);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Tells the subscribers of these topics that the state changed. */
  emit(...topics: Topic[]): void {
    if (topics.length === 0) return;
    const changed = new Set(topics);
    for (const { topics: wanted, run } of [...this.listeners]) {
      if (wanted === null || topics.some((t) => wanted.has(t))) run(this.state, changed);
    }
  }
}
