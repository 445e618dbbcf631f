/** `localbatch run <file>`: runs a workflow (or one job definition) on the local emulator, in Docker. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { formatDiagnostic } from '../../model/diagnostics';
import { kindOfFile } from '../../model/kinds';
import { DEFAULT_EMULATOR_PORT, type LocalSettingsFile } from '../../model/types';
import type { DefinitionEntry, Workspace } from '../../model/workspace';
import { findWorkspaceRoot, loadWorkspace, type LoadedWorkspace } from '../../node/load-workspace';
import type { StateMachineEntry } from '../../model/asl/types';
import { runStateMachine } from '../run/state-machine';
import { DockerUnavailableError } from '../../emulator/runtime/docker';
import { DEFAULT_STATE_DIR_NAME } from '../../emulator/store/state-dir';
import { HELP_OPTION, parseCommandArgs } from '../args';
import { CliError } from '../errors';
import { nestedWorkspaceLines } from '../nested-workspaces';
import { openSession, type RuntimeKind, type Session } from '../run/session';
import { parseRate } from '../run/chaos';
import { executeRun, type RunTarget } from '../run/execute';
import { buildListedImages } from '../run/images';
import { emulatorLines } from '../run/which-emulator';
import { referencedDefinitions } from '../../client/workflow-run';
import { closestName } from '../../model/validation/workspace-rules/context';
import type { CliCommand } from './index';
import { buildCdkAssetImages, tagForRunningServer, targetDefinitions } from '../run/cdk-asset-overrides';
import { taskDefinitionEntries } from '../../client/state-machine-definitions';
import Docker from 'dockerode';
import { pipelineOf, isEmpty as isEmptyPipeline, type PipelineSet } from '../../client/pipeline-load';
import { loadAndSay, watchPipeline } from '../run/pipeline-mode';
import { ExecutionInputError, readExecutionInput } from '../../client/execution-input';

const HELP = `Usage: localbatch run <file or folder> [--job-definition ID] [--param name=value]... [--state-dir DIR] [--json] [--interrupt-rate R]
       localbatch run <file.asl.json|yaml | template> [--state-machine ID] [--input JSON|@file | --redrive] [--state-dir DIR] [--json]

Runs a workflow (*.workflow.json|yaml) or a single job definition (*.jobdef.json|yaml, or one
AWS::Batch::JobDefinition of a CloudFormation/CDK template or Terraform show -json file) on the
local emulator, with AWS Batch's semantics, each attempt in its own Docker container. Every
definition under the file's folder (and the templates localbatch.yaml lists) is loaded and
validated first; errors stop the run. Workflows name template job definitions and queues by
their names or logical ids.

A Step Functions state machine (*.asl.json|yaml|yml, or an AWS::StepFunctions::StateMachine,
AWS::Serverless::StateMachine or aws_sfn_state_machine of a template) is created (or updated) on
the emulator with its Batch Tasks' job definitions and queues registered, and one execution runs
to its end: each state entered and exited, and each Batch job a Task started, is shown as it
happens. Its job definitions and queues are named as in workflows (names, template logical ids,
the template's Refs).

A template (or a folder) with EventBridge rules, Scheduler schedules or SNS topics is run as a
pipeline: its rules, schedules, topics, subscriptions and buckets (with their EventBridge
notification setting) are loaded into the emulator, with the queues and job definitions their
targets use, and stay live, printing each job they start, until Ctrl-C. A workflow or job
definition run loads the workspace's rules too, so they fire while it runs.

If \`localbatch serve\` is running on the state directory the run is submitted there; otherwise an
emulator runs inside this command until the run ends.

Options:
  --job-definition ID the template's job definition to run (logical id, Terraform address or
                      name); needed when the template holds more than one
  --param name=value  a submit-time parameter for every job (wins over the definitions' defaults)
  --state-dir DIR     emulator state (jobs, logs): default .localbatch in the workspace root
                      (the folder holding localbatch.yaml, else the file's folder)
  --json              print every job (array children included) as DescribeJobs JobDetail JSON;
                      for a state machine, the execution as DescribeExecution returns it
  --state-machine ID  the template's state machine to run (logical id, Terraform address or
                      name); needed when the template holds more than one
  --input JSON|@file  the execution input (JSON text, or @ and a file holding it); default {}
  --redrive           redrive the state machine's newest execution (failed, timed out or stopped)
                      instead of starting one: it goes on from where it stopped, the states that
                      had ended not run again, its Tasks' job definitions registered anew first
  --interrupt-rate R  rehearse Spot interruptions: each attempt that reaches RUNNING is killed
                      with probability R (0-1) within 2 s, failing "Host EC2 (instance i-...)
                      terminated." (see \`localbatch interrupt\`); retries follow evaluateOnExit
  -h, --help          show this help

Exit status: 0 when every job (or the execution) SUCCEEDED, 1 otherwise (or on invalid definitions), 2 on bad
usage, 130 when interrupted.`;

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run a workflow or job definition locally in Docker, with AWS Batch semantics',
  async run(args: string[]): Promise<number> {
    const opts = parse(args);
    if (!opts) return 0;
    const abs = path.resolve(opts.file);
    if (!existsSync(abs)) throw new CliError(`no such file: ${opts.file}`, 2);
    const isFolder = statSync(abs).isDirectory();
    const kind = isFolder ? undefined : kindOfFile(abs);
    if (kind && kind.kind !== 'workflow' && kind.kind !== 'jobDefinition' && kind.kind !== 'stateMachine') {
      throw new CliError(`${opts.file} is not a workflow (*.workflow.json|yaml|yml), job definition (*.jobdef.json|yaml|yml), state machine (*.asl.json|yaml|yml) or template file`, 2);
    }
    if (kind?.kind !== 'stateMachine' && kind !== undefined && (opts.stateMachine !== undefined || opts.input !== undefined || opts.redrive)) {
      throw new CliError('--state-machine, --input and --redrive are for state machines (*.asl.json|yaml|yml, or a template holding one)', 2);
    }
    if (opts.redrive && opts.input !== undefined) throw new CliError('--redrive goes on with the input the execution started with: give --input or --redrive, not both', 2);
    const loaded = await loadWorkspace(isFolder ? abs : path.dirname(abs), process.cwd());
    if (isFolder) for (const line of nestedWorkspaceLines(loaded, (rel) => `its files run with its own definitions: \`localbatch run ${rel}/<file>\``)) console.error(line);
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    for (const d of loaded.diagnostics) console.error(formatDiagnostic(d));
    if (errors.length > 0) {
      console.error(`localbatch run: ${errors.length} error${errors.length === 1 ? '' : 's'} in the definitions; nothing was run.`);
      return 1;
    }
    // A template with rules or schedules stays live (its state machine runs when they start it);
    // --state-machine or --input runs a state machine of it instead.
    const explicit = kind !== undefined || opts.jobDefinition !== undefined;
    const live = opts.stateMachine === undefined && opts.input === undefined && !opts.redrive ? pipelineToRun(loaded.workspace, abs, isFolder, explicit, loaded.root) : undefined;
    const machine = live ? undefined : findStateMachine(loaded.workspace, abs, opts);
    if (machine) {
      if (Object.keys(opts.params).length > 0) console.error("localbatch run: --param is for jobs run directly; a state machine's Tasks take their parameters from its definition and input (ignored)");
      return runMachine(loaded, machine, opts);
    }
    if (opts.input !== undefined || opts.redrive) throw new CliError(`${opts.redrive ? '--redrive' : '--input'} is for state machines (*.asl.json|yaml|yml, or a template holding one)`, 2);
    const pipeline = live ?? pipelineToRun(loaded.workspace, abs, isFolder, explicit, loaded.root);
    if (pipeline) {
      // The CDK image assets of the job definitions its rules and schedules submit are built first, as for a workflow run.
      const { session, settings, stateDir } = await startRun(loaded, opts, [...loaded.workspace.jobDefinitions.values()], true);
      await buildImagesOrClose(session, settings, loaded.root, opts);
      return watchPipeline(session, loaded.workspace, pipeline, process.stdout, stateDir);
    }
    if (isFolder) throw new CliError(`${opts.file} holds no template with EventBridge rules, schedules or SNS topics; give a workflow, job definition or template file to run`, 2);
    const target = findTarget(loaded.workspace, abs, opts.file, opts.jobDefinition);
    for (const line of unusedParams(loaded.workspace, target, Object.keys(opts.params))) console.error(line);
    // CDK container image assets are built before the emulator starts, so its engine runs them (imageOverrides).
    const { session, settings, stateDir } = await startRun(loaded, opts, targetDefinitions(loaded.workspace, target));
    // The workspace's rules and schedules are live while the run runs (a failure notification, ...).
    await loadAndSay(session, loaded.workspace, pipelineOf(loaded.workspace, ownedBy(loaded.root)), (line) => console.error(line)).catch(async (err: unknown) => {
      await session.close();
      throw err;
    });
    return executeRun({
      session,
      workspace: loaded.workspace,
      workspaceRoot: loaded.root,
      stateDir,
      target,
      settings,
      parameters: opts.params,
      json: opts.json,
      interruptRate: opts.interruptRate,
      runtime: opts.runtime,
      out: process.stdout,
      err: process.stderr,
    });
  },
};

interface RunOptions {
  file: string;
  stateMachine?: string;
  /** `--input` as given (JSON text or @file). */
  input?: string;
  redrive: boolean;
  jobDefinition?: string;
  params: Record<string, string>;
  stateDir?: string;
  json: boolean;
  runtime: RuntimeKind;
  interruptRate: number;
}

