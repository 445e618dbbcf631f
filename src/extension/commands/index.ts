/** The command table: each command lives in its own file; all share one error handling. */
import type { Ctx } from '../ctx';
import { registerCommand, type CommandHandler } from './command';
import { notAvailable } from './notAvailable';

const COMMANDS: ReadonlyArray<[string, CommandHandler]> = [
  ['localbatch.showDag', notAvailable('The dependency graph view', 'it arrives with the DAG issue')],
  ['localbatch.deploy', notAvailable('Deploying to AWS Batch', 'it arrives with the deploy issue; `localbatch deploy` will do the same from the CLI')],
];

export function registerCommands(ctx: Ctx): void {
  for (const [id, handler] of COMMANDS) registerCommand(ctx, id, handler);
}
