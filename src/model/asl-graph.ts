/**
 * The graph of an Amazon States Language definition, for the graph view: one node per state, edges
 * for Next / Choice rules / Default / Catch, a Start and an End marker at the top level, Parallel
 * states as groups holding one group per branch, Map states as groups holding their ItemProcessor
 * (or Iterator) states. Reads the definition leniently (a half-typed file still draws). Pure.
 */
import type { DagEdge, DagEdgeType, DagGraph, DagNode } from './dag';

export const START_ID = '(start)';
export const END_ID = '(end)';
const MAX_LABEL = 32;
/** The second line of a distributed Map (its map run's progress replaces it while it runs). */
export const DISTRIBUTED_MAP = 'Distributed Map';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A Map state whose ItemProcessor (or legacy Iterator) runs in DISTRIBUTED mode. */
function isDistributed(state: Obj): boolean {
  const processor = state.ItemProcessor ?? state.Iterator;
  return isObj(processor) && isObj(processor.ProcessorConfig) && processor.ProcessorConfig.Mode === 'DISTRIBUTED';
}

function short(s: string): string {
  return s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s;
}

/** A Task's resource as people say it: `batch:submitJob.sync`, `aws-sdk:batch:describeJobs`, `lambda:fn`. */
export function resourceLabel(resource: string): string {
  const optimized = /^arn:aws[\w-]*:states:[^:]*:[^:]*:(.+)$/.exec(resource);
  if (optimized) return optimized[1];
  const lambda = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(resource);
  if (lambda) return `lambda:${lambda[1]}`;
  return resource;
}

const COMPARATORS = ['StringEquals', 'StringLessThan', 'StringGreaterThan', 'StringLessThanEquals', 'StringGreaterThanEquals', 'StringMatches', 'NumericEquals', 'NumericLessThan', 'NumericGreaterThan', 'NumericLessThanEquals', 'NumericGreaterThanEquals', 'BooleanEquals', 'TimestampEquals', 'TimestampLessThan', 'TimestampGreaterThan', 'TimestampLessThanEquals', 'TimestampGreaterThanEquals', 'IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'];
const SYMBOL: Record<string, string> = { Equals: '==', LessThan: '<', GreaterThan: '>', LessThanEquals: '<=', GreaterThanEquals: '>=', Matches: 'matches' };

/** A Choice rule in a few characters: `$.n > 3`, `not …`, `… and …`, or a JSONata Condition. */
export function ruleLabel(rule: unknown): string {
  if (!isObj(rule)) return 'rule';
  if (typeof rule.Condition === 'string') return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, '');
  if (Array.isArray(rule.And)) return rule.And.map(ruleLabel).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map(ruleLabel).join(' or ');
  if (rule.Not !== undefined) return `not ${ruleLabel(rule.Not)}`;
  const variable = str(rule.Variable) ?? '?';
  for (const c of COMPARATORS) {
    for (const key of [c, `${c}Path`]) {
      if (!(key in rule)) continue;
      const value = rule[key];
      if (c.startsWith('Is')) return value === false ? `not ${c} ${variable}` : `${c} ${variable}`;
      const op = SYMBOL[c.replace(/^(String|Numeric|Boolean|Timestamp)/, '')] ?? c;
      return `${variable} ${op} ${typeof value === 'string' && key === c ? JSON.stringify(value) : String(value)}`;
    }
  }
  return variable;
}

class Builder {
  readonly nodes: DagNode[] = [];
  readonly edges: DagEdge[] = [];
  private readonly ids = new Set<string>();
  private readonly edgeIds = new Set<string>();

  /** A node id for a state name (names are unique in a valid definition; a duplicate gets its scope). */
  idFor(name: string, scope: string): string {
    let id = name;
    if (this.ids.has(id)) id = `${scope}/${name}`;
    for (let i = 2; this.ids.has(id); i++) id = `${scope}/${name}#${i}`;
    this.ids.add(id);
    return id;
  }

