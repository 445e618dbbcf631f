/**
 * The layout worker: lays out the graph with elkjs (layered) off the UI thread. Speaks the
 * LayoutRequest / LayoutResponse messages of src/model/dag-protocol.ts.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { fastLayeredLayout } from '../../src/model/dag-layout';
import type { LayoutRequest, LayoutResponse, Point } from '../../src/model/dag-protocol';

/**
 * Up to this many nodes the graph is laid out by elkjs; above it by the fast layered layout
 * (src/model/dag-layout.ts), which lays out 1,000 nodes in ~100 ms and 5,000 in ~200 ms.
 *
 * Why 300: the goal is a 1,000-node graph laid out and painted in 1.5 s on a 2-core machine. elk's
 * layered algorithm (GWT-compiled Java) does not get there even with its cheapest phases (the options
 * below for large graphs). Measured in Node on the 2-core, heavily loaded (load ~10) dev machine, two
 * runs each, 1,000-node fixture graph: the earlier options (thoroughness 1, SIMPLE placement,
 * polyline) 5.3 / 3.0 s; + LONGEST_PATH layering, no greedy switch, no post-compaction, one
 * component 3.1-3.5 s; + INTERACTIVE crossing minimisation 2.1-2.3 s (and a worse drawing);
 * LINEAR_SEGMENTS placement 12-13 s; ORTHOGONAL routing 10 s; 500 nodes 1-7 s; 300 nodes 2.2-3.0 s
 * (tuned) vs 2.4-4.0 s (before). elk time also grows super-linearly (2,000 nodes took 15-75 s), so
 * raising the threshold risks multi-second stalls of the graph; 300 keeps elk's nicer drawing for
 * every realistic workflow (arrays are one node however many children they have) and the fast layout
 * for generated giants.
 */
export const ELK_MAX_NODES = 300;

interface WorkerScope {
  onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(m: LayoutResponse): void;
}
const scope = self as unknown as WorkerScope;
// Loaded in a worker, elk's bundle installs its own message dispatcher on `self`; the ELK instance
// below runs elk in this thread instead, so take `onmessage` back.
scope.onmessage = null;
const elk = new ELK();

/**
 * Options for elk's layered algorithm. Small graphs get the good-looking defaults (orthogonal edges,
 * Brandes-Köpf placement, thorough crossing minimisation). Large ones get the cheapest phase of each
 * step, which measured fastest (see ELK_MAX_NODES): longest-path layering (linear), one
 * crossing-minimisation pass without the greedy-switch post pass, simple node placement, straight
 * (polyline) edges, no post-compaction, and the whole graph as one component (no packing pass).
 */
function options(req: LayoutRequest): Record<string, string> {
  const big = req.nodes.length > 120;
  const common = {
    'elk.algorithm': 'layered',
    'elk.direction': req.direction,
    'elk.spacing.nodeNode': '18',
    'elk.layered.spacing.nodeNodeBetweenLayers': '48',
    'elk.spacing.componentComponent': '28',
  };
  if (!big) {
    return { ...common, 'elk.edgeRouting': 'ORTHOGONAL', 'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES', 'elk.layered.thoroughness': '7', 'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF' };
  }
  return {
    ...common,
    'elk.edgeRouting': 'POLYLINE',
    'elk.layered.layering.strategy': 'LONGEST_PATH',
    'elk.layered.thoroughness': '1',
    'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
    'elk.layered.nodePlacement.strategy': 'SIMPLE',
    'elk.layered.compaction.postCompaction.strategy': 'NONE',
    'elk.separateConnectedComponents': 'false',
  };
}

/**
 * A graph with groups (a state machine's Parallel and Map states): the members are children of their
 * group node in elk's graph, every level laid out in the same direction, edges at the root with
 * hierarchy handling on (an edge may leave a group), and all coordinates in the root's frame.
 */
async function layoutGroups(req: LayoutRequest): Promise<LayoutResponse> {
  const start = performance.now();
  const base = options({ ...req, nodes: req.nodes.slice(0, 1) });
  const byId = new Map<string, ElkNode>();
  // elk reads the minimum size of a group with members in that group's own layered frame, which a
  // vertical direction turns by a quarter: given as (width, height), a top-down group came out at
  // least `width` tall and only as wide as its members, its name and status line cut. (An empty
  // group is a plain node to elk, whose minimum size it turns itself.)
  const withMembers = new Set(req.nodes.map((n) => n.container));
  const turned = (n: LayoutRequest['nodes'][number]) => req.direction === 'DOWN' && withMembers.has(n.id);
  for (const n of req.nodes) {
    byId.set(n.id, n.group
      ? { id: n.id, children: [], layoutOptions: { 'elk.direction': req.direction, 'elk.padding': '[top=34,left=14,bottom=14,right=14]', 'elk.nodeSize.minimum': turned(n) ? `(${n.height},${n.width})` : `(${n.width},${n.height})`, 'elk.nodeSize.constraints': 'MINIMUM_SIZE' } }
      : { id: n.id, width: n.width, height: n.height });
  }
  const root: ElkNode = {
    id: 'root',
    layoutOptions: { ...base, 'elk.hierarchyHandling': 'INCLUDE_CHILDREN', 'elk.json.shapeCoords': 'ROOT', 'elk.json.edgeCoords': 'ROOT' },
    children: [],
    edges: req.edges.map((e): ElkExtendedEdge => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  for (const n of req.nodes) {
    const parent = (n.container !== undefined ? byId.get(n.container) : undefined) ?? root;
    parent.children!.push(byId.get(n.id)!);
  }
  const out = await elk.layout(root);
  const nodes: Array<{ id: string; x: number; y: number; width?: number; height?: number }> = [];
  const walk = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      nodes.push({ id: c.id, x: c.x ?? 0, y: c.y ?? 0, ...(c.children ? { width: c.width ?? 0, height: c.height ?? 0 } : {}) });
      walk(c);
    }
  };
  walk(out);
  const edges: Array<{ id: string; points: Point[] }> = [];
  const collect = (n: ElkNode) => {
    for (const e of n.edges ?? []) {
      const points: Point[] = [];
      for (const s of e.sections ?? []) points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
      edges.push({ id: e.id, points });
    }
    for (const c of n.children ?? []) collect(c);
  };
  collect(out);
  return { seq: req.seq, ok: true, width: out.width ?? 0, height: out.height ?? 0, nodes, edges, ms: performance.now() - start, engine: 'elk' };
}

async function layout(req: LayoutRequest): Promise<LayoutResponse> {
  if (req.nodes.some((n) => n.group || n.container !== undefined)) return layoutGroups(req);
  if (req.nodes.length > ELK_MAX_NODES) return fastLayeredLayout(req);
  const start = performance.now();
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: options(req),
    children: req.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: req.edges.map((e): ElkExtendedEdge => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const out = await elk.layout(graph);
  const nodes = (out.children ?? []).map((c) => ({ id: c.id, x: c.x ?? 0, y: c.y ?? 0 }));
  const edges = (out.edges ?? []).map((e) => {
    const points: Point[] = [];
    for (const s of e.sections ?? []) points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
    return { id: e.id, points };
  });
  return { seq: req.seq, ok: true, width: out.width ?? 0, height: out.height ?? 0, nodes, edges, ms: performance.now() - start, engine: 'elk' };
}

scope.onmessage = (e) => {
  const req = e.data;
  layout(req).then(
    (res) => scope.postMessage(res),
    (err: unknown) => scope.postMessage({ seq: req.seq, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
};
