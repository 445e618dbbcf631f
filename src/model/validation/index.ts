import { compareDiagnostics, ZERO_RANGE, type Diagnostic } from '../diagnostics';
import { SourceDocument } from '../document';
import { mightBeIac, parseTemplateDocument } from '../iac';
import { kindOfFile, type DefinitionKind } from '../kinds';
import { Reporter } from './reporter';
import { checkSchema } from './schema';
import { checkFileRules } from './rules';
import { Workspace } from '../workspace';
import { checkWorkspaceRules, WORKSPACE_RULES } from './workspace-rules';
import type { WorkspaceCheckOptions } from './workspace-rules/context';

export { WORKSPACE_RULES };
export type { WorkspaceCheckOptions };

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

/**
 * Validates a set of files together: each file on its own (syntax, schema, single-file rules), then
 * the cross-file rules over every definition found. Files of no known kind are ignored. Never throws;
 * the result is sorted by file and position, without duplicates.
 */
export function validateWorkspace(sources: readonly DefinitionSource[], options: WorkspaceCheckOptions = {}): Diagnostic[] {
  return indexAndValidate(sources, options).diagnostics;
}

/**
 * Parses a source: a definition file by its name, else (found by content) a CloudFormation/CDK
 * template or Terraform JSON; undefined for anything else.
 */
export function parseSource(source: DefinitionSource): SourceDocument | undefined {
  const kind = kindOfFile(source.path);
  if (kind) return SourceDocument.parse(source.path, source.text, kind.format);
  return mightBeIac(source.text) ? parseTemplateDocument(source.path, source.text) : undefined;
}

/** {@link validateWorkspace}, also returning the workspace the sources make. */
export function indexAndValidate(sources: readonly DefinitionSource[], options: WorkspaceCheckOptions = {}): { workspace: Workspace; diagnostics: Diagnostic[] } {
  const docs: SourceDocument[] = [];
  const out: Diagnostic[] = [];
  for (const source of sources) {
    const doc = parseSource(source);
    if (!doc) continue;
    docs.push(doc);
    const kind = kindOfFile(source.path);
    if (kind) out.push(...validateDocument(doc, kind.kind));
    else out.push(...doc.syntaxErrors);
  }
  let workspace = Workspace.fromDocuments([]);
  try {
    workspace = Workspace.fromDocuments(docs);
    out.push(...checkWorkspaceRules(workspace, options));
  } catch (err) {
    out.push({ file: docs[0]?.file ?? '', range: ZERO_RANGE, severity: 'error', rule: 'internal', message: `localbatch could not finish the cross-file checks: ${String(err)}` });
  }
  return { workspace, diagnostics: dedupe(out.sort(compareDiagnostics)) };
}

function dedupe(sorted: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return sorted.filter((d) => {
    const key = `${d.file}\0${d.range.start.line}:${d.range.start.column}\0${d.rule}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
