/**
 * Facts read from AWS's own JSON schema of the Amazon States Language, as amazon-states-language-service
 * (the language service of the AWS Toolkit for VS Code) ships it: the fields a Choice rule takes and
 * the Task resources of Step Functions' service integrations. They are read from the schema rather
 * than listed here, so an upgrade of that package brings AWS's additions. Found by shape, not by the
 * schema's internal positions; each list is read once, on first use (only the editor's completion
 * and hover load this module).
 */
import schema from 'amazon-states-language-service/out/json-schema/bundled.json';

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every object of the schema, with the keys leading to it. */
function* walk(node: unknown, path: readonly string[] = []): Generator<[Node, readonly string[]]> {
  if (Array.isArray(node)) {
    for (const [i, v] of node.entries()) yield* walk(v, [...path, String(i)]);
    return;
  }
  if (!isNode(node)) return;
  yield [node, path];
  for (const [k, v] of Object.entries(node)) yield* walk(v, [...path, k]);
}

let choiceFields: readonly string[] | undefined;
let taskResources: readonly string[] | undefined;

/** The fields of a Choice rule, in the schema's order: the JSONata rule's (Condition, ...) and each JSONPath operator's rule. */
export function choiceRuleFields(): readonly string[] {
  if (choiceFields) return choiceFields;
  const out = new Set<string>();
  for (const [node] of walk(schema)) {
    const props = node.properties;
    const choices = isNode(props) ? props.Choices : undefined;
    const items = isNode(choices) ? choices.items : undefined;
    const alternatives = isNode(items) && Array.isArray(items.oneOf) ? (items.oneOf as unknown[]) : [];
    for (const alt of alternatives) if (isNode(alt) && isNode(alt.properties)) for (const k of Object.keys(alt.properties)) out.add(k);
  }
  return (choiceFields = [...out]);
}

/** The Task resources the schema gives as examples (a Task's `Resource`; not ItemReader's or ResultWriter's). */
export function taskResourceExamples(): readonly string[] {
  if (taskResources) return taskResources;
  const out = new Set<string>();
  for (const [node, path] of walk(schema)) {
    const props = node.properties;
    const resource = isNode(props) ? props.Resource : undefined;
    if (path.includes('ItemReader') || path.includes('ResultWriter') || !isNode(resource) || !Array.isArray(resource.examples)) continue;
    for (const e of resource.examples) if (typeof e === 'string') out.add(e);
  }
  return (taskResources = [...out]);
}
