import * as vscode from 'vscode';
import type { Diagnostic, Position, Range } from '../../model/diagnostics';

export const DIAGNOSTIC_SOURCE = 'localbatch';

/** Our positions are zero-based line/column, exactly like VS Code's. */
export function toVsRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.column, r.end.line, r.end.column);
}

export function fromVsPosition(p: vscode.Position): Position {
  return { line: p.line, column: p.character };
}

export function toVsDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toVsRange(d.range), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  out.source = DIAGNOSTIC_SOURCE;
  out.code = d.rule;
  return out;
}

/** Back to the model's shape, for quick fixes computed in src/model/editing. */
export function fromVsDiagnostic(file: string, d: vscode.Diagnostic): Diagnostic {
  return {
    file,
    range: { start: fromVsPosition(d.range.start), end: fromVsPosition(d.range.end) },
    severity: d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning',
    message: d.message,
    rule: typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? ''),
  };
}
