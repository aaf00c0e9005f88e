/**
 * Rebuilds run one after another (a new network, data, views; opening a link or a file), never two at
 * once; the frame loop skips drawing while one is under way. What had to be reduced to fit the device
 * during a rebuild is said once, after it.
 */
import type { Notice } from '../../ui/notice';
import { clampMessage } from '../runtime/limits';

/** What the queue reports to. */
export interface RebuildHost {
  readonly notice: Pick<Notice, 'info'>;
  /** A task finished without throwing. */
  succeeded(): void;
  /** A task threw: shown in the banner. */
  failed(e: unknown): void;
  /** After every task, whatever happened: the controls show the state afresh. */
  settled(): void;
}

export class RebuildQueue {
  private tail: Promise<void> = Promise.resolve();
  private running = false;
  private clampedNow: string[] = [];

  constructor(private readonly host: RebuildHost) {}

  /** A rebuild is under way. */
  get busy(): boolean {
    return this.running;
  }

  /** Something was reduced to fit the device (said after the rebuild). */
  clamped(what: string): void {
    this.clampedNow.push(what);
  }

  /** Runs `task` after those queued before it; resolves when it is done (never rejects). */
  run(task: () => Promise<void> | void): Promise<void> {
    this.tail = this.tail.then(async () => {
      this.running = true;
      this.clampedNow = [];
      try {
        await task();
        this.host.succeeded();
      } catch (e) {
        this.host.failed(e);
      } finally {
        this.running = false;
        if (this.clampedNow.length > 0) {
          this.host.notice.info(clampMessage(this.clampedNow), { topic: 'limits' });
          this.clampedNow = [];
        }
        this.host.settled();
      }
    });
    return this.tail;
  }
}
