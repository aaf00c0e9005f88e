/**
 * src/view/math holds the views' pure maths: no module there imports three.js, touches the DOM or imports
 * the drawing, camera or view modules above it, so each can be read, run and tested in Node alone.
 * Plant `import * as THREE from 'three/webgpu'` in one to see this fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(__dirname, '..', 'src', 'view', 'math');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

/** Every module specifier a file imports or re-exports, type imports included. */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('view/math is pure', () => {
  it('has modules', () => expect(files.length).toBeGreaterThan(10));
  for (const f of files) {
    it(f, () => {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const s of specifiers(text)) {
        expect(s, `${f} imports ${s}`).not.toMatch(/^three(\/|$)/);
        // Inside math/, or down to the engine's specs and the palette: never up to draw/, camera/ or views.
        expect(s, `${f} imports ${s}`).toMatch(/^\.\/|^\.\.\/\.\.\/engine\/|^\.\.\/theme$/);
      }
      expect(text, `${f} touches the DOM`).not.toMatch(/\b(document|window|HTMLElement|matchMedia)\b/);
    });
  }
});
