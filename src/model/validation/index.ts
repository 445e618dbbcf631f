import { compareDiagnostics, type Diagnostic } from '../diagnostics';
import { SourceDocument } from '../document';
import { kindOfFile, type DefinitionKind } from '../kinds';
import { Reporter } from './reporter';
import { checkSchema } from './schema';
import { checkFileRules } from './rules';

export interface DefinitionSource {
  /** Path as it should appear in diagnostics (relative to where the user ran the command). */
  readonly path: string;
  readonly text: string;
}

/** Schema checks plus single-file semantic rules for one parsed document. Never throws. */
export function validateDocument(doc: SourceDocument, kind: DefinitionKind): Diagnostic[] {
  if (doc.syntaxErrors.length > 0) return [...doc.syntaxErrors];
  const reporter = new Reporter(doc);
  try {
    checkSchema(kind, doc.value, reporter);
    checkFileRules(kind, doc.value, reporter);
  } catch (err) {
    reporter.error([], 'internal', `localbatch could not finish validating this file: ${String(err)}`);
  }
  return reporter.diagnostics.sort(compareDiagnostics);
}

/** Parses and validates one file by its name; files of no known kind give no diagnostics. */
export function validateSource(source: DefinitionSource): Diagnostic[] {
  const kind = kindOfFile(source.path);
  if (!kind) return [];
  return validateDocument(SourceDocument.parse(source.path, source.text, kind.format), kind.kind);
}
