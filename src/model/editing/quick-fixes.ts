/** Quick fixes for common mistakes, computed from a diagnostic and the file's text. */
import type { Diagnostic, Range } from '../diagnostics';

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

export interface QuickFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The obvious fix (VS Code applies it with the "auto fix" shortcut). */
  readonly preferred: boolean;
}

const MIN_TIMEOUT_SECONDS = 60;
const MIN_ATTEMPTS = 1;
const MAX_ATTEMPTS = 10;

export function quickFixesFor(d: Diagnostic, text: string): QuickFix[] {
  const current = textIn(text, d.range);
  const quoted = current.startsWith('"') || current.startsWith("'");
  const wrap = (s: string) => (quoted ? `${current[0]}${s}${current[0]}` : s);
  const replace = (title: string, newText: string): QuickFix[] => [{ title, edits: [{ range: d.range, newText }], preferred: true }];
  if (d.rule === 'schema') {
    const unknown = /^Unknown property "([^"]+)".*did you mean "([^"]+)"/.exec(d.message);
    if (unknown) return replace(`Rename "${unknown[1]}" to "${unknown[2]}"`, wrap(unknown[2]));
    const value = /must be one of .*; did you mean "([^"]+)"\?$/.exec(d.message);
    if (value) return replace(`Change to "${value[1]}"`, wrap(value[1]));
    return [];
  }
  if (d.rule === 'retry-attempts-range') {
    const n = Number(current.replace(/["']/g, ''));
    if (!Number.isFinite(n)) return [];
    const clamped = n < MIN_ATTEMPTS ? MIN_ATTEMPTS : MAX_ATTEMPTS;
    return replace(`Set attempts to ${clamped}`, String(clamped));
  }
  if (d.rule === 'timeout-minimum') {
    if (!Number.isFinite(Number(current.replace(/["']/g, '')))) return [];
    return replace(`Raise the timeout to ${MIN_TIMEOUT_SECONDS} seconds`, String(MIN_TIMEOUT_SECONDS));
  }
  return [];
}

/** The text a zero-based line/column range covers. */
export function textIn(text: string, range: Range): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const at = (p: Range['start']) => Math.min(text.length, (starts[p.line] ?? text.length) + p.column);
  return text.slice(at(range.start), at(range.end));
}
