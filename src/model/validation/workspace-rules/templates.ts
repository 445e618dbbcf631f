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
      const kept = reporter.diagnostics.filter((d) => !skipped.some((r) => within(d.range, r)));
      out.push(...(template.tool === 'terraform' ? kept : kept.map(inTemplateCase)));
    }
  }
  return out;
}

/**
 * A CloudFormation template writes the API's property names in PascalCase (`Command`, not
 * `command`): the schema's findings name them (and suggest them) as the template does.
 */
function inTemplateCase(d: Diagnostic): Diagnostic {
  // (only messages about property names: a value's message may quote lowercase values, "container")
  if (d.rule !== 'schema' || !/^Unknown property "|the required propert/.test(d.message)) return d;
  const upper = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const message = d.message.replace(/"([a-z][A-Za-z0-9]*)"/g, (_m, k: string) => `"${upper(k)}"`).replace(/ in ([a-z][A-Za-z0-9]*)(?=[;:.,]|$)/, (_m, k: string) => ` in ${upper(k)}`);
  const suggestion = d.suggestion && /^[a-z][A-Za-z0-9]*$/.test(d.suggestion) && /^Unknown property/.test(d.message) ? upper(d.suggestion) : d.suggestion;
  return { ...d, message, ...(suggestion !== undefined ? { suggestion } : {}) };
}

function within(inner: Range, outer: Range): boolean {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.column <= b.column);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}