function parse(args: string[]): RunOptions | undefined {
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: {
        param: { type: 'string', multiple: true, short: 'p' },
        'job-definition': { type: 'string' },
        'state-machine': { type: 'string' },
        input: { type: 'string' },
        redrive: { type: 'boolean', default: false },
        'state-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        'interrupt-rate': { type: 'string' },
        // For tests and benchmarks: run containers with the scripted fake instead of Docker.
        runtime: { type: 'string', default: 'docker' },
        ...HELP_OPTION,
      },
    },
    HELP,
  );
  if (!parsed) return undefined;
  if (parsed.positionals.length !== 1) throw new CliError(`expected exactly one file to run\n\n${HELP}`, 2);
  const params: Record<string, string> = {};
  for (const p of parsed.values.param ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new CliError(`--param takes name=value, not '${p}'`, 2);
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const runtime = parsed.values.runtime;
  if (runtime !== 'docker' && runtime !== 'scripted') throw new CliError(`--runtime must be docker or scripted`, 2);
  let interruptRate: number;
  try {
    interruptRate = parseRate(parsed.values['interrupt-rate']);
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  return { file: parsed.positionals[0], stateMachine: parsed.values['state-machine'], input: parsed.values.input, redrive: parsed.values.redrive ?? false, jobDefinition: parsed.values['job-definition'], params, stateDir: parsed.values['state-dir'], json: parsed.values.json ?? false, runtime, interruptRate };
}

/** A warning per --param name no job of the run uses (no `Ref::name` nor default), with the closest used name. */
function unusedParams(ws: Workspace, target: RunTarget, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const defs = target.kind === 'workflow' ? referencedDefinitions(ws, target.workflow).jobDefinitions : [target.definition.value];
  const used = new Set<string>();
  for (const d of defs) {
    for (const m of JSON.stringify(d).matchAll(/Ref::([A-Za-z0-9_.-]+)/g)) used.add(m[1]);
    for (const k of Object.keys((d as { parameters?: object }).parameters ?? {})) used.add(k);
  }
  return names
    .filter((n) => !used.has(n))
    .map((n) => {
      const best = closestName(n, used);
      return `warning: --param ${n} is used by no job of this run (no Ref::${n} in its job definitions)${best !== undefined ? `; did you mean '${best}'?` : ''}`;
    });
}

/** The pipeline a `run` of a folder, or of a template with rules or schedules (no --job-definition), runs. */
function pipelineToRun(ws: Workspace, abs: string, isFolder: boolean, explicit: boolean, root: string): PipelineSet | undefined {
  if (explicit) return undefined;
  if (isFolder) {
    const p = pipelineOf(ws, ownedBy(root));
    return isEmptyPipeline(p) ? undefined : p;
  }
  const rel = path.relative(process.cwd(), abs);
  const files = new Set(ws.templates.map((t) => t.doc.file).filter((f) => path.resolve(f) === abs || f === rel));
  if (files.size === 0) return undefined;
  const p = pipelineOf(ws, (f) => files.has(f));
  return p.rules.length + p.schedules.length > 0 ? p : undefined;
}

/**
 * Templates of this workspace: a folder below it with its own localbatch.yaml is another workspace
 * (examples/pipeline inside examples/), whose rules a run here does not load.
 */
export function ownedBy(root: string): (file: string) => boolean {
  return (file) => {
    const own = findWorkspaceRoot(path.dirname(path.resolve(file)));
    return own === undefined || own === root;
  };
}

function findTarget(ws: Workspace, abs: string, shown: string, wanted: string | undefined): RunTarget {
  const rel = path.relative(process.cwd(), abs);
  const same = (file: string) => path.resolve(file) === abs || file === rel;
  const workflow = ws.workflows.find((w) => same(w.doc.file));
  if (workflow) return { kind: 'workflow', workflow };
  const defs = [...ws.jobDefinitions.values()].filter((d) => same(d.doc.file));
  if (!defs.some((d) => d.origin)) {
    if (wanted !== undefined) throw new CliError('--job-definition is for templates: it names one of their job definitions', 2);
    if (defs[0]) return { kind: 'jobDefinition', definition: defs[0] };
    throw new CliError(`${shown} holds no runnable definition`, 1);
  }
  const ids = defs.map((d) => d.origin!.resource.id);
  const def = wanted === undefined ? (defs.length === 1 ? defs[0] : undefined) : defs.find((d) => d.origin!.resource.id === wanted || d.name === wanted);
  if (def) return { kind: 'jobDefinition', definition: def };
  throw new CliError(wanted === undefined
    ? `${shown} holds ${defs.length} job definitions (${ids.join(', ')}); choose one with --job-definition`
    : `${shown} holds no job definition '${wanted}' (it holds ${ids.join(', ')})`, 2);
}

/** The state machine the file names: an ASL file's, or the template's (by --state-machine, or its only one unless --job-definition picks a job). */
function findStateMachine(ws: Workspace, abs: string, opts: RunOptions): StateMachineEntry | undefined {
  const rel = path.relative(process.cwd(), abs);
  const same = (file: string) => path.resolve(file) === abs || file === rel;
  const own = ws.stateMachines.find((m) => m.source === 'file' && same(m.file));
  if (own) {
    if (opts.stateMachine !== undefined) throw new CliError('--state-machine is for templates: it names one of their state machines', 2);
    if (opts.jobDefinition !== undefined) throw new CliError('--job-definition is for templates: a state machine file runs as a state machine', 2);
    return own;
  }
  const machines = ws.stateMachines.filter((m) => m.source !== 'file' && same(m.file));
  if (machines.length === 0) {
    if (opts.stateMachine !== undefined) throw new CliError(`${opts.file} holds no state machine`, 2);
    return undefined;
  }
  if (opts.stateMachine !== undefined) {
    const m = machines.find((x) => x.id === opts.stateMachine) ?? machines.find((x) => x.name === opts.stateMachine);
    if (m) return m;
    const best = closestName(opts.stateMachine, machines.map((x) => x.id));
    throw new CliError(`${opts.file} holds no state machine '${opts.stateMachine}' (it holds ${machines.map((x) => x.id).join(', ')})${best ? `; did you mean '${best}'?` : ''}`, 2);
  }
  // A template's state machine is what runs its jobs: it runs, unless --job-definition picks a job.
  if (opts.jobDefinition !== undefined) return undefined;
  if (machines.length === 1) return machines[0];
  const jobs = [...ws.jobDefinitions.values()].some((d) => same(d.doc.file));
  throw new CliError(`${opts.file} holds ${machines.length} state machines (${machines.map((x) => x.id).join(', ')}); choose one with --state-machine${jobs ? ', or a job definition with --job-definition' : ''}`, 2);
}

async function readInput(given: string | undefined): Promise<string> {
  if (given === undefined) return '{}';
  try {
    return await readExecutionInput(given, process.cwd());
  } catch (err) {
    if (err instanceof ExecutionInputError) throw new CliError(`--input: ${err.message}`, 2);
    throw err;
  }
}

/** Builds the images localbatch.yaml lists (Docker runtime); a failed build closes the session (its emulator) before it is told. */
async function buildImagesOrClose(session: Session, settings: LocalSettingsFile | undefined, root: string, opts: RunOptions): Promise<void> {
  if (opts.runtime !== 'docker') return;
  try {
    await buildListedImages(session.host?.docker ?? new Docker(), settings, root, (line) => console.error(line));
  } catch (err) {
    await session.close();
    throw err;
  }
}

async function runMachine(loaded: LoadedWorkspace, machine: StateMachineEntry, opts: RunOptions): Promise<number> {
  if (!machine.definition) throw new CliError(`the state machine '${machine.id}' has no definition localbatch can read (see the diagnostics above)`, 1);
  const input = await readInput(opts.input);
  // The CDK image assets of the job definitions its Batch Tasks submit are built first, as for a workflow run.
  const { session, settings, stateDir } = await startRun(loaded, opts, taskDefinitionEntries(loaded.workspace, machine.definition).jobDefinitions);
  await buildImagesOrClose(session, settings, loaded.root, opts);
  const arg = (v: string) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const redriveCommand = ['localbatch run', arg(opts.file), ...(opts.stateMachine ? ['--state-machine', arg(opts.stateMachine)] : []), ...(opts.stateDir ? ['--state-dir', arg(opts.stateDir)] : []), '--redrive'].join(' ');
  return runStateMachine({ session, workspace: loaded.workspace, machine, input, json: opts.json, out: process.stdout, err: process.stderr, stateDir, redrive: opts.redrive, redriveCommand });
}

/**
 * Builds the CDK image assets of `definitions` (Docker runtime), opens the session (a running
 * serve, or an emulator started here with the assets as image overrides; a running serve gets the
 * images tagged with the template's names) and prints where it runs. `shared`: the run stays live
 * until Ctrl-C (rules and schedules), so an emulator it starts serves other clients too.
 */
async function startRun(loaded: LoadedWorkspace, opts: RunOptions, definitions: readonly DefinitionEntry[], shared = false): Promise<{ session: Session; settings: LocalSettingsFile | undefined; stateDir: string }> {
  let settings = loaded.workspace.settings?.value as LocalSettingsFile | undefined;
  const assetOverrides = opts.runtime === 'docker' && definitions.length > 0 ? await buildCdkAssetImages(new Docker(), definitions, (line) => console.error(line)) : {};
  if (Object.keys(assetOverrides).length > 0) settings = { ...settings, imageOverrides: { ...assetOverrides, ...settings?.imageOverrides } };
  const stateDir = path.resolve(opts.stateDir ?? path.join(loaded.root, DEFAULT_STATE_DIR_NAME));
  const session = await openSession({ stateDir, settings, runtime: opts.runtime, log: (line) => console.error(line), workspaceRoot: loaded.root, shared }).catch((err: unknown) => {
    // Docker unreachable (or another start-up problem the user can fix): one line, no stack.
    if (err instanceof DockerUnavailableError) throw new CliError(err.message, 1);
    throw err;
  });
  if (!session.host) await tagForRunningServer(new Docker(), assetOverrides, (line) => console.error(line));
  const settingsFile = loaded.workspace.settings ? path.resolve(loaded.workspace.settings.doc.file) : undefined;
  for (const line of await emulatorLines(session, stateDir, settingsFile, settings?.port ?? DEFAULT_EMULATOR_PORT)) console.error(line);
  return { session, settings, stateDir };
}
