/**
 * The messages of the dependency-graph webview: extension → webview, webview → extension, and the
 * webview's layout worker. Both sides import this one module; it carries types and type guards only.
 */
import type { DagEdgeType, DagGraph, DagNodeUpdate, DagStatus } from './dag';
import type { Timeline } from './dag-timeline';

export type DagDirection = 'RIGHT' | 'DOWN';

/** What a panel shows, kept as the webview's state so a reload (the panel serializer) can restore it. */
export type DagSource =
  | { readonly kind: 'workflow'; /** Workspace-relative file. */ readonly file: string }
  | { readonly kind: 'jobs'; readonly target: 'local' | 'aws'; readonly jobIds: readonly string[]; readonly region?: string }
  /** A SageMaker training queue's service jobs on the local emulator (service-graph.ts). */
  | { readonly kind: 'serviceQueue'; readonly target: 'local'; readonly jobQueue: string }
  /** A state machine file (workspace-relative), following `executionArn` when one is given. */
  /** `machine`: a template's state machine (its id there); absent for an ASL file. */
  | { readonly kind: 'stateMachine'; readonly file: string; readonly machine?: string; readonly executionArn?: string };

export interface DagViewState {
  readonly source: DagSource;
  readonly direction?: DagDirection;
  /** Ids of expanded array nodes. */
  readonly expanded?: readonly string[];
  /** The tab shown: the graph (default) or the run's timeline. */
  readonly tab?: DagTab;
}

export type DagTab = 'graph' | 'timeline';

/** Extension → webview. */
export type ToWebview =
  /** A new graph (laid out afresh). `live` says whether statuses follow a run. */
  | { readonly type: 'graph'; readonly graph: DagGraph; readonly source: DagSource; readonly live: string | undefined }
  /** Status changes applied in place, without re-layout. */
  | { readonly type: 'update'; readonly updates: readonly DagNodeUpdate[] }
  /** A one-line notice (e.g. "following run of 12:03", "emulator stopped"). */
  | { readonly type: 'notice'; readonly text: string }
  /** The timeline of the run the graph follows (sent while the timeline tab is shown). */
  | { readonly type: 'timeline'; readonly timeline: Timeline };

export type NodeAction = 'select' | 'openDefinition' | 'showLogs' | 'showDetails' | 'explainStuck';

/** Webview → extension. */
export type FromWebview =
  | { readonly type: 'ready'; readonly state: DagViewState | undefined }
  | { readonly type: 'node'; readonly action: NodeAction; readonly nodeId: string; readonly jobName: string; readonly jobId?: string }
  | { readonly type: 'expand'; readonly nodeId: string; readonly expanded: boolean }
  | { readonly type: 'exportSvg'; readonly svg: string }
  /** The webview shows (or hides) the timeline tab: the extension sends timelines while it is shown. */
  | { readonly type: 'tab'; readonly tab: DagTab }
  | { readonly type: 'error'; readonly message: string };

const FROM_TYPES = new Set(['ready', 'node', 'expand', 'exportSvg', 'tab', 'error']);
const TO_TYPES = new Set(['graph', 'update', 'notice', 'timeline']);

export function isFromWebview(m: unknown): m is FromWebview {
  return typeof m === 'object' && m !== null && FROM_TYPES.has((m as { type?: string }).type ?? '');
}

export function isToWebview(m: unknown): m is ToWebview {
  return typeof m === 'object' && m !== null && TO_TYPES.has((m as { type?: string }).type ?? '');
}

/** Sizes the webview measured, for the layout worker. */
export interface LayoutNodeInput {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** State machines: the group node this node is laid out inside. */
  readonly container?: string;
  /** State machines: a group, sized by the layout around its members. */
  readonly group?: boolean;
}

/** Webview → layout worker. */
export interface LayoutRequest {
  readonly seq: number;
  readonly direction: DagDirection;
  readonly nodes: readonly LayoutNodeInput[];
  readonly edges: ReadonlyArray<{ readonly id: string; readonly source: string; readonly target: string; readonly type: DagEdgeType }>;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Layout worker → webview. */
export type LayoutResponse =
  | {
      readonly seq: number;
      readonly ok: true;
      readonly width: number;
      readonly height: number;
      /** Positions in the whole drawing's coordinates; groups also get the size the layout gave them. */
      readonly nodes: ReadonlyArray<{ readonly id: string; readonly x: number; readonly y: number; readonly width?: number; readonly height?: number }>;
      readonly edges: ReadonlyArray<{ readonly id: string; readonly points: readonly Point[] }>;
      readonly ms: number;
      /** elkjs's layered algorithm, or the fast layered layout of dag-layout.ts for large graphs. */
      readonly engine: 'elk' | 'fast';
    }
  | { readonly seq: number; readonly ok: false; readonly error: string };

export type { DagStatus };
