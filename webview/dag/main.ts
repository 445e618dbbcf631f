/**
 * The dependency-graph webview: receives graphs and status updates from the extension (typed by
 * src/model/dag-protocol.ts), lays graphs out in the layout worker, draws them as SVG and posts node
 * actions back. Toolbar controls are @vscode-elements/elements components.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { canExpand, type DagGraph, type DagNode, type DagNodeUpdate } from '../../src/model/dag';
import { isToWebview, type DagDirection, type DagSource, type DagTab, type DagViewState, type FromWebview, type NodeAction, type ToWebview } from '../../src/model/dag-protocol';
import { applyUpdates, mergeUpdates } from '../../src/model/dag-updates';
import { LayoutClient } from './layout-client';
import { DagRenderer, nodeSize } from './render';
import { TimelineView } from './timeline';
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
const timeline = new TimelineView($('timeline'));
const panZoom = new PanZoom(renderer.root, renderer.viewport);
const layouts = new LayoutClient(document.body.dataset.workerUri ?? '');
layouts.warmUp();

let state: DagViewState | undefined = vscode.getState();
// Until the user picks one, the layout runs along the panel's longer side (a panel beside an editor
// is usually taller than wide: a left-to-right chain would not fit it at a readable size).
let direction: DagDirection = state?.direction ?? (canvas.clientHeight > canvas.clientWidth * 1.2 ? 'DOWN' : 'RIGHT');
let graph: DagGraph | undefined;
let selected: DagNode | undefined;
let statusFilter: Set<string> | undefined;
/** Updates not applied yet: merged per node, applied on the next frame or, during a layout, after it. */
let pending: DagNodeUpdate[] = [];
/** The updates drawn since the graph came, which a new layout of it (another direction) must keep. */
let drawnSince: DagNodeUpdate[] = [];
let frame = 0;
let laying = false;
/** The graph was drawn while its tab was hidden: fit it when the tab is shown. */
let fitWhenShown = false;
let tab: DagTab = state?.tab ?? 'graph';

function post(m: FromWebview): void {
  vscode.postMessage(m);
}

function saveState(source: DagSource | undefined): void {
  if (!source) return;
  state = { ...state, source, direction, tab };
  vscode.setState(state);
}

function setNotice(text: string): void {
  notice.textContent = text;
}

async function layoutAndDraw(g: DagGraph): Promise<void> {
  const start = performance.now();
  canvas.setAttribute('aria-busy', 'true');
  laying = true;
  const res = await layouts.layout({ direction, nodes: g.nodes.map(nodeSize), edges: g.edges });
  // A newer layout is on its way: it applies what is pending.
  if (res.seq !== layouts.latest || g !== graph) return;
  laying = false;
  if (!res.ok) {
    canvas.removeAttribute('aria-busy');
    setNotice(`Layout failed: ${res.error}`);
    post({ type: 'error', message: `layout failed: ${res.error}` });
    return;
  }
  const laidOut = performance.now();
  renderer.draw(g, res);
  const drawn = performance.now();
  // Updates that arrived during the layout: applied now, nothing lost.
  if (pending.length > 0) flushUpdates();
  renderer.filter(statusFilter);
  if (selected) renderer.select(selected.id);
  if (canvas.hidden) fitWhenShown = true;
  else panZoom.fit(renderer.width, renderer.height, true, legendHeight());
  // Paint is done when the next frame has been produced.
  requestAnimationFrame(() => setTimeout(() => {
    const end = performance.now();
    Object.assign(stats, { engine: res.engine, drawMs: drawn - laidOut, nodes: g.nodes.length, layoutMs: laidOut - start, paintMs: end - laidOut, totalMs: end - start, renders: stats.renders + 1 });
    canvas.removeAttribute('aria-busy');
    document.body.dataset.renders = String(stats.renders);
  }, 0));
}

/** Room the legend takes at the bottom of the graph, so a fitted graph is not drawn under it. */
function legendHeight(): number {
  const legend = $('legend');
  return legend.hidden ? 0 : legend.offsetHeight + 8;
}

function flushUpdates(): void {
  if (frame) cancelAnimationFrame(frame);
  frame = 0;
  if (laying) return;
  const batch = pending;
  pending = [];
  renderer.update(batch);
  drawnSince = mergeUpdates(drawnSince, batch);
  stats.updates += batch.length;
  if (statusFilter) renderer.filter(statusFilter);
  if (selected) showDetails(selected);
}