  edge(source: string, target: string, type: DagEdgeType, label?: string): void {
    let id = `${source}->${target}:${type}`;
    for (let i = 2; this.edgeIds.has(id); i++) id = `${source}->${target}:${type}#${i}`;
    this.edgeIds.add(id);
    this.edges.push({ id, source, target, type, ...(label !== undefined ? { label: short(label) } : {}) });
  }

  /**
   * Adds the states of one scope (the top level, a branch, a Map's processor) inside `container`;
   * returns the node ids of its StartAt and of the states that end it (End, Succeed, Fail).
   */
  scope(def: unknown, container: string | undefined, scopeName: string): { start?: string; ends: string[] } {
    const states = isObj(def) && isObj(def.States) ? def.States : {};
    const idOf = new Map<string, string>();
    for (const name of Object.keys(states)) idOf.set(name, this.idFor(name, scopeName));
    const ends: string[] = [];
    for (const [name, raw] of Object.entries(states)) {
      const id = idOf.get(name)!;
      const state = isObj(raw) ? raw : {};
      const type = str(state.Type) ?? 'Unknown';
      const resource = str(state.Resource);
      const detail = type === 'Task' && resource ? resourceLabel(resource) : type === 'Map' && isDistributed(state) ? DISTRIBUTED_MAP : type;
      const group = type === 'Parallel' || type === 'Map';
      this.nodes.push({ id, name, status: 'PLANNED', stateType: type, detail, ...(container ? { container } : {}), ...(group ? { group: true } : {}) });
      if (type === 'Parallel') {
        const branches = Array.isArray(state.Branches) ? state.Branches : [];
        branches.forEach((b, i) => {
          const branchId = `${id}/branch ${i + 1}`;
          this.nodes.push({ id: branchId, name: `Branch ${i + 1}`, status: 'PLANNED', stateType: 'Branch', container: id, group: true });
          this.scope(b, branchId, branchId);
        });
      } else if (type === 'Map') {
        this.scope(state.ItemProcessor ?? state.Iterator, id, id);
      }
      const to = (next: unknown) => (typeof next === 'string' ? idOf.get(next) : undefined);
      const next = to(state.Next);
      if (next) this.edge(id, next, 'plain');
      if (type === 'Choice') {
        for (const rule of Array.isArray(state.Choices) ? state.Choices : []) {
          const target = to(isObj(rule) ? rule.Next : undefined);
          if (target) this.edge(id, target, 'CHOICE', ruleLabel(rule));
        }
        const fallback = to(state.Default);
        if (fallback) this.edge(id, fallback, 'DEFAULT', 'Default');
      }
      for (const catcher of Array.isArray(state.Catch) ? state.Catch : []) {
        const target = to(isObj(catcher) ? catcher.Next : undefined);
        const errors = isObj(catcher) && Array.isArray(catcher.ErrorEquals) ? catcher.ErrorEquals.filter((e) => typeof e === 'string') : [];
        if (target) this.edge(id, target, 'CATCH', `Catch ${errors.join(', ')}`.trim());
      }
      if (state.End === true || type === 'Succeed' || type === 'Fail') ends.push(id);
    }
    const startAt = isObj(def) ? str(def.StartAt) : undefined;
    return { start: startAt !== undefined ? idOf.get(startAt) : undefined, ends };
  }
}

/** The graph of a state machine definition (an object as read from its JSON or YAML). */
export function graphFromDefinition(definition: unknown, title: string): DagGraph {
  const b = new Builder();
  b.nodes.push({ id: START_ID, name: 'Start', status: 'PLANNED', stateType: 'Start' });
  const { start, ends } = b.scope(definition, undefined, '');
  b.nodes.push({ id: END_ID, name: 'End', status: 'PLANNED', stateType: 'End' });
  if (start) b.edge(START_ID, start, 'plain');
  for (const id of ends) b.edge(id, END_ID, 'plain');
  return { title, nodes: b.nodes, edges: b.edges };
}

/** The node ids of the states of a graph by state name (the first, when a name is used twice). */
export function stateIds(graph: DagGraph): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of graph.nodes) if (n.stateType && n.stateType !== 'Start' && n.stateType !== 'End' && n.stateType !== 'Branch' && !out.has(n.name)) out.set(n.name, n.id);
  return out;
}
