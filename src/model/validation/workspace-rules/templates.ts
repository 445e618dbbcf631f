/**
 * The checks of definition files, applied to the Batch resources of templates and Terraform JSON:
 * each resource is read as its API request (a view whose ranges point into the template), checked
 * against the schema and the single-file rules of its kind, plus what reading the template found
 * (unresolvable references). Problems inside a value that could not be resolved are not repeated.
 */
import type { Diagnostic, Range } from '../../diagnostics';
import type { Workspace } from '../../workspace';
import { Reporter } from '../reporter';
import { checkFileRules } from '../rules';
import { checkSchema } from '../schema';

export function checkTemplates(ws: Workspace): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const template of ws.templates) {
    out.push(...template.diagnostics);
    for (const resource of template.resources) {
      if (resource.kind !== 'jobDefinition' && resource.kind !== 'jobQueue' && resource.kind !== 'computeEnvironment') continue;
      const reporter = new Reporter(resource.doc);
      checkSchema(resource.kind, resource.value, reporter);
      checkFileRules(resource.kind, resource.value, reporter);
      const skipped = resource.unresolved.map((p) => template.doc.rangeOf(p));
      out.push(...reporter.diagnostics.filter((d) => !skipped.some((r) => within(d.range, r))));
    }
  }
  return out;
}

function within(inner: Range, outer: Range): boolean {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.column <= b.column);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}
