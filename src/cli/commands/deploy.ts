/** `localbatch deploy [paths…]`: plans and applies the workspace's definitions on AWS Batch. */
import { createInterface } from 'node:readline/promises';
import { formatDiagnostic, hasErrors } from '../../model/diagnostics';
import { awsErrorMessage, blockingErrors, DeployInputError, StateMachineSettingsError, loadDeployInput, openAwsTarget, ownedNotes, renderPlan, runDeploy, type AwsTarget } from '../../deploy/flows';
import type { DeployInput } from '../../deploy/input';
import { HELP_OPTION, parseCommandArgs } from '../args';
import { CliError } from '../errors';
import type { CliCommand } from './index';

const HELP = `Usage: localbatch deploy [paths...] [--region R] [--profile P] [--endpoint-url URL]
                         [--dry-run] [--yes] [--deregister-previous] [--push-images]

Deploys the compute environments, job queues and job definitions under the paths (default: the
current directory) to AWS Batch, and the state machine files (*.asl.json|yaml|yml) to AWS Step
Functions. A state machine file needs a sidecar next to it, <name>.asl.deploy.yaml (or .yml, .json),
with \`roleArn: arn:aws:iam::<account>:role/<role>\` (its execution role) and optionally \`name:\`
(default: the file's name without .asl.json); its Batch Tasks' JobQueue / JobDefinition references
to the workspace's definitions become the names they are deployed under. Resources of
CloudFormation/CDK templates and Terraform files, state machines included, are not deployed: deploy
them with their own tool (aws cloudformation deploy, cdk deploy, terraform apply); localbatch says
which. A deploy is one workspace (the folder of a localbatch.yaml): the workspaces nested in a folder
given (subfolders with their own localbatch.yaml) are left out, with a note, and paths in two
workspaces are refused. The definitions are validated first (errors stop the deploy). The plan compares each file
with what AWS holds (for a job definition, its latest ACTIVE revision; for a state machine, its
definition and role) and prints what changes as a diff: create, update in place, register a new
revision, no change, or cannot change in place (with what to do instead). Nothing changes before
you confirm.

Options:
  --region R             AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region)
  --profile P            profile from ~/.aws/config and ~/.aws/credentials (default: the standard chain)
  --endpoint-url URL     another endpoint for Batch, ECR and Step Functions (e.g. moto_server, localbatch serve)
  --dry-run              print the plan and stop
  --yes, -y              apply without asking (needed when standard input is not a terminal)
  --deregister-previous  deregister the ACTIVE revisions a new revision supersedes
  --push-images          build and push local images to ECR and register the pushed URIs
  -h, --help             show this help

Exit status: 0 when everything was applied (or nothing needed to), 1 on invalid definitions, a
failure, a refused confirmation or changes AWS cannot make in place, 2 on bad usage.`;

interface DeployOptions {
  paths: string[];
  region?: string;
  profile?: string;
  endpointUrl?: string;
  dryRun: boolean;
  yes: boolean;
  deregisterPrevious: boolean;
  pushImages: boolean;
}

export const deployCommand: CliCommand = {
  name: 'deploy',
  summary: 'deploy compute environments, job queues, job definitions (AWS Batch) and state machine files (Step Functions) to AWS (plan, confirm, apply)',
  async run(args: string[]): Promise<number> {
    const opts = parse(args);
    if (!opts) return 0;
    let input;
    try {
      input = await loadDeployInput(opts.paths, process.cwd());
    } catch (err) {
      if (err instanceof DeployInputError) throw new CliError(err.message, 2);
      if (err instanceof StateMachineSettingsError) {
        console.error(err.message);
        console.error('localbatch deploy: state machine files need their deploy settings; nothing was deployed.');
        return 1;
      }
      throw err;
    }
    for (const d of input.diagnostics) console.error(formatDiagnostic(d));
    const errors = blockingErrors(input);
    if (hasErrors(errors)) {
      const n = errors.length;
      console.error(`localbatch deploy: ${n} error${n === 1 ? '' : 's'} in the definitions; nothing was deployed.`);
      return 1;
    }
    for (const note of ownedNotes(input)) console.error(note);
    if (input.desired.length === 0 && input.stateMachines.length === 0 && (input.owned.length > 0 || input.ownedStateMachines.length > 0)) {
      console.error('Nothing else to deploy: localbatch deploys plain definition files only.');
      return 0;
    }
    const target = await openAwsTarget(opts).catch((err: unknown) => {
      throw new CliError(awsErrorMessage(err), 1);
    });
    try {
      return await deploy(opts, input, target);
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`deploy to ${target.label} failed: ${awsErrorMessage(err)}`, 1);
    } finally {
      target.destroy();
    }
  },
};

async function deploy(opts: DeployOptions, input: DeployInput, target: AwsTarget): Promise<number> {
  const outcome = await runDeploy(target, input, {
    log: (line) => console.error(line.startsWith('…') ? line : `… ${line}`),
    warn: (message) => console.error(`warning: ${message}`),
    withProgress: (_title, task) => task(() => undefined),
    choosePush: async () => opts.pushImages,
    showPlan: async (plan, pushes) => {
      for (const [image, uri] of pushes) console.log(`image ${image} → ${uri} (built and pushed before applying)`);
      console.log(renderPlan(plan, target.label).join('\n'));
    },
    confirm: async () => opts.yes || confirm('Apply this plan?'),
  }, { deregisterPrevious: opts.deregisterPrevious, dryRun: opts.dryRun, registryOverride: process.env.LOCALBATCH_ECR_REGISTRY_OVERRIDE || undefined });
  switch (outcome.kind) {
    case 'no-changes':
      return 0;
    case 'dry-run':
      console.log('Dry run: nothing was changed.');
      return 0;
    case 'cancelled':
    case 'declined':
      return 1;
    case 'applied':
      console.log(outcome.result.failed ? 'Deploy stopped by a failure:' : 'Deploy complete:');
      console.log(outcome.lines.length > 0 ? outcome.lines.join('\n') : '  nothing to apply');
      return outcome.result.failed || outcome.result.skipped.length > 0 ? 1 : 0;
  }
}

/**
 * Asks a yes/no question on the terminal. Without a terminal it refuses (no surprise changes from
 * scripts): the caller must pass --yes.
 */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new CliError('refusing to change anything without confirmation: standard input is not a terminal; pass --yes to apply', 1);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    const yes = /^y(es)?$/i.test(answer.trim());
    if (!yes) console.error('Nothing was changed.');
    return yes;
  } finally {
    rl.close();
  }
}

function parse(args: string[]): DeployOptions | undefined {
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: {
        region: { type: 'string' },
        profile: { type: 'string' },
        'endpoint-url': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        yes: { type: 'boolean', short: 'y', default: false },
        'deregister-previous': { type: 'boolean', default: false },
        'push-images': { type: 'boolean', default: false },
        ...HELP_OPTION,
      },
    },
    HELP,
  );
  if (!parsed) return undefined;
  const v = parsed.values;
  return {
    paths: parsed.positionals,
    region: v.region,
    profile: v.profile,
    endpointUrl: v['endpoint-url'],
    dryRun: v['dry-run'] ?? false,
    yes: v.yes ?? false,
    deregisterPrevious: v['deregister-previous'] ?? false,
    pushImages: v['push-images'] ?? false,
  };
}
