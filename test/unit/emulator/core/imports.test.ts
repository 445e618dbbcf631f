/**
 * The core's imports run one way: no file of src/emulator/batch/core reaches itself again through
 * the relative imports among the core's files (static, type-only and `import('./x')` types alike).
 * A circle makes every file on it load, change and be understood together (issue 17, item 7).
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const CORE = path.resolve(__dirname, '../../../../src/emulator/batch/core');

/** file → the core files it imports (relative `./x` specifiers only: the core's own graph). */
export function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const src = readFileSync(path.join(dir, file), 'utf8');
    const deps = new Set<string>();
    for (const m of src.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'\.\/([^']+)'/gm)) deps.add(`${m[1]}.ts`);
    graph.set(file, [...deps].filter((d) => d !== file));
  }
  return graph;
}

/** One circle of imports (as a path that ends where it starts), or undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | undefined => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (!graph.has(d)) continue;
      if (state.get(d) === 'open') return [...stack.slice(stack.indexOf(d)), d];
      if (!state.has(d)) {
        const found = visit(d);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(f, 'done');
    return undefined;
  };
  for (const f of graph.keys()) {
    if (state.has(f)) continue;
    const found = visit(f);
    if (found) return found;
  }
  return undefined;
}

describe('batch core import graph', () => {
  it('finds a circle when there is one (the check itself)', () => {
    assert.deepEqual(findCycle(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']]])), ['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    assert.equal(findCycle(new Map([['a.ts', ['b.ts']], ['b.ts', []]])), undefined);
  });

  it('reads every kind of relative import', () => {
    const graph = importGraph(CORE);
    assert.ok(graph.size > 20, 'the core files are found');
    assert.ok(graph.get('engine.ts')!.includes('attempts.ts'), 'a static import is read');
    assert.ok(graph.get('scheduler.ts')!.includes('attempts.ts'), 'an `import type` is read');
  });

  it('has no circle among the core files', () => {
    const cycle = findCycle(importGraph(CORE));
    assert.equal(cycle, undefined, `the core imports itself in a circle: ${cycle?.join(' → ')}; move the shared types down (jobs.ts holds the records)`);
  });
});
