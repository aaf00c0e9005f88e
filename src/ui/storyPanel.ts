/**
 * The story panel beside the picture (under it on a phone): pick a story from the write-ups; while one
 * runs, its title and progress (what to look for is the caption over the picture); at its end the
 * outcome measured on this run, with "Train on" and "Run again"; what happens and the source fold
 * behind "More"; after a change, "Back to the story". The banner (shown over the picture when
 * presenting) repeats the title and the outcome in large type.
 */
import type { StoryView } from '../story/storyMode';
import { HAND_STORIES, isHandStory } from '../story/handStory';
import { STORIES } from '../story/stories';

export interface StoryActions {
  open(presetId: string): void;
  trainOn(): void;
}

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

export class StoryPanel {
  private key = '';
  private readonly select: HTMLSelectElement;
  private readonly body: HTMLElement;
  /** Whether "More" is open: kept from story to story, as the person left it. */
  private moreOpen = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly actions: StoryActions,
    private readonly banner: HTMLElement | null = null,
  ) {
    this.select = el('select', {
      id: 'story-select',
      title: 'Run an experiment from the write-ups, with its story',
    });
    this.select.append(el('option', { value: '', textContent: 'Stories from the write-ups…' }));
    for (const s of [...STORIES, ...HAND_STORIES])
      this.select.append(el('option', { value: s.preset, textContent: s.title }));
    this.select.addEventListener('change', () => {
      if (this.select.value) actions.open(this.select.value);
      // The arrow keys go back to the picture (they move the layer), not to the menu.
      this.select.blur();
    });
    this.body = el('div', { className: 'story-body' });
    root.replaceChildren(el('div', { className: 'story-head' }, this.select), this.body);
  }

  show(v: StoryView): void {
    const key =
      v.kind === 'run'
        ? `${v.run.story.preset}|${v.run.status}|${v.run.outcome?.text}|${Math.min(v.step, v.run.steps)}`
        : v.kind === 'left'
          ? `left|${v.story.preset}|${v.why}`
          : 'none';
    if (key === this.key) return;
    this.key = key;
    this.root.dataset.state = v.kind === 'run' ? v.run.status : v.kind;
    if (v.kind === 'none') {
      this.select.value = '';
      this.body.replaceChildren();
      this.banner?.replaceChildren();
      return;
    }
    if (v.kind === 'left') {
      this.select.value = '';
      this.banner?.replaceChildren();
      const back = el('button', { type: 'button', id: 'story-back', textContent: 'Back to the story' });
      back.addEventListener('click', () => this.actions.open(v.story.preset));
      this.body.replaceChildren(
        el(
          'p',
          { className: 'story-left' },
          `${v.why}: the story “${v.story.title}” no longer describes this network. `,
          back,
        ),
      );
      return;
    }
    const { story, steps, status, outcome } = v.run;
    this.select.value = story.preset;
    const source = story.source.url
      ? el('a', { href: story.source.url, target: '_blank', rel: 'noopener', textContent: story.source.work })
      : el('span', { textContent: story.source.work });
    const more = el(
      'details',
      { className: 'story-more', open: this.moreOpen },
      el('summary', { textContent: 'More: what happens, and the source' }),
      el('p', { className: 'story-text', textContent: story.happens }),
      el('p', { className: 'story-source' }, 'From ', source, `, ${story.source.where}.`),
    );
    more.addEventListener('toggle', () => (this.moreOpen = more.open));
    const rows: Node[] = [el('p', { className: 'story-title' }, el('b', { textContent: story.title }))];
    let state: Node;
    if (status === 'running' && isHandStory(story)) {
      state = el('p', { className: 'story-progress', id: 'story-outcome' }, outcome?.text ?? '');
      rows.push(el('p', { className: 'story-text', textContent: story.task }), state);
    } else if (status === 'running') {
      const at = Math.min(v.step, steps);
      state = el(
        'p',
        { className: 'story-progress' },
        `Training step ${at.toLocaleString('en-US')} of ${steps.toLocaleString('en-US')}; it pauses there and tells what happened.`,
      );
      rows.push(state);
    } else if (outcome) {
      state = el(
        'p',
        { className: `story-outcome ${outcome.shown ? 'shown' : 'not-shown'}`, id: 'story-outcome' },
        outcome.text,
      );
      rows.push(state);
      if (status === 'ended') {
        const on = el('button', { type: 'button', id: 'story-train-on', textContent: 'Train on' });
        on.addEventListener('click', () => this.actions.trainOn());
        const again = el('button', { type: 'button', id: 'story-again', textContent: 'Run again' });
        again.addEventListener('click', () => this.actions.open(story.preset));
        rows.push(el('p', { className: 'story-buttons' }, on, ' ', again));
      } else
        rows.push(
          el('p', { className: 'story-progress', textContent: 'Trained on past the story’s length.' }),
        );
    } else state = document.createTextNode('');
    rows.push(more);
    this.body.replaceChildren(...rows);
    const shownState = state.cloneNode(true);
    if (shownState instanceof HTMLElement) shownState.removeAttribute('id');
    this.banner?.replaceChildren(el('p', { className: 'story-title', textContent: story.title }), shownState);
  }
}
