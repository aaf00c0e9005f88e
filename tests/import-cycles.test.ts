/**
 * Imports go one way: no module of src/ reaches itself through runtime imports (`import type` and
 * `export type` do not count; they vanish when compiled). The shell's files stay small.
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

/** Runtime imports of one file, resolved to files under src/ (packages and raw WGSL are left out). */
export function runtimeImports(path: string, text: string): string[] {
  const out: string[] = [];
  // Static imports and re-exports, skipping `import type` / `export type`; dynamic imports count too.
  const re =
    /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    if (m[2]) continue;
    const spec = m[3] ?? m[4];
    if (!spec || !spec.startsWith('.')) continue;
    // `import { type A, type B } from` is type-only as well.
    if (m[0].includes('{') && /\{\s*(type\s+\w+\s*(as\s+\w+\s*)?,?\s*)+\}/.test(m[0])) continue;
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
  const graph = new Map(files(SRC).map((f) => [f, runtimeImports(f, readFileSync(f, 'utf8'))]));

  it('finds a planted cycle and ignores type-only imports', () => {
    const a = join(SRC, 'a.ts');
    expect(runtimeImports(a, "import { x } from './b';\nimport type { Y } from './c';")).toEqual([]);
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycles(g)).toEqual([['a', 'b', 'c', 'a']]);
    expect(runtimeImports(join(SRC, 'main.ts'), "import { App } from './app/controller';")).toEqual([
      join(SRC, 'app/controller.ts'),
    ]);
    expect(runtimeImports(join(SRC, 'main.ts'), "import type { App } from './app/controller';")).toEqual([]);
    expect(runtimeImports(join(SRC, 'main.ts'), "const m = await import('./app/debug');")).toEqual([
      join(SRC, 'app/debug.ts'),
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
});
