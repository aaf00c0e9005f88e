/**
 * The app's one door, kept by reading the source: helpers declare the narrow host they need (no
 * `Pick<App, …>`), the settings and the run's status are written only by the commands
 * (src/state/commands.ts) and the store's topics are emitted only by `App.dispatch`. lil-gui's own bindings in ui/gui.ts write the settings
 * object they are given and then dispatch the change; nothing else does.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Lines that take the whole app as a helper's host. */
export function appPicks(text: string): string[] {
  return text.split('\n').filter((line) => /Pick<\s*App\b/.test(line));
}

/** Lines that write a setting: `settings.x = …`, `Object.assign(….settings, …)`, or through an alias of it. */
export function settingsWrites(text: string): string[] {
  const aliases = [...text.matchAll(/(?:const|let)\s+(\w+)\s*=\s*(?:[\w.]+\.)?settings\s*;/g)].map(
    (m) => m[1],
  );
  const names = ['settings', ...aliases].join('|');
  const write = new RegExp(
    `(?:\\b(?:${names})(?:\\.\\w+|\\[[^\\]]+\\])+\\s*(?:[-+*/]?=(?!=)|\\+\\+|--))|Object\\.assign\\(\\s*(?:[\\w.]+\\.)?(?:${names})\\s*,`,
  );
  return text.split('\n').filter((line) => write.test(line) && !/^\s*(\*|\/\/)/.test(line));
}

/** Lines that write the run's status (runStatus.ts) on the app or a host. */
export function statusWrites(text: string): string[] {
  const write =
    /\b(?:app|this|host)\.(?:divergedAt|deviceLost|recoveries|recording|lastError|lastLink|lastExport)\s*(?:=(?!=)|\+\+|--)/;
  return text.split('\n').filter((line) => write.test(line) && !/^\s*(\*|\/\/)/.test(line));
}

/** Lines that emit a store topic. */
export function topicEmits(text: string): string[] {
  return text.split('\n').filter((line) => /\.emit\(/.test(line) && !/^\s*(\*|\/\/)/.test(line));
}

describe('the one door', () => {
  const sources = files(SRC).map((f) => ({ path: relative(SRC, f), text: readFileSync(f, 'utf8') }));
  const shell = sources.filter((s) => /^(app|ui)\//.test(s.path) || s.path === 'main.ts');

  it('finds planted side doors', () => {
    expect(appPicks('export type H = Pick<App, "settings">;')).toHaveLength(1);
    expect(appPicks('export type H = Pick<Views, "main">;')).toHaveLength(0);
    expect(settingsWrites('  app.settings.gridSize = 3;')).toHaveLength(1);
    expect(settingsWrites('  this.app.settings.position += 1;')).toHaveLength(1);
    expect(settingsWrites('  Object.assign(app.settings, next);')).toHaveLength(1);
    expect(settingsWrites('  const s = app.settings;\n  s.playing = true;')).toHaveLength(1);
    expect(settingsWrites('  const s = app.settings;\n  if (s.playing === true) go();')).toHaveLength(0);
    expect(settingsWrites('  const lr = app.settings.learningRate;')).toHaveLength(0);
    expect(topicEmits("  app.store.emit('playing');")).toHaveLength(1);
    expect(statusWrites('  app.divergedAt = step;')).toHaveLength(1);
    expect(statusWrites('  app.recoveries++;')).toHaveLength(1);
    expect(statusWrites('  if (app.divergedAt === null) go();')).toHaveLength(0);
  });

  it('has no helper typed as a Pick of the app', () => {
    const found = sources.flatMap((s) => appPicks(s.text).map((l) => `${s.path}: ${l.trim()}`));
    expect(found).toEqual([]);
  });

  it('writes the settings only in the commands (and lil-gui in the panel it binds)', () => {
    const found = shell
      .filter((s) => !['state/commands.ts', 'state/settings.ts', 'ui/gui.ts'].includes(s.path))
      .flatMap((s) => settingsWrites(s.text).map((l) => `${s.path}: ${l.trim()}`));
    expect(found).toEqual([]);
  });

  it("changes the run's status only in the commands", () => {
    const found = shell.flatMap((s) => statusWrites(s.text).map((l) => `${s.path}: ${l.trim()}`));
    expect(found).toEqual([]);
  });

  it('emits topics only from App.dispatch', () => {
    const found = shell.flatMap((s) => topicEmits(s.text).map((l) => `${s.path}: ${l.trim()}`));
    expect(found).toEqual(['app/shell/app.ts: this.store.emit(...topics);']);
  });
});
