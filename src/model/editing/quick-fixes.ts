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
  // Every rule whose message suggests a name ("did you mean …?") carries it as data.
  if (d.suggestion !== undefined) {
    const title = /^Unknown property/.test(d.message) ? `Rename ${unquote(current)} to "${d.suggestion}"` : `Change to "${d.suggestion}"`;
    return replace(title, wrap(d.suggestion));
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

function unquote(s: string): string {
  return `"${s.replace(/^["']|["']$/g, '')}"`;
}

/** The text a zero-based line/column range covers. */
export function textIn(text: string, range: Range): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const at = (p: Range['start']) => Math.min(text.length, (starts[p.line] ?? text.length) + p.column);
  return text.slice(at(range.start), at(range.end));
}
