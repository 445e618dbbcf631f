/**
 * The dependency-graph webview: receives graphs and status updates from the extension (typed by
 * src/model/dag-protocol.ts), lays graphs out in the layout worker, draws them as SVG and posts node
 * actions back. Toolbar controls are @vscode-elements/elements components.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { canExpand, type DagGraph, type DagNode, type DagNodeUpdate } from '../../src/model/dag';
import { isToWebview, type DagDirection, type DagSource, type DagViewState, type FromWebview, type NodeAction, type ToWebview } from '../../src/model/dag-protocol';
import { LayoutClient } from './layout-client';
import { DagRenderer, nodeSize } from './render';
import { PanZoom } from './viewport';
import { ACTIVE_JOB_STATUSES } from '../../src/model/types';

interface VsCodeApi {
  postMessage(m: FromWebview): void;
  getState(): DagViewState | undefined;
  setState(s: DagViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Timings of the last layout and paint, read by tests and the benchmark. */
interface DagStats { engine?: string; drawMs?: number; nodes: number; layoutMs: number; paintMs: number; totalMs: number; renders: number; updates: number }
const stats: DagStats = { nodes: 0, layoutMs: 0, paintMs: 0, totalMs: 0, renders: 0, updates: 0 };
(window as unknown as { __dagStats: DagStats }).__dagStats = stats;

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const canvas = $('canvas');
const notice = $('notice');
const details = $('details');
const renderer = new DagRenderer(canvas);
const panZoom = new PanZoom(renderer.root, renderer.viewport);
const layouts = new LayoutClient(document.body.dataset.workerUri ?? '');
layouts.warmUp();

let state: DagViewState | undefined = vscode.getState();
let direction: DagDirection = state?.direction ?? 'RIGHT';
let graph: DagGraph | undefined;
let selected: DagNode | undefined;
let statusFilter: Set<string> | undefined;
let pending: DagNodeUpdate[] = [];
let frame = 0;

function post(m: FromWebview): void {
  vscode.postMessage(m);
}

function saveState(source: DagSource | undefined): void {
  if (!source) return;
  state = { ...state, source, direction };
  vscode.setState(state);
}

function setNotice(text: string): void {
  notice.textContent = text;
}

async function layoutAndDraw(g: DagGraph): Promise<void> {
  const start = performance.now();
  canvas.setAttribute('aria-busy', 'true');
  const res = await layouts.layout({ direction, nodes: g.nodes.map(nodeSize), edges: g.edges });
  if (res.seq !== layouts.latest || g !== graph) return;
  if (!res.ok) {
    setNotice(`Layout failed: ${res.error}`);
    post({ type: 'error', message: `layout failed: ${res.error}` });
    return;
  }
  const laidOut = performance.now();
  renderer.draw(g, res);
  const drawn = performance.now();
  pending = [];
  renderer.filter(statusFilter);
  if (selected) renderer.select(selected.id);
  panZoom.fit(renderer.width, renderer.height);
  // Paint is done when the next frame has been produced.
  requestAnimationFrame(() => setTimeout(() => {
    const end = performance.now();
    Object.assign(stats, { engine: res.engine, drawMs: drawn - laidOut, nodes: g.nodes.length, layoutMs: laidOut - start, paintMs: end - laidOut, totalMs: end - start, renders: stats.renders + 1 });
    canvas.removeAttribute('aria-busy');
    document.body.dataset.renders = String(stats.renders);
  }, 0));
}

function flushUpdates(): void {
  frame = 0;
  const batch = pending;
  pending = [];
  renderer.update(batch);
  stats.updates += batch.length;
  if (statusFilter) renderer.filter(statusFilter);
  if (selected) showDetails(selected);
}

