/**
 * The banner's order: newest first, but messages with buttons (they ask for a decision) above those that
 * only tell; at most three rows. The
 * banner only needs a handful of element calls, so a small stand-in document takes the browser's place.
 */
import { describe, expect, it } from 'vitest';
import { Notice } from '../src/ui/notice';

class Node {
  children: Node[] = [];
  parent: Node | null = null;
  hidden = false;
  textContent = '';
  className = '';
  constructor(readonly ownerDocument: { createElement(tag: string): Node }) {}
  setAttribute(): void {}
  addEventListener(): void {}
  insertBefore(child: Node, before: Node | null): void {
    const at = before === null ? this.children.length : this.children.indexOf(before);
    if (at < 0) throw new Error('insertBefore: not a child');
    child.parent = this;
    this.children.splice(at, 0, child);
  }
  prepend(child: Node): void {
    this.insertBefore(child, this.children[0] ?? null);
  }
  appendChild(child: Node): void {
    this.insertBefore(child, null);
  }
  remove(): void {
    if (this.parent) this.parent.children.splice(this.parent.children.indexOf(this), 1);
    this.parent = null;
  }
}

function banner(): { notice: Notice; shown: () => string[]; element: Node } {
  const doc = { createElement: (): Node => new Node(doc) };
  const element = new Node(doc);
  const notice = new Notice(element as unknown as HTMLElement);
  // What the page shows, top to bottom: each row's first child is its text.
  const shown = () => element.children.map((row) => row.children[0]!.textContent);
  return { notice, shown, element };
}

const ask = { actions: [{ label: 'Lower the learning rate', run: () => {} }] };

describe('notice order', () => {
  it('a message that only tells goes below a question shown before it; a new question goes on top', () => {
    const { notice, shown } = banner();
    notice.error('diverged', ask);
    notice.info('grid lowered');
    expect(shown()).toEqual(['diverged', 'grid lowered']);
    // The newest message wherever it stands; `messages` is the page's order.
    expect(notice.latest).toBe('grid lowered');
    expect(notice.messages).toEqual(shown());
    notice.success('link copied');
    expect(shown()).toEqual(['diverged', 'link copied', 'grid lowered']);
    notice.error('device lost', ask);
    // Four rows: the oldest that only tells goes.
    expect(shown()).toEqual(['device lost', 'diverged', 'link copied']);
    expect(notice.messages).toEqual(shown());
    expect(notice.latest).toBe('device lost');
  });

  it('errors without buttons keep the plain newest-first order and make room like the rest', () => {
    const { notice, shown } = banner();
    notice.error('caught 1');
    notice.error('caught 2');
    notice.success('opened');
    notice.info('grid lowered');
    expect(shown()).toEqual(['grid lowered', 'opened', 'caught 2']);
    expect(notice.latest).toBe('grid lowered');
  });

  it('a topic replaces its earlier message in its own place among the questions or the rest', () => {
    const { notice, shown } = banner();
    notice.info('grid 40 → 32', { topic: 'grid' });
    notice.error('diverged', { topic: 'divergence', ...ask });
    notice.info('grid 32 → 24', { topic: 'grid' });
    expect(shown()).toEqual(['diverged', 'grid 32 → 24']);
    notice.clear('divergence');
    expect(shown()).toEqual(['grid 32 → 24']);
    expect(notice.latest).toBe('grid 32 → 24');
  });

  it('under three questions a message that only tells takes the oldest question’s row, never its own', () => {
    const { notice, shown, element } = banner();
    notice.error('q1', ask);
    notice.error('q2', ask);
    notice.info('q3', ask);
    notice.info('routine');
    expect(shown()).toEqual(['q3', 'q2', 'routine']);
    expect(notice.latest).toBe('routine');
    notice.error('q4', ask);
    expect(shown()).toEqual(['q4', 'q3', 'q2']);
    notice.clear();
    expect(shown()).toEqual([]);
    expect(element.hidden).toBe(true);
    expect(notice.latest).toBeNull();
  });
});
