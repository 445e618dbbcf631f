/**
 * Checks a parsed document against the JSON Schema of its kind (generated into ../schemas by
 * scripts/generate-schemas.py) and reports every violation as one `schema` diagnostic.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import type { DefinitionKind } from '../kinds';
import computeEnvironmentSchema from '../schemas/computeEnvironment.schema.json';
import jobDefinitionSchema from '../schemas/jobDefinition.schema.json';
import jobQueueSchema from '../schemas/jobQueue.schema.json';
import settingsSchema from '../schemas/settings.schema.json';
import workflowSchema from '../schemas/workflow.schema.json';
import type { Reporter } from './reporter';
import { schemaFindings } from './schema-errors';

export const SCHEMA_RULE = 'schema';

const SCHEMAS: Readonly<Record<DefinitionKind, object>> = {
  jobDefinition: jobDefinitionSchema,
  jobQueue: jobQueueSchema,
  computeEnvironment: computeEnvironmentSchema,
  workflow: workflowSchema,
  settings: settingsSchema,
};

let ajv: Ajv | undefined;
const compiled = new Map<DefinitionKind, ValidateFunction>();

/** The compiled validator of a kind; each schema is compiled once, on first use. */
export function schemaValidator(kind: DefinitionKind): ValidateFunction {
  let validate = compiled.get(kind);
  if (!validate) {
    ajv ??= createAjv();
    validate = ajv.compile(SCHEMAS[kind]);
    compiled.set(kind, validate);
  }
  return validate;
}

function createAjv(): Ajv {
  // verbose: errors carry the failing data and their schema, which the messages use.
  // inlineRefs off: each shared definition becomes one function, which halves compile time.
  // validateSchema off: the schemas are generated and checked by the tests, not at every start.
  const instance = new Ajv({ allErrors: true, verbose: true, strict: true, validateSchema: false, inlineRefs: false });
  // Annotations for editors (and for message wording), not validation keywords.
  instance.addVocabulary(['markdownDescription', 'patternErrorMessage', 'x-enumAnyCase']);
  return instance;
}

/** Checks a parsed document against the JSON Schema of its kind. */
export function checkSchema(kind: DefinitionKind, value: unknown, reporter: Reporter): void {
  const validate = schemaValidator(kind);
  if (validate(value)) return;
  for (const f of schemaFindings(kind, value, validate.errors ?? [])) {
    reporter.error(f.path, SCHEMA_RULE, f.message, f.part);
  }
}
