/** `localbatch submit <workflow>`: submits a workflow's jobs to AWS Batch in dependency order. */
import path from 'node:path';
import { formatDiagnostic, hasErrors } from '../../model/diagnostics';
import { awsErrorMessage, loadWorkflowToSubmit, NotDeployedError, openAwsTarget, runSubmit } from '../../deploy/flows';
import { HELP_OPTION, parseCommandArgs } from '../args';
import { CliError } from '../errors';
import { confirm } from './deploy';
import type { CliCommand } from './index';

const HELP = `Usage: localbatch submit <workflow> [--region R] [--profile P] [--endpoint-url URL] [--yes]

Submits the jobs of a workflow file (*.workflow.json|yaml|yml) to AWS Batch, each after the jobs it
depends on, with dependsOn names mapped to the job ids AWS returns, and prints the job ids. The job
definitions and queues must exist there (run \`localbatch deploy\` first): a job definition named
without a revision uses its latest ACTIVE revision.

Options:
  --region R          AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region)
  --profile P         profile from ~/.aws/config and ~/.aws/credentials (default: the standard chain)
  --endpoint-url URL  another Batch endpoint (e.g. moto_server, localbatch serve)
  --yes, -y           submit without asking (needed when standard input is not a terminal)
  --json              print the submitted jobs as JSON: [{ name, jobName, jobId }]
  -h, --help          show this help`;

export const submitCommand: CliCommand = {
  name: 'submit',
  summary: 'submit a workflow to AWS Batch (after deploy)',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(
      {
        args,
        allowPositionals: true,
        options: {
          region: { type: 'string' },
          profile: { type: 'string' },
          'endpoint-url': { type: 'string' },
          yes: { type: 'boolean', short: 'y', default: false },
          json: { type: 'boolean', default: false },
          ...HELP_OPTION,
        },
      },
      HELP,
    );
    if (!parsed) return 0;
    if (parsed.positionals.length !== 1) throw new CliError(`expected exactly one workflow file\n\n${HELP}`, 2);
    const file = parsed.positionals[0];
    const abs = path.resolve(file);
    if (!/\.workflow\.(json|ya?ml)$/i.test(abs)) throw new CliError(`${file} is not a workflow file (*.workflow.json|yaml|yml)`, 2);
    const loaded = await loadWorkflowToSubmit(abs, process.cwd());
    for (const d of loaded.diagnostics) console.error(formatDiagnostic(d));
    if (hasErrors(loaded.diagnostics)) {
      console.error('localbatch submit: the definitions have errors; nothing was submitted.');
      return 1;
    }
    const workflow = loaded.workflow;
    if (!workflow) throw new CliError(`${file} holds no workflow`, 1);
    const target = await openAwsTarget({ region: parsed.values.region, profile: parsed.values.profile, endpointUrl: parsed.values['endpoint-url'] }).catch((err: unknown) => {
      throw new CliError(awsErrorMessage(err), 1);
    });
    try {
      const submitted = await runSubmit(target.batch, workflow, target.label, loaded.workspace, {
        withProgress: (_title, task) => task(() => undefined),
        confirm: async (plan) => {
          console.error(`Submitting ${plan.length} job${plan.length === 1 ? '' : 's'} of ${file} to AWS Batch in ${target.label}: ${plan.map((p) => p.name).join(', ')}`);
          return parsed.values.yes || confirm('Submit?');
        },
        submitted: (job) => {
          if (!parsed.values.json) console.log(`${job.name}\t${job.jobId}`);
        },
      });
      if (!submitted) return 1;
      if (parsed.values.json) console.log(JSON.stringify(submitted, null, 2));
      else console.error(`${submitted.length} job${submitted.length === 1 ? '' : 's'} submitted.`);
      return 0;
    } catch (err) {
      if (err instanceof CliError) throw err;
      if (err instanceof NotDeployedError) throw new CliError(err.message, 1);
      throw new CliError(`submit to ${target.label} failed: ${awsErrorMessage(err)}`, 1);
    } finally {
      target.destroy();
    }
  },
};
