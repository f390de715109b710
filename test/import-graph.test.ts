// The import rule (DESIGN.md, "Imports point one way"): no module of src/ imports itself back through others, and
// the layers import only downwards. Value imports only: `import type` is erased at compile time and can close no
// cycle at run time.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './helpers.js';

/**
 * Cycles that exist today, each as its modules in sorted order. The list only shrinks: the test fails on a cycle
 * not listed here and on a listed one that is gone (remove its entry then).
 */
// Empty since the simulations moved to src/simulations/: any cycle is now a failure.
const KNOWN_CYCLES: readonly (readonly string[])[] = [];

/**
 * Areas (a folder of src/, or a top-level file without `.ts`) and the areas they must never import. What the
 * code follows today; DESIGN.md states the same rule.
 */
const ENTRY_POINTS = ['server', 'cli', 'index', 'cjs', 'testing'];
const FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
  model: ['protocol', 'resources', 'tasks', 'simulations', 'store', 'control', 'delivery', 'operations', ...ENTRY_POINTS],
  rules: ['protocol', 'resources', 'tasks', 'simulations', 'store', 'control', 'delivery', 'events', 'operations', ...ENTRY_POINTS],
  store: ['protocol', 'resources', 'tasks', 'simulations', 'control', 'delivery', 'events', 'operations', ...ENTRY_POINTS],
  protocol: ['resources', 'tasks', 'simulations', 'store', 'control', 'delivery', 'operations', ...ENTRY_POINTS],
  resources: ['protocol', 'control', 'delivery', 'operations', 'simulations', ...ENTRY_POINTS],
  tasks: ['protocol', 'control', 'delivery', 'operations', 'simulations', ...ENTRY_POINTS],
  simulations: ['protocol', 'control', 'delivery', 'operations', ...ENTRY_POINTS],
  events: ['protocol', 'resources', 'tasks', 'simulations', 'control', 'delivery', 'operations', ...ENTRY_POINTS],
  delivery: ['protocol', 'resources', 'tasks', 'simulations', 'control', 'operations', ...ENTRY_POINTS],
  operations: ['protocol', 'control', 'delivery', ...ENTRY_POINTS],
  control: ['server', 'cli', 'index', 'cjs', 'testing'],
};

const SRC = join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.c?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(relative(SRC, path));
  }
  return out;
}

/** `import … from '…'` and `export … from '…'` statements; type-only ones are left out. */
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;

/** True when every named specifier is `type X` (the statement is erased). */
function onlyTypes(clause: string): boolean {
  const braces = /^\{([^}]*)\}$/.exec(clause.trim());
  if (!braces) return false;
  const names = braces[1]!.split(',').map((s) => s.trim()).filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[3] ?? m[4]!;
      if (!spec.startsWith('.')) continue;
      if (m[1] !== undefined || (m[2] !== undefined && onlyTypes(m[2]))) continue;
      deps.push(normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts').replace(/\.cjs$/, '.cts'));
    }
    graph.set(file, deps);
  }
  return graph;
}

/** Strongly connected components of more than one module (or a module importing itself), members sorted. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** One concrete loop through `component`, for the failure message: a → b → … → a. */
function loopThrough(graph: Map<string, string[]>, component: string[]): string {
  const members = new Set(component);
  const start = component[0]!;
  const path = [start];
  const seen = new Set([start]);
  const walk = (v: string): boolean => {
    for (const w of graph.get(v) ?? []) {
      if (w === start) return true;
      if (!members.has(w) || seen.has(w)) continue;
      seen.add(w);
      path.push(w);
      if (walk(w)) return true;
      path.pop();
    }
    return false;
  };
  walk(start);
  return [...path, start].join(' → ');
}

function areaOf(file: string): string {
  const slash = file.indexOf('/');
  return slash >= 0 ? file.slice(0, slash) : file.replace(/\.c?ts$/, '');
}

describe('import graph of src/', () => {
  const graph = importGraph();

  it('parses the imports it checks', () => {
    assert.ok(graph.size > 50, `found ${graph.size} modules`);
    assert.ok(graph.get('server.ts')!.includes('protocol/route.ts'), 'server.ts imports protocol/route.ts');
    // Type-only imports are left out: context.ts imports nothing at run time.
    assert.deepEqual(graph.get('context.ts'), []);
  });

  it('has no import cycle beyond the known ones, and every known one still exists (the list only shrinks)', () => {
    const key = (members: readonly string[]) => [...members].sort().join(' | ');
    const known = new Set(KNOWN_CYCLES.map(key));
    const present = cycles(graph);
    const unexpected = present.filter((c) => !known.has(key(c)));
    assert.deepEqual(unexpected.map((c) => loopThrough(graph, c)), [], 'import cycles (make the imports point one way)');
    const presentKeys = new Set(present.map(key));
    const gone = KNOWN_CYCLES.filter((c) => !presentKeys.has(key(c)));
    assert.deepEqual(gone.map(key), [], 'cycles listed in KNOWN_CYCLES that no longer exist: remove them from the list');
  });

  it('imports only downwards between areas', () => {
    const violations: string[] = [];
    for (const [file, deps] of graph) {
      const forbidden = FORBIDDEN[areaOf(file)] ?? [];
      for (const dep of deps) if (forbidden.includes(areaOf(dep))) violations.push(`${file} → ${dep}`);
    }
    assert.deepEqual(violations, []);
  });
});
