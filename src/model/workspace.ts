/**
 * The workspace model: every parsed definition file indexed by name, so that cross-file rules, the
 * emulator and deploy resolve references (`name`, `name:revision`, ARNs) the same way. Pure: it is
 * built from documents already read and parsed. One file holds one definition; a name defined in two
 * files is a `duplicate-definition` error at the name in the later file (files ordered by path).
 */
import type { Diagnostic } from './diagnostics';
import type { JsonPath, SourceDocument } from './document';
import { readIac, type IacResource, type IacTemplate } from './iac';
import { readTemplateStateMachines } from './asl/templates';
import { fileStateMachine, type StateMachineEntry } from './asl/types';
import { kindOfFile, KIND_LABELS, type DefinitionKind } from './kinds';
import { LOCAL_QUEUE_NAME, type LocalSettingsFile } from './types';
import { asStr, isObj, objEntries, type Obj } from './values';

/** One named definition (job definition, job queue or compute environment) and where it came from. */
export interface DefinitionEntry {
  readonly kind: 'jobDefinition' | 'jobQueue' | 'computeEnvironment';
  readonly name: string;
  readonly doc: SourceDocument;
  /** The file's top-level object, unvalidated: read it with the accessors in `values.ts`. */
  readonly value: Obj;
  /** Path of the name inside the document, e.g. `['jobDefinitionName']`. */
  readonly namePath: JsonPath;
  /** Set when the definition is a resource of a CloudFormation/CDK template or Terraform JSON. */
  readonly origin?: { readonly template: IacTemplate; readonly resource: IacResource };
}

export interface WorkflowEntry {
  /** The file name without `.workflow.<ext>`, e.g. `pipeline` for `pipeline.workflow.yaml`. */
  readonly name: string;
  readonly doc: SourceDocument;
  readonly value: Obj;
  /** Jobs in file order; each job's key is its name within the workflow. */
  readonly jobs: readonly WorkflowJobEntry[];
  job(name: string): WorkflowJobEntry | undefined;
}

export interface WorkflowJobEntry {
  readonly key: string;
  readonly workflow: WorkflowEntry;
  /** The job object (SubmitJob fields plus `dependsOn`), unvalidated. */
  readonly value: Obj;
  /** `['jobs', key]`. */
  readonly path: JsonPath;
}

export interface SettingsEntry {
  readonly doc: SourceDocument;
  readonly value: Obj;
}

/** A reference to a job definition, queue or compute environment, as written by the user. */
export interface ParsedRef {
  readonly name: string;
  readonly revision?: number;
  /** Set when the reference is an ARN. */
  readonly arn?: string;
}

type ResourceType = 'job-definition' | 'job-queue' | 'compute-environment';

const ARN = /^arn:aws[a-z-]*:batch:[a-z0-9-]*:\d*:(job-definition|job-queue|compute-environment)\/([^:/\s]+)(?::(\d+))?$/;

/** Parses `name`, `name:revision` (job definitions only) or a Batch ARN of the given resource type. */
export function parseRef(ref: string, type: ResourceType): ParsedRef | undefined {
  if (ref.startsWith('arn:')) {
    const m = ARN.exec(ref);
    if (!m || m[1] !== type || (m[3] !== undefined && type !== 'job-definition')) return undefined;
    return { name: m[2], revision: m[3] === undefined ? undefined : Number(m[3]), arn: ref };
  }
  if (type === 'job-definition') {
    const m = /^([^:]+):(\d+)$/.exec(ref);
    if (m) return { name: m[1], revision: Number(m[2]) };
  }
  return ref.length > 0 && !ref.includes(':') ? { name: ref } : undefined;
}

export function isArn(ref: string): boolean {
  return ref.startsWith('arn:');
}

