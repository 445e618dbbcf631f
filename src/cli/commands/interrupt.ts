/** `localbatch interrupt <job-id>`: rehearses a Spot interruption of a running local job. */
import path from 'node:path';
import { interruptJob } from '../../client/interrupt';
import { DEFAULT_STATE_DIR_NAME } from '../../emulator/store/state-dir';
import { findWorkspaceRoot } from '../../node/load-workspace';
import { HELP_OPTION, parseCommandArgs } from '../args';
import { CliError } from '../errors';
import { attach } from '../run/session';
import type { CliCommand } from './index';

const HELP = `Usage: localbatch interrupt <job-id> [--state-dir DIR]

Rehearses a Spot interruption (or the loss of the instance) of a STARTING or RUNNING job on the
local emulator: its container is killed and the attempt fails with the status reason
"Host EC2 (instance i-...) terminated.", as on AWS. The job's retry strategy then decides: an
evaluateOnExit entry with onStatusReason "Host EC2*" and action RETRY starts another attempt, so
checkpoint-and-resume code can be tested. Array children are <array-job-id>:<index>.

Needs a running emulator (\`localbatch serve\`, a \`localbatch run\` in progress, or the editor's).
\`localbatch run --interrupt-rate R\` interrupts attempts at random during a run instead.

Options:
  --state-dir DIR   emulator state: default .localbatch in the workspace root
  -h, --help        show this help`;

export const interruptCommand: CliCommand = {
  name: 'interrupt',
  summary: 'rehearse a Spot interruption of a running local job (its attempt fails "Host EC2 ... terminated.")',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs({ args, allowPositionals: true, options: { 'state-dir': { type: 'string' }, ...HELP_OPTION } }, HELP);
    if (!parsed) return 0;
    if (parsed.positionals.length !== 1) throw new CliError(`expected one job id\n\n${HELP}`, 2);
    const stateDir = path.resolve(parsed.values['state-dir'] ?? path.join(findWorkspaceRoot(process.cwd()) ?? process.cwd(), DEFAULT_STATE_DIR_NAME));
    const endpoint = await attach(stateDir);
    if (!endpoint) throw new CliError(`no emulator is running on ${stateDir}: start one with \`localbatch serve\` (or run the job with \`localbatch run\`)`, 1);
    try {
      const r = await interruptJob(endpoint, parsed.positionals[0]);
      console.log(`${r.jobId}: ${r.statusReason}`);
      return 0;
    } catch (err) {
      throw new CliError(`cannot interrupt ${parsed.positionals[0]}: ${err instanceof Error ? err.message : String(err)}`, 1);
    }
  },
};
