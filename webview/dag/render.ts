/**
 * SVG rendering of a laid-out DAG. Each node is a `<g class="node">` with `data-job-name`,
 * `data-status` and `data-id`; colours come from CSS rules on those attributes (dag.css, VS Code theme
 * variables), so status changes are attribute changes: no re-layout, nothing moves.
 */
import { JOB_STATUSES, type JobStatus } from '../../src/model/types';
import { DISTRIBUTED_MAP } from '../../src/model/asl-graph';
import type { DagEdge, DagGraph, DagNode, DagNodeUpdate, StatusCounts } from '../../src/model/dag';
import type { LayoutNodeInput, LayoutResponse, Point } from '../../src/model/dag-protocol';
import { TextMeasure } from './measure';

const SVG = 'http://www.w3.org/2000/svg';
const BAR_HEIGHT = 6;
/** Node widths: room for a short name and the longest status line; longer names are cut with an ellipsis. */
const MIN_WIDTH = 112;
const MAX_WIDTH = 240;
const PAD_LEFT = 12;
const PAD_RIGHT = 10;
/** The fonts of .node-label and .node-status in dag.css. */
const labelText = new TextMeasure('600 12px');
const statusText = new TextMeasure('10.5px');

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

function nodeLabel(n: DagNode): string {
  return n.index !== undefined ? `${n.name} [${n.index}]` : n.name;
}

function metaText(n: DagNode): string {
  // ('' : no progress known yet, the detail shows)
  if (n.progress) return n.progress;
  if (n.detail !== undefined) return n.detail;
  const parts: string[] = [];
  if (n.arraySize !== undefined) parts.push(`array ×${n.arraySize}`);
  if (n.sequential) parts.push('SEQUENTIAL');
  return parts.join(' · ');
}

/** The status line: `<status> · <meta>`. */
function statusLine(status: string, n: DagNode): string {
  const meta = metaText(n);
  return meta ? `${status} · ${meta}` : status;
}

/**
 * The size a node needs, from its measured text (canvas measureText, cached: no DOM layout, so 5,000
 * nodes stay cheap). The status line is sized for the longest status so updates never overflow.
 */
export function nodeSize(n: DagNode): LayoutNodeInput {
  // (a distributed Map keeps room for its map run's progress, which replaces its second line as it runs)
  const widest = n.detail === DISTRIBUTED_MAP ? statusLine('SUCCEEDED', { ...n, progress: '1000/1000 items, 100 failed' }) : statusLine('SUCCEEDED', n);
  const text = Math.max(labelText.width(nodeLabel(n)), statusText.width(widest));
  // Rounded up (and a pixel to spare): a status line sized exactly must never be cut by rounding.
  const width = Math.ceil(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, PAD_LEFT + text + PAD_RIGHT + 1)));
  return { id: n.id, width, height: n.arraySize !== undefined ? 58 : 44, ...(n.container !== undefined ? { container: n.container } : {}), ...(n.group ? { group: true } : {}) };
}

/** The label as drawn: the full name when it fits the node, else cut with an ellipsis (the tooltip has it all). */
export function shownLabel(n: DagNode, width = nodeSize(n).width): string {
  return labelText.truncate(nodeLabel(n), width - PAD_LEFT - PAD_RIGHT);
}

