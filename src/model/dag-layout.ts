/**
 * A fast layered layout for large graphs (used by the layout worker above the size where elkjs's
 * layered algorithm stops being interactive on a small machine): longest-path layers, two barycenter
 * sweeps to reduce crossings, straight edges. Linear-ish in nodes + edges. Pure.
 */
import type { DagDirection, LayoutRequest, LayoutResponse, Point } from './dag-protocol';

const LAYER_GAP = 56;
const NODE_GAP = 16;

export function fastLayeredLayout(req: LayoutRequest): Extract<LayoutResponse, { ok: true }> {
  const start = Date.now();
  const index = new Map(req.nodes.map((n, i) => [n.id, i]));
  const n = req.nodes.length;
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Array<number>(n).fill(0);
  for (const e of req.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t) continue;
    preds[t].push(s);
    succs[s].push(t);
    indegree[t]++;
  }
  // Longest path from the sources (Kahn's order); nodes left on a cycle keep layer 0.
  const layer = new Array<number>(n).fill(0);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    for (const w of succs[v]) {
      layer[w] = Math.max(layer[w], layer[v] + 1);
      if (--indegree[w] === 0) queue.push(w);
    }
  }
  const layers: number[][] = [];
  for (let i = 0; i < n; i++) (layers[layer[i]] ??= []).push(i);
  const pos = new Array<number>(n).fill(0);
  const renumber = (l: number[]) => l.forEach((v, i) => (pos[v] = i));
  layers.forEach(renumber);
  const sweep = (neighbours: number[][], order: number[][]) => {
    for (const l of order) {
      const key = new Map(l.map((v) => [v, neighbours[v].length ? neighbours[v].reduce((a, u) => a + pos[u], 0) / neighbours[v].length : pos[v]]));
      l.sort((a, b) => key.get(a)! - key.get(b)!);
      renumber(l);
    }
  };
  sweep(preds, layers.slice(1));
  sweep(succs, layers.slice(0, -1).reverse());
  sweep(preds, layers.slice(1));

  const horizontal = req.direction === 'RIGHT';
  const along = (i: number) => (horizontal ? req.nodes[i].width : req.nodes[i].height);
  const across = (i: number) => (horizontal ? req.nodes[i].height : req.nodes[i].width);
  const extents = layers.map((l) => l.reduce((a, v) => a + across(v) + NODE_GAP, -NODE_GAP));
  const maxExtent = Math.max(0, ...extents);
  const xy: Point[] = new Array<Point>(n);
  let offset = 0;
  layers.forEach((l, li) => {
    const depth = Math.max(...l.map(along));
    let c = (maxExtent - extents[li]) / 2;
    for (const v of l) {
      const a = offset + (depth - along(v)) / 2;
      xy[v] = horizontal ? { x: a, y: c } : { x: c, y: a };
      c += across(v) + NODE_GAP;
    }
    offset += depth + LAYER_GAP;
  });
  const width = horizontal ? Math.max(0, offset - LAYER_GAP) : maxExtent;
  const height = horizontal ? maxExtent : Math.max(0, offset - LAYER_GAP);
  const edges = req.edges.flatMap((e) => {
    const s = index.get(e.source);
    const t = index.get(e.target);
    return s === undefined || t === undefined ? [] : [{ id: e.id, points: [port(req, xy, s, req.direction, 'out'), port(req, xy, t, req.direction, 'in')] }];
  });
  return { seq: req.seq, ok: true, width, height, nodes: req.nodes.map((node, i) => ({ id: node.id, ...xy[i] })), edges, ms: Date.now() - start, engine: 'fast' };
}

function port(req: LayoutRequest, xy: readonly Point[], i: number, direction: DagDirection, side: 'in' | 'out'): Point {
  const { width, height } = req.nodes[i];
  const p = xy[i];
  if (direction === 'RIGHT') return { x: side === 'out' ? p.x + width : p.x, y: p.y + height / 2 };
  return { x: p.x + width / 2, y: side === 'out' ? p.y + height : p.y };
}
