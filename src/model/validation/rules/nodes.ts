/** Multi-node parallel shape: nodeProperties (job definitions) and nodeOverrides (workflow jobs). */
import type { Reporter } from '../reporter';
import { arr, get, has, int, isObj, show, str, type Path } from './util';

/** A parsed `targetNodes`: undefined ends are open (0 / the last node). */
export interface NodeRange {
  readonly start?: number;
  readonly end?: number;
}

/**
 * M:NodeRangeProperty.targetNodes: `start:end` with either end optional (`:n`, `n:`, `:`);
 * a single index `n` is read as `n:n`. Returns undefined for anything else.
 */
export function parseTargetNodes(text: string): NodeRange | undefined {
  const single = /^\s*(\d+)\s*$/.exec(text);
  if (single) {
    const n = Number(single[1]);
    return Number.isSafeInteger(n) ? { start: n, end: n } : undefined;
  }
  const m = /^\s*(\d*)\s*:\s*(\d*)\s*$/.exec(text);
  if (!m) return undefined;
  const start = m[1] === '' ? undefined : Number(m[1]);
  const end = m[2] === '' ? undefined : Number(m[2]);
  if ((start !== undefined && !Number.isSafeInteger(start)) || (end !== undefined && !Number.isSafeInteger(end))) return undefined;
  return { start, end };
}

function syntaxError(text: string, path: Path, r: Reporter): void {
  r.error(path, 'node-range-syntax', `targetNodes ${show(text)} is not a node range; write "start:end" with node indexes (either may be left out, e.g. "0:", ":3", "0:3")`);
}

/** Checks nodeProperties in a job definition; calls `eachContainer` for every node range container. */
export function checkNodeProperties(
  nodes: unknown,
  path: Path,
  r: Reporter,
  eachRange: (range: unknown, rangePath: Path) => void,
): void {
  if (!isObj(nodes)) return;
  const numNodes = int(get(nodes, 'numNodes'));
  // M:NodeProperties.numNodes: the number of nodes of the job; at least one.
  if (numNodes !== undefined && numNodes < 1) {
    r.error([...path, 'numNodes'], 'node-count', `nodeProperties.numNodes is ${numNodes}; a multi-node job needs at least 1 node`);
  }
  const valid = numNodes !== undefined && numNodes >= 1;
  const mainNode = int(get(nodes, 'mainNode'));
  // M:NodeProperties.mainNode: "This node index value must be fewer than the number of nodes."
  if (mainNode !== undefined && (mainNode < 0 || (valid && mainNode >= numNodes))) {
    const allowed = valid ? `0 to ${numNodes - 1}` : 'a node index from 0';
    r.error([...path, 'mainNode'], 'node-main-index', `nodeProperties.mainNode is ${mainNode}; it must be a node index (${allowed}) below numNodes`);
  }
  const ranges = arr(get(nodes, 'nodeRangeProperties'));
  if (!ranges) return;
  const covered: Array<[number, number]> = [];
  let readable = true;
  ranges.forEach((range, i) => {
    const rangePath = [...path, 'nodeRangeProperties', i];
    if (isObj(range) && !has(range, 'container') && !has(range, 'ecsProperties') && !has(range, 'eksProperties')) {
      r.error(rangePath, 'node-range-properties', `node range ${i + 1} has no container (nor ecsProperties / eksProperties); every node range must say what runs on its nodes`);
    }
    eachRange(range, rangePath);
    const text = str(get(range, 'targetNodes'));
    if (text === undefined) {
      readable = false;
      return;
    }
    const at = [...rangePath, 'targetNodes'];
    const parsed = parseTargetNodes(text);
    if (!parsed) {
      syntaxError(text, at, r);
      readable = false;
      return;
    }
    if (!valid) return;
    const start = parsed.start ?? 0;
    const end = parsed.end ?? numNodes - 1;
    if (start > end) {
      r.error(at, 'node-range-bounds', `targetNodes "${text}" starts after it ends (${start} > ${end})`);
      readable = false;
    } else if (end > numNodes - 1 || start > numNodes - 1) {
      r.error(at, 'node-range-bounds', `targetNodes "${text}" reaches node ${Math.max(start, end)}, but numNodes is ${numNodes}: node indexes go from 0 to ${numNodes - 1}`);
      readable = false;
    } else {
      covered.push([start, end]);
    }
  });
  // M:NodeRangeProperty.targetNodes: "Your accumulative node ranges must account for all nodes (0:n)." Nesting is allowed.
  if (valid && readable) {
    const gaps = uncovered(covered, numNodes);
    if (gaps.length > 0) {
      const list = gaps.slice(0, 5).map(([a, b]) => (a === b ? `${a}` : `${a}:${b}`)).join(', ');
      r.error([...path, 'nodeRangeProperties'], 'node-range-coverage', `the node ranges leave node(s) ${list} of 0:${numNodes - 1} without properties; together they must cover every node`, 'key');
    }
  }
}

/** Gaps in [0, numNodes-1] not covered by any range, as inclusive pairs. */
function uncovered(ranges: Array<[number, number]>, numNodes: number): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const gaps: Array<[number, number]> = [];
  let next = 0;
  for (const [s, e] of sorted) {
    if (s > next) gaps.push([next, s - 1]);
    next = Math.max(next, e + 1);
  }
  if (next <= numNodes - 1) gaps.push([next, numNodes - 1]);
  return gaps;
}

/** Submit-time nodeOverrides (M:NodeOverrides): numNodes and targetNodes syntax; `each` sees every override. */
export function checkNodeOverrides(overrides: unknown, path: Path, r: Reporter, each: (override: unknown, overridePath: Path) => void): void {
  if (!isObj(overrides)) return;
  const numNodes = int(get(overrides, 'numNodes'));
  if (numNodes !== undefined && numNodes < 1) {
    r.error([...path, 'numNodes'], 'node-count', `nodeOverrides.numNodes is ${numNodes}; a multi-node job needs at least 1 node`);
  }
  arr(get(overrides, 'nodePropertyOverrides'))?.forEach((o, i) => {
    const at = [...path, 'nodePropertyOverrides', i];
    const text = str(get(o, 'targetNodes'));
    const parsed = text === undefined ? undefined : parseTargetNodes(text);
    if (text !== undefined && !parsed) syntaxError(text, [...at, 'targetNodes'], r);
    else if (parsed && parsed.start !== undefined && parsed.end !== undefined && parsed.start > parsed.end) {
      r.error([...at, 'targetNodes'], 'node-range-bounds', `targetNodes "${text}" starts after it ends (${parsed.start} > ${parsed.end})`);
    }
    each(o, at);
  });
}
