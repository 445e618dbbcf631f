/** What a cross-file rule sees: the indexed workspace and a way to report into any of its files. */
import type { Diagnostic, Severity } from '../../diagnostics';
import type { JsonPath, SourceDocument } from '../../document';
import type { Workspace } from '../../workspace';

/** What the node layer knows about the machine that validation itself may not read. */
export interface WorkspaceCheckOptions {
  /** Absolute path of the workspace root (folder of localbatch.yaml), for host-path checks. */
  readonly workspaceRoot?: string;
  /** The keys of `.localbatch/secrets.yaml`; undefined when it was not read (no secret warnings). */
  readonly secretKeys?: ReadonlySet<string>;
  /**
   * For a folder holding several workspaces: the file of another workspace that defines `name`, if
   * one does, so that a reference this workspace cannot resolve says where it is defined.
   */
  readonly elsewhere?: (kind: 'jobDefinition' | 'jobQueue' | 'computeEnvironment', name: string) => string | undefined;
}

export interface WorkspaceRuleContext {
  readonly ws: Workspace;
  readonly options: WorkspaceCheckOptions;
  /** `suggestion`: the name the message suggests for the key or value (see Diagnostic.suggestion). */
  report(severity: Severity, doc: SourceDocument, path: JsonPath, rule: string, message: string, part?: 'key' | 'value', suggestion?: string): void;
  /**
   * `closestName()` under a budget shared by the whole check: once SUGGESTION_BUDGET names have
   * been compared, unknown names get no suggestion (thousands of unknown names against thousands
   * of known ones would otherwise be quadratic).
   */
  closest(name: string, known: Iterable<string>): string | undefined;
}

/** Name comparisons one workspace check may spend on suggestions. */
export const SUGGESTION_BUDGET = 50_000;

export type WorkspaceRule = (ctx: WorkspaceRuleContext) => void;

export function createContext(ws: Workspace, out: Diagnostic[], options: WorkspaceCheckOptions = {}): WorkspaceRuleContext {
  let budget = SUGGESTION_BUDGET;
  return {
    ws,
    options,
    closest(name, known) {
      if (budget <= 0) return undefined;
      const list = Array.isArray(known) ? (known as string[]) : [...known];
      budget -= list.length;
      return budget < 0 ? undefined : closestName(name, list);
    },
    report(severity, doc, path, rule, message, part = 'value', suggestion) {
      out.push({ file: doc.file, range: doc.rangeOf(path, part), severity, rule, message, ...(suggestion !== undefined ? { suggestion } : {}) });
    },
  };
}

/** `; <file> defines it, in another workspace …` when a sibling workspace defines the name, or ''. */
export function definedElsewhere(options: WorkspaceCheckOptions, kind: 'jobDefinition' | 'jobQueue' | 'computeEnvironment', name: string): string {
  const file = options.elsewhere?.(kind, name);
  return file === undefined ? '' : `; ${file} defines it, in another workspace (a folder with a localbatch.yaml of its own: each workspace sees only its own definitions)`;
}

/** ` (did you mean 'x'?)` for a suggested name, or '' without one. */
export function didYouMean(best: string | undefined): string {
  return best === undefined ? '' : ` (did you mean '${best}'?)`;
}

/** ` (did you mean 'x'?)` for the known name closest to `name`, or '' when none is close. */
export function suggestion(name: string, known: Iterable<string>): string {
  return didYouMean(closestName(name, known));
}

/** The known name closest to `name`, or undefined when none is close. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return prev[b.length];
}

/** `a, b and c`. */
export function listNames(names: readonly string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