function shownStatus(status: string, n: DagNode, width: number): string {
  return statusText.truncate(statusLine(status, n), width - PAD_LEFT - PAD_RIGHT);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const esc = (v: string | number): string => String(v).replace(/[&<>"]/g, (c) => ESCAPES[c]);

function edgeMarkup(e: DagEdge, pts: readonly Point[]): string {
  if (pts.length < 2) return '';
  const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  let label = '';
  if (e.type !== 'plain') {
    const mid = Math.floor((pts.length - 1) / 2);
    const a = pts[mid];
    const b = pts[mid + 1];
    label = `<text x="${((a.x + b.x) / 2).toFixed(1)}" y="${((a.y + b.y) / 2 - 4).toFixed(1)}" class="edge-label" text-anchor="middle">${esc(e.label ?? e.type)}</text>`;
  }
  return `<g class="edge" data-type="${esc(e.type)}" data-id="${esc(e.id)}"><path d="${d}" marker-end="url(#arrow)"/>${label}</g>`;
}

/** A state machine's Parallel / Map / branch: a box around its members, its name and status on top. */
function groupMarkup(n: DagNode, x: number, y: number, width: number, height: number): string {
  const label = labelText.truncate(n.name, width - PAD_LEFT - PAD_RIGHT);
  const status = n.stateType === 'Branch' ? '' : statusText.truncate(statusLine(n.status, n), width - PAD_LEFT - PAD_RIGHT);
  return `<g class="node group" transform="translate(${x.toFixed(1)},${y.toFixed(1)})" data-id="${esc(n.id)}" data-job-name="${esc(n.name)}" data-status="${esc(n.status)}" data-state-type="${esc(n.stateType ?? '')}" tabindex="0">`
    + `<rect class="node-box group-box" width="${width.toFixed(1)}" height="${height.toFixed(1)}" rx="6" ry="6"/>`
    + `<text class="node-label" x="${PAD_LEFT}" y="15">${esc(label)}</text>`
    + `<text class="node-status" x="${PAD_LEFT}" y="27">${esc(status)}</text>`
    + `<title>${esc(n.stateType === 'Branch' ? `${n.name} (${n.status})` : `${n.name} (${n.status}), ${metaText(n)}`)}</title>`
    + '</g>';
}

function nodeMarkup(n: DagNode, x: number, y: number): string {
  const { width, height } = nodeSize(n);
  const meta = metaText(n);
  const array = n.arraySize !== undefined;
  const label = shownLabel(n, width);
  return `<g class="node" transform="translate(${x.toFixed(1)},${y.toFixed(1)})" data-id="${esc(n.id)}" data-job-name="${esc(n.name)}" data-status="${esc(n.status)}" tabindex="0"`
    + `${n.stateType ? ` data-state-type="${esc(n.stateType)}"` : ''}${array ? ` data-array-size="${n.arraySize}"` : ''}${n.jobId ? ` data-job-id="${esc(n.jobId)}"` : ''}>`
    + `<rect class="node-box" width="${width}" height="${height}" rx="4" ry="4"/>`
    + `<rect class="node-stripe" width="4" height="${height}" rx="2" ry="2"/>`
    + `<text class="node-label" x="${PAD_LEFT}" y="17"${label !== nodeLabel(n) ? ' data-truncated="true"' : ''}>${esc(label)}</text>`
    + `<text class="node-status" x="${PAD_LEFT}" y="33">${esc(shownStatus(n.status, n, width))}</text>`
    + `<title>${esc(`${nodeLabel(n)} (${n.status})${meta ? `, ${meta}` : ''}`)}</title>`
    + (array ? `<g class="countbar" transform="translate(12,${height - BAR_HEIGHT - 8})"><rect class="countbar-bg" width="${width - 24}" height="${BAR_HEIGHT}" rx="2" ry="2"/></g>` : '')
    + '</g>';
}

interface Drawn {
  readonly g: SVGGElement;
  readonly node: DagNode;
  readonly width: number;
  readonly status: SVGTextElement;
  readonly bar?: SVGGElement;
}

export class DagRenderer {
  private readonly drawn = new Map<string, Drawn>();
  readonly root: SVGSVGElement;
  readonly viewport: SVGGElement;
  width = 0;
  height = 0;

  constructor(host: HTMLElement) {
    this.root = el('svg', { class: 'dag', role: 'img' });
    const defs = el('defs', {}, this.root);
    const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }, marker);
    this.viewport = el('g', { class: 'viewport' }, this.root);
    host.appendChild(this.root);
  }

  get nodeCount(): number {
    return this.drawn.size;
  }

  /**
   * Draws the whole graph at the positions of `layout` (replacing what was there). The markup is built
   * as one string per layer and parsed once instead of tens of thousands of createElementNS and
   * setAttribute calls for 5,000 nodes (on the loaded 2-core dev machine the difference is within the
   * noise: the browser's style and layout of the result dominate the paint); the elements updates
   * need are then looked up once.
   */
  draw(graph: DagGraph, layout: Extract<LayoutResponse, { ok: true }>): void {
    this.drawn.clear();
    this.viewport.replaceChildren();
    this.width = layout.width;
    this.height = layout.height;
    const groupLayer = el('g', { class: 'groups' }, this.viewport);
    const edgeLayer = el('g', { class: 'edges' }, this.viewport);
    const nodeLayer = el('g', { class: 'nodes' }, this.viewport);
    const points = new Map(layout.edges.map((e) => [e.id, e.points]));
    const edges: string[] = [];
    for (const e of graph.edges) edges.push(edgeMarkup(e, points.get(e.id) ?? []));
    edgeLayer.innerHTML = edges.join('');
    const pos = new Map(layout.nodes.map((n) => [n.id, n]));
    const boxes = graph.nodes.filter((n) => !n.group);
    const groups = graph.nodes.filter((n) => n.group);
    const nodes: string[] = [];
    for (const n of boxes) {
      const p = pos.get(n.id) ?? { x: 0, y: 0 };
      nodes.push(nodeMarkup(n, p.x, p.y));
    }
    nodeLayer.innerHTML = nodes.join('');
    groupLayer.innerHTML = groups.map((n) => {
      const p = pos.get(n.id);
      return groupMarkup(n, p?.x ?? 0, p?.y ?? 0, p?.width ?? 0, p?.height ?? 0);
    }).join('');
    groups.forEach((n, i) => {
      const g = groupLayer.children[i] as SVGGElement;
      this.drawn.set(n.id, { g, node: n, width: pos.get(n.id)?.width ?? 0, status: g.querySelector('text.node-status') as SVGTextElement });
    });
    const gs = nodeLayer.children;
    for (let i = 0; i < boxes.length; i++) {
      const n = boxes[i];
      const g = gs[i] as SVGGElement;
      const bar = n.arraySize !== undefined ? (g.querySelector('g.countbar') as SVGGElement) : undefined;
      const drawn: Drawn = { g, node: n, width: nodeSize(n).width, status: g.querySelector('text.node-status') as SVGTextElement, bar };
      this.drawn.set(n.id, drawn);
      if (bar) this.paintCounts(drawn, n.counts ?? (n.status === 'PLANNED' ? {} : { [n.status]: n.arraySize }));
    }
  }

  private paintCounts(d: Drawn, counts: StatusCounts): void {
    const bar = d.bar!;
    while (bar.childNodes.length > 1) bar.lastChild!.remove();
    const total = d.node.arraySize ?? 0;
    const inner = d.width - 24;
    let x = 0;
    const parts: string[] = [];
    for (const s of JOB_STATUSES) {
      const c = counts[s] ?? 0;
      if (c <= 0 || total <= 0) continue;
      const w = (inner * Math.min(c, total)) / total;
      el('rect', { class: 'seg', 'data-status': s, 'data-count': c, x: x.toFixed(2), width: Math.max(0, w).toFixed(2), height: BAR_HEIGHT }, bar);
      x += w;
      parts.push(`${c} ${s}`);
    }
    bar.setAttribute('data-counts', parts.join(', '));
  }

  /** Applies status (and progress) changes in place. Unknown ids are ignored. */
  update(updates: readonly DagNodeUpdate[]): void {
    for (const u of updates) {
      let d = this.drawn.get(u.id);
      if (!d) continue;
      // (a new progress line: a distributed Map's items)
      const progressed = u.progress !== undefined && u.progress !== d.node.progress;
      if (progressed) {
        d = { ...d, node: { ...d.node, progress: u.progress } };
        this.drawn.set(u.id, d);
      }
      if (progressed || d.g.getAttribute('data-status') !== u.status) {
        d.g.setAttribute('data-status', u.status);
        d.status.textContent = shownStatus(u.status, d.node, d.width);
        const title = d.g.querySelector('title');
        const meta = metaText(d.node);
        if (title) title.textContent = `${nodeLabel(d.node)} (${u.status})${meta ? `, ${meta}` : ''}`;
      }
      if (u.jobId) d.g.setAttribute('data-job-id', u.jobId);
      else if (u.status === 'PLANNED') d.g.removeAttribute('data-job-id');
      if (d.bar && u.counts) this.paintCounts(d, u.counts);
    }
  }

  nodeOf(target: EventTarget | null): DagNode | undefined {
    const g = (target as Element | null)?.closest?.('g.node');
    const id = g?.getAttribute('data-id');
    return id ? this.drawn.get(id)?.node : undefined;
  }

  /** The status a node shows now (after updates). */
  statusOf(id: string): string | undefined {
    return this.drawn.get(id)?.g.getAttribute('data-status') ?? undefined;
  }

  select(id: string | undefined): void {
    for (const e of this.viewport.querySelectorAll('g.node.selected')) e.classList.remove('selected');
    if (id) this.drawn.get(id)?.g.classList.add('selected');
  }

  /** Dims nodes whose status (or, for arrays, none of whose children's statuses) is not in `statuses`. */
  filter(statuses: ReadonlySet<string> | undefined): void {
    if (!statuses) {
      for (const e of this.viewport.querySelectorAll('g.node.dim')) e.classList.remove('dim');
      return;
    }
    for (const d of this.drawn.values()) {
      const status = d.g.getAttribute('data-status') ?? '';
      const counts = d.bar?.querySelectorAll('rect.seg') ?? [];
      const match = !statuses || statuses.has(status) || [...counts].some((r) => statuses.has(r.getAttribute('data-status') ?? ''));
      d.g.classList.toggle('dim', !match);
    }
  }

  /** A standalone SVG document of the graph, theme colours resolved into presentation attributes. */
  exportSvg(): string {
    const clone = this.root.cloneNode(true) as SVGSVGElement;
    clone.setAttribute('xmlns', SVG);
    clone.setAttribute('viewBox', `-10 -10 ${this.width + 20} ${this.height + 20}`);
    clone.setAttribute('width', String(this.width + 20));
    clone.setAttribute('height', String(this.height + 20));
    clone.querySelector('g.viewport')?.removeAttribute('transform');
    const from = this.root.querySelectorAll('*');
    const to = clone.querySelectorAll('*');
    for (let i = 0; i < from.length; i++) {
      const cs = getComputedStyle(from[i]);
      for (const prop of ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'font-weight']) {
        const v = cs.getPropertyValue(prop);
        if (v && v !== 'none' && v !== 'normal') to[i].setAttribute(prop, v);
        else if (v === 'none' && (prop === 'fill' || prop === 'stroke')) to[i].setAttribute(prop, 'none');
      }
      to[i].removeAttribute('class');
    }
    return new XMLSerializer().serializeToString(clone);
  }
}

export const STATUS_LIST: readonly string[] = ['PLANNED', ...JOB_STATUSES];
export type { JobStatus };
