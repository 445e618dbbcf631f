import type { Diagnostic, Severity } from '../diagnostics';
import type { JsonPath, SourceDocument } from '../document';

/** Collects diagnostics for one document, resolving JSON paths to source ranges. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly doc: SourceDocument) {}

  /** `suggestion`: the name the message suggests for the key or value (see Diagnostic.suggestion). */
  report(severity: Severity, path: JsonPath, rule: string, message: string, part: 'key' | 'value' = 'value', suggestion?: string): void {
    this.diagnostics.push({ file: this.doc.file, range: this.doc.rangeOf(path, part), severity, message, rule, ...(suggestion !== undefined ? { suggestion } : {}) });
  }

  error(path: JsonPath, rule: string, message: string, part: 'key' | 'value' = 'value', suggestion?: string): void {
    this.report('error', path, rule, message, part, suggestion);
  }

  warning(path: JsonPath, rule: string, message: string, part: 'key' | 'value' = 'value'): void {
    this.report('warning', path, rule, message, part);
  }
}
