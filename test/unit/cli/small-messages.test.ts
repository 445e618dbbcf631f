/** Small CLI messages of issue 24 item 6: unknown options get "did you mean", a missing file is "no such file" (exit 2). */
import assert from 'node:assert/strict';
import { HELP_OPTION, parseCommandArgs } from '../../../src/cli/args';
import { CliError } from '../../../src/cli/errors';
import { runCommand } from '../../../src/cli/commands/run';

describe('small CLI messages (unit)', () => {
  it('an unknown option names the closest known one', () => {
    const options = { 'state-dir': { type: 'string' }, json: { type: 'boolean' }, ...HELP_OPTION } as const;
    assert.throws(
      () => parseCommandArgs({ args: ['--stat-dir', 'x'], options }, 'HELP'),
      (e: unknown) => e instanceof CliError && e.exitCode === 2 && e.message.startsWith("unknown option '--stat-dir' (did you mean '--state-dir'?)\n\nHELP"),
    );
    assert.throws(
      () => parseCommandArgs({ args: ['--zzzzzzzz'], options }, 'HELP'),
      (e: unknown) => e instanceof CliError && e.message.startsWith("unknown option '--zzzzzzzz'\n"),
    );
  });

  it('run of a file that does not exist is "no such file", exit 2', async () => {
    await assert.rejects(runCommand.run(['does-not-exist.workflow.yaml']), (e: unknown) => e instanceof CliError && e.exitCode === 2 && e.message === 'no such file: does-not-exist.workflow.yaml');
  });
});