/** The value of `key` as the text of a file that does not parse seems to give it (JSON or YAML), if any. */
function nameInText(text: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|[\\s{,])["']?${key}["']?\\s*:\\s*["']?([A-Za-z0-9_-]{1,128})`, 'm').exec(text);
  return m?.[1];
}

const NAME_KEYS = { jobDefinition: 'jobDefinitionName', jobQueue: 'jobQueueName', computeEnvironment: 'computeEnvironmentName' } as const;

export class Workspace {
  readonly jobDefinitions = new Map<string, DefinitionEntry>();
  readonly jobQueues = new Map<string, DefinitionEntry>();
  readonly computeEnvironments = new Map<string, DefinitionEntry>();
  readonly workflows: WorkflowEntry[] = [];
  /** State machines: `*.asl.json|yaml|yml` files, then those declared in templates (see src/model/asl). */
  readonly stateMachines: StateMachineEntry[] = [];
  /** CloudFormation/CDK templates and Terraform JSON holding AWS Batch resources. */
  readonly templates: IacTemplate[] = [];
  /** Template resources by logical id (or Terraform address), for references that use them. */
  private readonly aliases = { jobDefinition: new Map<string, DefinitionEntry>(), jobQueue: new Map<string, DefinitionEntry>(), computeEnvironment: new Map<string, DefinitionEntry>() };
  /** The `localbatch.yaml` closest to the root (shortest path) when there are several. */
  settings: SettingsEntry | undefined;
  /** Problems found while indexing (duplicate names). */
  readonly diagnostics: Diagnostic[] = [];
  /**
   * Definition files that could not be read (syntax errors, or not an object), with the name the
   * text seems to give (`jobDefinitionName: x`), so a reference to it can say why it is unknown.
   */
  readonly unreadable: Array<{ readonly kind: DefinitionEntry['kind']; readonly doc: SourceDocument; readonly name?: string }> = [];

  private constructor(readonly documents: readonly SourceDocument[]) {}

  /**
   * Indexes parsed documents. A document's kind comes from its file name unless `kindOf` says
   * otherwise; documents of no kind, with syntax errors or whose value is not an object are skipped,
   * except templates and Terraform JSON (found by content, parsed with parseTemplateDocument), whose
   * Batch resources are read with the settings' `parameters`, region and account.
   */
  static fromDocuments(docs: readonly SourceDocument[], kindOf: (doc: SourceDocument) => DefinitionKind | undefined = (d) => kindOfFile(d.file)?.kind): Workspace {
    const sorted = [...docs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const ws = new Workspace(sorted);
    const unnamed: SourceDocument[] = [];
    for (const doc of sorted) {
      const kind = kindOf(doc);
      if (!kind) unnamed.push(doc);
      if (kind && kind !== 'workflow' && kind !== 'settings' && kind !== 'stateMachine' && (doc.syntaxErrors.length > 0 || !isObj(doc.value))) {
        ws.unreadable.push({ kind, doc, name: nameInText(doc.text, NAME_KEYS[kind]) });
      }
      if (!kind || doc.syntaxErrors.length > 0 || !isObj(doc.value)) continue;
      if (kind === 'workflow') ws.workflows.push(makeWorkflow(doc, doc.value));
      else if (kind === 'stateMachine') ws.stateMachines.push(fileStateMachine(doc, doc.value));
      else if (kind === 'settings') {
        if (!ws.settings || doc.file.length < ws.settings.doc.file.length) ws.settings = { doc, value: doc.value };
      } else ws.add(kind, doc, doc.value);
    }
    const settings = ws.settings?.value as LocalSettingsFile | undefined;
    const options = { parameters: settings?.parameters, region: settings?.region ?? settings?.aws?.region, accountId: settings?.accountId };
    const byFile = new Map(sorted.map((d) => [d.file, d]));
    for (const doc of unnamed) {
      const template = readIac(doc, options);
      if (template) ws.addTemplate(template);
      ws.stateMachines.push(...readTemplateStateMachines(doc, template, options, (file) => byFile.get(file)));
    }
    return ws;
  }

  private addTemplate(template: IacTemplate): void {
    this.templates.push(template);
    for (const resource of template.resources) {
      if (resource.kind !== 'jobDefinition' && resource.kind !== 'jobQueue' && resource.kind !== 'computeEnvironment') continue;
      const entry = this.add(resource.kind, resource.doc, resource.value, { template, resource });
      if (entry && !this.aliases[resource.kind].has(resource.id)) this.aliases[resource.kind].set(resource.id, entry);
    }
  }

  private add(kind: DefinitionEntry['kind'], doc: SourceDocument, value: Obj, origin?: DefinitionEntry['origin']): DefinitionEntry | undefined {
    const key = NAME_KEYS[kind];
    const name = asStr(value[key]);
    if (name === undefined || name === '') return undefined;
    const map = this.mapOf(kind);
    const first = map.get(name);
    if (first) {
      this.diagnostics.push({
        file: doc.file,
        range: doc.rangeOf([key]),
        severity: 'error',
        rule: 'duplicate-definition',
        message: `The ${KIND_LABELS[kind]} '${name}' is already defined in ${first.doc.file}; define each name in one file only`,
      });
      return undefined;
    }
    const entry: DefinitionEntry = { kind, name, doc, value, namePath: [key], ...(origin ? { origin } : {}) };
    map.set(name, entry);
    return entry;
  }

  private mapOf(kind: DefinitionEntry['kind']): Map<string, DefinitionEntry> {
    return kind === 'jobDefinition' ? this.jobDefinitions : kind === 'jobQueue' ? this.jobQueues : this.computeEnvironments;
  }

  /**
   * Resolves `name`, `name:revision` or a job definition ARN whose name is defined here, or the
   * logical id (Terraform address) of a template's job definition.
   */
  jobDefinition(ref: string): DefinitionEntry | undefined {
    const parsed = parseRef(ref, 'job-definition');
    return (parsed && this.jobDefinitions.get(parsed.name)) ?? this.aliases.jobDefinition.get(ref);
  }

  /** A state machine by id (file name without `.asl.json`, logical id, Terraform address) or name. */
  stateMachine(ref: string): StateMachineEntry | undefined {
    return this.stateMachines.find((m) => m.id === ref) ?? this.stateMachines.find((m) => m.name === ref);
  }

  /** Resolves a queue name, job queue ARN or template logical id defined here (not the built-in `local`). */
  jobQueue(ref: string): DefinitionEntry | undefined {
    const parsed = parseRef(ref, 'job-queue');
    return (parsed && this.jobQueues.get(parsed.name)) ?? this.aliases.jobQueue.get(ref);
  }

  /** The unreadable files of a kind that may define `name` (the one naming it, else those naming nothing readable). */
  unreadableFor(kind: DefinitionEntry['kind'], name: string): SourceDocument[] {
    const ofKind = this.unreadable.filter((u) => u.kind === kind);
    const named = ofKind.filter((u) => u.name === name);
    return (named.length > 0 ? named : ofKind.filter((u) => u.name === undefined)).map((u) => u.doc);
  }

  computeEnvironment(ref: string): DefinitionEntry | undefined {
    const parsed = parseRef(ref, 'compute-environment');
    return (parsed && this.computeEnvironments.get(parsed.name)) ?? this.aliases.computeEnvironment.get(ref);
  }

  /** Whether a workflow job's queue reference means the built-in local queue (omitted or `local`). */
  static isLocalQueue(ref: unknown): boolean {
    return ref === undefined || ref === LOCAL_QUEUE_NAME;
  }

  /** Every workflow job of every workflow, in file order. */
  *workflowJobs(): Iterable<WorkflowJobEntry> {
    for (const wf of this.workflows) yield* wf.jobs;
  }
}

function makeWorkflow(doc: SourceDocument, value: Obj): WorkflowEntry {
  const base = doc.file.split(/[\\/]/).pop() ?? doc.file;
  const byName = new Map<string, WorkflowJobEntry>();
  const jobs: WorkflowJobEntry[] = [];
  const wf: WorkflowEntry = { name: base.replace(/\.workflow\.(json|ya?ml)$/i, ''), doc, value, jobs, job: (n) => byName.get(n) };
  for (const [key, job] of objEntries(value.jobs)) {
    if (!isObj(job)) continue;
    const entry: WorkflowJobEntry = { key, workflow: wf, value: job, path: ['jobs', key] };
    jobs.push(entry);
    byName.set(key, entry);
  }
  return wf;
}
