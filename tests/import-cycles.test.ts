/**
 * Imports go one way: no module of src/ reaches itself, through runtime imports or type-only ones (`import
 * type` vanishes when compiled, but a circle of types still ties the modules together for a reader).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Imports of one file, resolved to files under src/ (packages and raw WGSL are left out): static imports
 * and re-exports, dynamic imports, and (unless `runtimeOnly`) `import type` and inline `import('…')` types.
 */
export function moduleImports(path: string, text: string, runtimeOnly = false): string[] {
  const out: string[] = [];
  const re =
    /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    if (runtimeOnly && m[2]) continue;
    const spec = m[3] ?? m[4];
    if (!spec || !spec.startsWith('.')) continue;
    // `import { type A, type B } from` is type-only as well.
    const typeOnly = m[0].includes('{') && /\{\s*(type\s+\w+\s*(as\s+\w+\s*)?,?\s*)+\}/.test(m[0]);
    if (runtimeOnly && typeOnly) continue;
    const base = resolve(dirname(path), spec.replace(/\?.*$/, ''));
    for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
      try {
        if (statSync(candidate).isFile() && candidate.endsWith('.ts')) {
          out.push(candidate);
          break;
        }
      } catch {
        // not this one
      }
    }
  }
  return out;
}

/** Every cycle's files, in order (empty when the graph has none). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('import structure', () => {
  const graph = new Map(files(SRC).map((f) => [f, moduleImports(f, readFileSync(f, 'utf8'))]));

  it('finds a planted cycle, type-only imports included', () => {
    const a = join(SRC, 'a.ts');
    expect(moduleImports(a, "import { x } from './b';\nimport type { Y } from './c';")).toEqual([]);
    const state = join(SRC, 'state/commands.ts');
    const settings = join(SRC, 'state/settings.ts');
    expect(moduleImports(state, "import type { Settings } from './settings';")).toEqual([settings]);
    expect(moduleImports(state, "import { type Settings } from './settings';")).toEqual([settings]);
    expect(moduleImports(state, "import type { Settings } from './settings';", true)).toEqual([]);
    expect(moduleImports(state, "let s: import('./settings').Settings;")).toEqual([settings]);
    // A type-only circle is a circle.
    const typeCircle = new Map([
      [state, moduleImports(state, "import type { Settings } from './settings';")],
      [settings, moduleImports(settings, "import type { Command } from './commands';")],
    ]);
    expect(findCycles(typeCircle)).toEqual([[state, settings, state]]);
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycles(g)).toEqual([['a', 'b', 'c', 'a']]);
    expect(moduleImports(join(SRC, 'main.ts'), "import { App } from './app/shell/app';")).toEqual([
      join(SRC, 'app/shell/app.ts'),
    ]);
    expect(moduleImports(join(SRC, 'main.ts'), "const m = await import('./app/testing/testHook');")).toEqual([
      join(SRC, 'app/testing/testHook.ts'),
    ]);
  });

  it('has no import cycle in src/', () => {
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(' → '));
    expect(cycles).toEqual([]);
  });

  it('keeps the engine, data and share modules free of the DOM-side app', () => {
    for (const [file, deps] of graph) {
      const from = relative(SRC, file);
      if (!/^(engine|data|share|experiment)\//.test(from)) continue;
      for (const dep of deps) expect(`${from} → ${relative(SRC, dep)}`).not.toMatch(/→ (app|ui|view)\//);
    }
  });
  it('keeps the panels on the state alone, and the shell imported only by main and the test hook', () => {
    for (const [file, deps] of graph) {
      const from = relative(SRC, file);
      for (const dep of deps.map((d) => relative(SRC, d))) {
        if (from.startsWith('ui/')) expect(`${from} → ${dep}`).not.toMatch(/→ app\//);
        if (dep.startsWith('app/shell/') && !/^(main\.ts|app\/shell\/|app\/testing\/)/.test(from)) {
          expect.fail(`${from} imports the shell (${dep})`);
        }
      }
    }
  });
  it('has no circle between the folders of src/ either (a folder that imports another is never imported by it)', () => {
    const folder = (f: string): string => relative(SRC, f).split('/')[0];
    const folders = new Map<string, string[]>();
    for (const [file, deps] of graph) {
      const from = folder(file);
      const to = new Set(folders.get(from) ?? []);
      for (const dep of deps) if (folder(dep) !== from) to.add(folder(dep));
      folders.set(from, [...to]);
    }
    expect(findCycles(folders)).toEqual([]);
    // The check sees a planted circle: ui taking a name from the shell while the shell uses the panels.
    folders.set('ui', [...(folders.get('ui') ?? []), 'app']);
    expect(findCycles(folders).length).toBeGreaterThan(0);
  });
});
