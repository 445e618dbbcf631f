/**
 * The layout worker: lays out the graph with elkjs (layered) off the UI thread. Speaks the
 * LayoutRequest / LayoutResponse messages of src/model/dag-protocol.ts.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { fastLayeredLayout } from '../../src/model/dag-layout';
import type { LayoutRequest, LayoutResponse, Point } from '../../src/model/dag-protocol';

/**
 * Above this many nodes elkjs's layered algorithm takes seconds to minutes on a 2-core machine
 * (measured: 1,000 nodes 1.2-5 s, 2,000 nodes 15-75 s), so larger graphs use the fast layout.
 * Workflows rarely get there: array jobs are one node however many children they have.
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

function options(req: LayoutRequest): Record<string, string> {
  const big = req.nodes.length > 120;
  return {
    'elk.algorithm': 'layered',
    'elk.direction': req.direction,
    'elk.spacing.nodeNode': '18',
    'elk.layered.spacing.nodeNodeBetweenLayers': '48',
    'elk.spacing.componentComponent': '28',
    'elk.edgeRouting': big ? 'POLYLINE' : 'ORTHOGONAL',
    ...(big ? {} : { 'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES' }),
    'elk.layered.thoroughness': big ? '1' : '7',
    'elk.layered.nodePlacement.strategy': big ? 'SIMPLE' : 'BRANDES_KOEPF',
  };
}

async function layout(req: LayoutRequest): Promise<LayoutResponse> {
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
