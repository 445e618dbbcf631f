/**
 * Dependency cycles within a workflow: jobs that wait for each other never start. Each strongly
 * connected group of jobs is reported once, with one cycle through it, at a dependsOn entry of the
 * first job (in file order) of that cycle.
 */
import { asArr, asStr, prop } from '../../values';
import type { WorkflowEntry } from '../../workspace';
import type { WorkspaceRule } from './context';

interface Edge {
  readonly to: number;
  readonly depIndex: number;
}

export const dependencyCycles: WorkspaceRule = ({ ws, report }) => {
  for (const wf of ws.workflows) {
    const graph = buildGraph(wf);
    for (const component of stronglyConnected(graph)) {
      if (component.length < 2) continue;
      const start = Math.min(...component);
      const cycle = shortestCycle(graph, start, new Set(component));
      if (!cycle) continue;
      const names = cycle.map((n) => wf.jobs[n].key);
      const firstEdge = graph[start].find((e) => e.to === cycle[1])!;
      report('error', wf.doc, [...wf.jobs[start].path, 'dependsOn', firstEdge.depIndex, 'job'], 'dependency-cycle',
        `Dependency cycle: ${showCycle(names)}; these jobs would wait for each other forever`);
    }
  }
};

/** `a -> b -> c -> a`, shortened in the middle for long cycles. */
function showCycle(names: readonly string[]): string {
  const closed = [...names, names[0]];
  if (closed.length <= 12) return closed.join(' -> ');
  return `${[...closed.slice(0, 6), '...', ...closed.slice(-4)].join(' -> ')} (${names.length} jobs)`;
}

function buildGraph(wf: WorkflowEntry): Edge[][] {
  const index = new Map(wf.jobs.map((j, i) => [j.key, i]));
  return wf.jobs.map((job) => {
    const edges: Edge[] = [];
    asArr(job.value.dependsOn)?.forEach((dep, depIndex) => {
      const name = asStr(prop(dep, 'job'));
      const to = name === undefined || name === job.key || prop(dep, 'type') === 'SEQUENTIAL' ? undefined : index.get(name);
      if (to !== undefined) edges.push({ to, depIndex });
    });
    return edges;
  });
}

/** Tarjan's algorithm, iterative (workflows may be long chains). */
function stronglyConnected(graph: readonly Edge[][]): number[][] {
  const n = graph.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: Array<[number, number]> = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, next] = frame;
      if (next < graph[v].length) {
        frame[1]++;
        const w = graph[v][next].to;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        out.push(component);
      }
    }
  }
  return out;
}

/** The shortest path start -> ... -> start inside `members`, as the list of nodes from start. */
function shortestCycle(graph: readonly Edge[][], start: number, members: ReadonlySet<number>): number[] | undefined {
  const parent = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (const { to } of graph[v]) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(parent.get(path[0])!);
        return path;
      }
      if (!parent.has(to)) {
        parent.set(to, v);
        queue.push(to);
      }
    }
  }
  return undefined;
}