function onMessage(m: ToWebview): void {
  switch (m.type) {
    case 'graph':
      // The graph carries the statuses of its moment: earlier updates are in it already.
      graph = m.graph;
      pending = [];
      drawnSince = [];
      saveState(m.source);
      document.body.dataset.source = m.source.kind;
      $('title').textContent = m.graph.title;
      setNotice(m.live ?? '');
      if (selected && !graph.nodes.some((n) => n.id === selected!.id)) selectNode(undefined);
      void layoutAndDraw(m.graph);
      break;
    case 'update':
      pending = mergeUpdates(pending, m.updates);
      if (!frame && !laying) frame = requestAnimationFrame(flushUpdates);
      break;
    case 'notice':
      setNotice(m.text);
      break;
    case 'timeline':
      timeline.set(m.timeline);
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
  const boundJob = renderer.root.querySelector(`g.node[data-id="${CSS.escape(n.id)}"]`)?.getAttribute('data-job-id');
  // A state machine's Task names the Batch job it started (the graph of Batch jobs shows job names already).
  const job = n.stateType === 'Task' && boundJob ? ` · Batch job ${boundJob}` : '';
  $('details-name').textContent = `${n.index !== undefined ? `${n.name} [${n.index}]` : n.name}: ${renderer.statusOf(n.id) ?? n.status}${job}`;
  const live = !!boundJob;
  $('act-logs').hidden = !live;
  $('act-details').hidden = !live;
  $('act-stuck').hidden = !live || renderer.statusOf(n.id) !== 'RUNNABLE';
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
onClick('fit', () => panZoom.fit(renderer.width, renderer.height, false, legendHeight()));
onClick('zoom-in', () => panZoom.zoomAt(1.25));
onClick('zoom-out', () => panZoom.zoomAt(0.8));
onClick('direction', () => {
  direction = direction === 'RIGHT' ? 'DOWN' : 'RIGHT';
  $('direction').textContent = direction === 'RIGHT' ? 'Top–Down' : 'Left–Right';
  if (state) saveState(state.source);
  if (!graph) return;
  // (laid out again with the statuses drawn since it came, not those of its moment)
  graph = applyUpdates(graph, drawnSince);
  drawnSince = [];
  void layoutAndDraw(graph);
});
onClick('export', () => post({ type: 'exportSvg', svg: renderer.exportSvg() }));
onClick('act-definition', () => selected && nodeAction('openDefinition', selected));
onClick('act-logs', () => selected && nodeAction('showLogs', selected));
onClick('act-details', () => selected && nodeAction('showDetails', selected));
onClick('act-stuck', () => selected && nodeAction('explainStuck', selected));
$('show-legend').addEventListener('change', (e) => {
  $('legend').hidden = !(e.target as HTMLInputElement).checked;
});

function showTab(next: DagTab, tell = true): void {
  tab = next;
  const graphShown = next === 'graph';
  canvas.hidden = !graphShown;
  details.classList.toggle('off-tab', !graphShown);
  $('graph-tools').hidden = !graphShown;
  $('timeline').hidden = graphShown;
  timeline.setShown(!graphShown);
  const tabs = $('tabs') as HTMLElement & { selectedIndex: number };
  if (tabs.selectedIndex !== (graphShown ? 0 : 1)) tabs.selectedIndex = graphShown ? 0 : 1;
  if (graphShown && fitWhenShown) {
    fitWhenShown = false;
    panZoom.fit(renderer.width, renderer.height, true, legendHeight());
  }
  if (state) vscode.setState((state = { ...state, tab: next }));
  if (tell) post({ type: 'tab', tab: next });
}
$('tabs').addEventListener('vsc-tabs-select', (e) => showTab((e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex === 1 ? 'timeline' : 'graph'));
showTab(tab, false);
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
  // "Not finished" includes a service job's SCHEDULED.
  statusFilter = v && v !== 'ALL' ? new Set<string>(v === 'ACTIVE' ? [...ACTIVE_JOB_STATUSES, 'SCHEDULED'] : [v]) : undefined;
  renderer.filter(statusFilter);
});
$('direction').textContent = direction === 'RIGHT' ? 'Top–Down' : 'Left–Right';

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isToWebview(e.data)) onMessage(e.data);
});
post({ type: 'ready', state });
