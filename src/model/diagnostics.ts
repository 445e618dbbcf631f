/** Positions are zero-based (as in VS Code); the CLI prints them one-based. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly file: string;
  readonly range: Range;
  readonly severity: Severity;
  readonly message: string;
  /** Stable rule id, e.g. `retry-attempts-range`. */
  readonly rule: string;
  /**
   * The name the message suggests ("did you mean 'x'?"): the text that should replace the range's
   * (a key or a value; quotes are kept as the file has them). Quick fixes offer it.
   */
  readonly suggestion?: string;
}

export const ZERO_RANGE: Range = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sorts by file, then position, so output is stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.range.start.line !== b.range.start.line) return a.range.start.line - b.range.start.line;
  if (a.range.start.column !== b.range.start.column) return a.range.start.column - b.range.start.column;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

/** `path:line:column: severity: message [rule]`, one-based. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.range.start.line + 1}:${d.range.start.column + 1}: ${d.severity}: ${d.message} [${d.rule}]`;
}
