/** The cross-file rules, run over a whole workspace after every file passed its own checks. */
import type { Diagnostic } from '../../diagnostics';
import type { Workspace } from '../../workspace';
import { createContext, type WorkspaceCheckOptions, type WorkspaceRule } from './context';
import { hostAccess, localSecrets } from './host-access';
import { jobCapacity } from './capacity';
import { dependencyCycles } from './cycles';
import { dependencyEntries } from './dependencies';
import { fargateOverrideCombination, multinodeArrayJob, workflowParameters } from './job-definition-use';
import { queueComputeMix, queueUse } from './queues';
import { unknownComputeEnvironment, unknownJobDefinition, unknownJobQueue } from './references';
import { checkTemplates } from './templates';
import { stateMachineRules } from './state-machines';
import { ASL_RULES } from '../../asl/rules';
import { PIPELINE_RULES, pipelineChecks } from './pipeline';

/** Every cross-file rule id with a one-line description. */
export const WORKSPACE_RULES = {
  'duplicate-definition': 'a job definition, job queue or compute environment name is defined in two files',
  'unknown-job-definition': 'a workflow job or a state machine\'s Batch Task names a job definition not defined in the workspace (ARNs are accepted)',
  'unknown-job-queue': 'a workflow job or a state machine\'s Batch Task names a job queue not defined in the workspace (besides `local` and ARNs)',
  'unknown-compute-environment': 'a job queue names a compute environment not defined in the workspace (ARNs are accepted)',
  'unknown-dependency': 'dependsOn names a job that is not in the same workflow',
  'self-dependency': 'a job depends on itself',
  'dependency-empty': 'a dependsOn entry has neither job nor type',
  'dependency-cycle': 'jobs depend on each other in a cycle',
  'n-to-n-not-array': 'N_TO_N links jobs that are not both array jobs',
  'n-to-n-size-mismatch': 'N_TO_N links array jobs of different sizes',
  'sequential-with-job': 'a SEQUENTIAL dependency names a job (SEQUENTIAL takes none)',
  'sequential-not-array': 'SEQUENTIAL on a job that is not an array job',
  'queue-mixed-compute-types': 'a queue mixes EC2/SPOT with FARGATE/FARGATE_SPOT compute environments',
  'queue-mixed-architectures': 'a queue mixes x86_64 and arm64 compute environments',
  'queue-disabled': 'a job is sent to a DISABLED queue (warning)',
  'compute-environments-disabled': "all of a job queue's compute environments are DISABLED (warning)",
  'share-identifier-required': 'a job on a fair-share queue has no shareIdentifier',
  'share-identifier-unexpected': 'a job on a queue without a fair-share policy has a shareIdentifier (SubmitJob refuses it)',
  'platform-mismatch': "a job definition's platform (EC2 / FARGATE) does not match its queue's compute environments",
  'job-exceeds-capacity': 'a job needs more vCPU / memory / GPU than any compute environment of its queue can provide',
  'job-exceeds-local-capacity': 'a job on the local queue needs more than `capacity` in localbatch.yaml (warning)',
  'workflow-parameter-missing': 'a Ref:: placeholder without default is not set in the workflow job parameters (warning)',
  'multinode-array-job': 'an array job uses a multinode job definition',
  'fargate-override-combination': 'containerOverrides give a Fargate job an unsupported vCPU / memory combination',
  'host-path-outside-workspace': 'a job definition mounts a host path outside the workspace that localbatch.yaml does not allow (refused locally; warning)',
  'docker-socket-mount': 'a job definition mounts the Docker socket (or another .sock) that localbatch.yaml does not allow (refused locally; warning)',
  'host-device': 'a job definition maps a host device that localbatch.yaml does not allow (refused locally; warning)',
  'privileged-container': 'a job definition runs privileged without allowPrivileged in localbatch.yaml (refused locally; warning)',
  'secret-without-local-value': 'a secret has no value in .localbatch/secrets.yaml and aws.secrets is not fetch (the job fails to start locally; warning)',
  'template-unknown-reference': 'a template Ref, Fn::GetAtt, Fn::FindInMap or Condition names something the template does not define',
  'template-parameter-value': 'a template parameter used by a Batch resource has no Default and no value under parameters: in localbatch.yaml (or is an SSM parameter)',
  'template-import-value': 'Fn::ImportValue (another stack\'s export) without a value under parameters: in localbatch.yaml',
  'template-invalid-intrinsic': 'an intrinsic function with arguments of the wrong shape',
  'template-unsupported': 'an intrinsic function localbatch does not evaluate locally',
  'terraform-unknown-value': 'a Terraform plan value known only after apply, or a JSON attribute that is not valid JSON',
  ...ASL_RULES,
  ...PIPELINE_RULES,
} as const;

const RULES: ReadonlyArray<[string, WorkspaceRule]> = [
  ['references', unknownJobDefinition],
  ['references', unknownJobQueue],
  ['references', unknownComputeEnvironment],
  ['dependencies', dependencyEntries],
  ['dependencies', dependencyCycles],
  ['queues', queueComputeMix],
  ['queues', queueUse],
  ['capacity', jobCapacity],
  ['job definitions', workflowParameters],
  ['job definitions', multinodeArrayJob],
  ['job definitions', fargateOverrideCombination],
  ['host access', hostAccess],
  ['secrets', localSecrets],
  ['state machines', stateMachineRules],
  ['pipeline', pipelineChecks],
];

/** Runs every cross-file rule; a rule that fails is reported once as `internal`, never thrown. */
export function checkWorkspaceRules(ws: Workspace, options: WorkspaceCheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [...ws.diagnostics, ...ws.stateMachines.flatMap((m) => m.diagnostics)];
  try {
    out.push(...checkTemplates(ws));
  } catch (err) {
    const doc = ws.templates[0]?.doc;
    out.push({ file: doc?.file ?? '', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }, severity: 'error', rule: 'internal', message: `localbatch could not finish checking the templates: ${String(err)}` });
  }
  const ctx = createContext(ws, out, options);
  for (const [group, rule] of RULES) {
    try {
      rule(ctx);
    } catch (err) {
      const doc = ws.documents[0];
      out.push({ file: doc?.file ?? '', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }, severity: 'error', rule: 'internal',
        message: `localbatch could not finish the ${group} checks: ${String(err)}` });
    }
  }
  return out;
}
