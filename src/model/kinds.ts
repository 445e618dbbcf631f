/** The kinds of definition files localbatch reads, recognised by file name. */
export type DefinitionKind = 'jobDefinition' | 'jobQueue' | 'computeEnvironment' | 'workflow' | 'settings' | 'stateMachine';
export type SourceFormat = 'json' | 'yaml';

export const SETTINGS_FILE_NAME = 'localbatch.yaml';

const SUFFIXES: ReadonlyArray<[string, DefinitionKind]> = [
  ['jobdef', 'jobDefinition'],
  ['jobqueue', 'jobQueue'],
  ['computeenv', 'computeEnvironment'],
  ['workflow', 'workflow'],
  // Amazon States Language, named as the AWS Toolkit names state machine files.
  ['asl', 'stateMachine'],
];

const PATTERN = /\.(jobdef|jobqueue|computeenv|workflow|asl)\.(json|ya?ml)$/i;

export interface FileKind {
  readonly kind: DefinitionKind;
  readonly format: SourceFormat;
}

/** Returns the kind of a definition file from its name (any path separator), or undefined. */
export function kindOfFile(fileName: string): FileKind | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  if (base === SETTINGS_FILE_NAME || base === 'localbatch.yml') return { kind: 'settings', format: 'yaml' };
  const m = PATTERN.exec(base);
  if (!m) return undefined;
  const kind = SUFFIXES.find(([s]) => s === m[1].toLowerCase())![1];
  return { kind, format: m[2].toLowerCase() === 'json' ? 'json' : 'yaml' };
}

export const KIND_LABELS: Readonly<Record<DefinitionKind, string>> = {
  jobDefinition: 'job definition',
  jobQueue: 'job queue',
  computeEnvironment: 'compute environment',
  workflow: 'workflow',
  settings: 'localbatch settings',
  stateMachine: 'state machine',
};