function onMessage(m: ToWebview): void {
  switch (m.type) {
    case 'graph':
      graph = m.graph;
      saveState(m.source);
      $('title').textContent = m.graph.title;
      setNotice(m.live ?? '');
      if (selected && !graph.nodes.some((n) => n.id === selected!.id)) selectNode(undefined);
      void layoutAndDraw(m.graph);
      break;
    case 'update':
      pending.push(...m.updates);
      if (!frame) frame = requestAnimationFrame(flushUpdates);
      break;
    case 'notice':
      setNotice(m.text);
      break;
  }
}

function nodeAction(action: NodeAction, n: DagNode): void {
  const jobId = renderer.root.querySelector(`g.node[data-id="${CSS.escape(n.id)}"]`)?.getAttribute('data-job-id') ?? n.jobId;
  post({ type: 'node', action, nodeId: n.id, jobName: n.name, ...(jobId ? { jobId } : {}) });
}

function showDetails(n: DagNode | undefined): void {
  details.hidden = !n;
  if (!n) return;
  $('details-name').textContent = `${n.index !== undefined ? `${n.name} [${n.index}]` : n.name}: ${renderer.statusOf(n.id) ?? n.status}`;
  const live = !!renderer.root.querySelector(`g.node[data-id="${CSS.escape(n.id)}"][data-job-id]`);
  $('act-logs').hidden = !live;
  $('act-details').hidden = !live;
  const expandable = canExpand(n) || n.parentId !== undefined;
  $('act-expand').hidden = !expandable;
  $('act-expand').textContent = n.parentId !== undefined ? 'Collapse' : 'Expand';
}

function selectNode(n: DagNode | undefined): void {
  selected = n;
  renderer.select(n?.id);
  showDetails(n);
}

renderer.root.addEventListener('click', (e) => {
  const n = renderer.nodeOf(e.target);
  selectNode(n);
  if (n) nodeAction('select', n);
});
renderer.root.addEventListener('dblclick', (e) => {
  const n = renderer.nodeOf(e.target);
  if (n) nodeAction('openDefinition', n);
});
renderer.root.addEventListener('keydown', (e) => {
  const n = renderer.nodeOf(e.target);
  if (n && e.key === 'Enter') {
    selectNode(n);
    nodeAction('select', n);
  }
});

function onClick(id: string, f: () => void): void {
  $(id).addEventListener('click', f);
}
onClick('fit', () => panZoom.fit(renderer.width, renderer.height));
onClick('zoom-in', () => panZoom.zoomAt(1.25));
onClick('zoom-out', () => panZoom.zoomAt(0.8));
onClick('direction', () => {
  direction = direction === 'RIGHT' ? 'DOWN' : 'RIGHT';
  $('direction').textContent = direction === 'RIGHT' ? 'Top–Down' : 'Left–Right';
  if (state) saveState(state.source);
  if (graph) void layoutAndDraw(graph);
});
onClick('export', () => post({ type: 'exportSvg', svg: renderer.exportSvg() }));
onClick('act-definition', () => selected && nodeAction('openDefinition', selected));
onClick('act-logs', () => selected && nodeAction('showLogs', selected));
onClick('act-details', () => selected && nodeAction('showDetails', selected));
onClick('act-expand', () => {
  if (!selected) return;
  const parent = selected.parentId ?? selected.id;
  const expand = selected.parentId === undefined;
  const expanded = new Set(state?.expanded ?? []);
  if (expand) expanded.add(parent);
  else expanded.delete(parent);
  if (state) vscode.setState((state = { ...state, expanded: [...expanded] }));
  post({ type: 'expand', nodeId: parent, expanded: expand });
});
$('filter').addEventListener('change', (e) => {
  const v = (e.target as HTMLSelectElement).value;
  statusFilter = v && v !== 'ALL' ? new Set<string>(v === 'ACTIVE' ? ACTIVE_JOB_STATUSES : [v]) : undefined;
  renderer.filter(statusFilter);
});
$('direction').textContent = direction === 'RIGHT' ? 'Top–Down' : 'Left–Right';

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isToWebview(e.data)) onMessage(e.data);
});
post({ type: 'ready', state });
