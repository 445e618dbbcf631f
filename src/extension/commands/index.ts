/** The command table: each command lives in its own file; all share one error handling. */
import type { Ctx } from '../ctx';
import { showDag } from '../dag/showDag';
import { addAwsRegion } from './addAwsRegion';
import { cancelJob } from './cancelJob';
import { registerCommand, type CommandHandler } from './command';
import { copyJobArn } from './copyJobArn';
import { copyJobId } from './copyJobId';
import { interruptJob } from './interruptJob';
import { deploy } from './deploy';
import { explainStuck } from './explainStuck';
import { loadMore } from './loadMore';
import { openDefinition } from './openDefinition';
import { disableRule, downloadObject, enableRule, fireNow, openMessage, openObject, registerPipelineDocuments, showMessageJob } from './pipeline';
import { refresh, refreshAws, refreshDefinitions, refreshLocal } from './refresh';
import { removeAwsRegion } from './removeAwsRegion';
import { rerun, rerunFailed } from './rerun';
import { resubmitJob } from './resubmitJob';
import { runJobDefinition } from './runJobDefinition';
import { runWorkflow } from './runWorkflow';
import { selectAwsProfile } from './selectAwsProfile';
import { showError } from './showError';
import { showJobDetails } from './showJobDetails';
import { showLogs } from './showLogs';
import { startEmulator } from './startEmulator';
import { showOutput, statusBarMenu } from './statusBarMenu';
import { stopEmulator } from './stopEmulator';
import { submitToAws } from './submitToAws';
import { terminateAllJobs } from './terminateAllJobs';
import { terminateJob } from './terminateJob';
import { STATE_MACHINE_COMMANDS } from '../stepfunctions/commands';

const COMMANDS: ReadonlyArray<[string, CommandHandler]> = [
  ['localbatch.startEmulator', startEmulator],
  ['localbatch.stopEmulator', stopEmulator],
  ['localbatch.runWorkflow', runWorkflow],
  ['localbatch.runJobDefinition', runJobDefinition],
  ['localbatch.showLogs', showLogs],
  ['localbatch.refresh', refresh],
  ['localbatch.local.refresh', refreshLocal],
  ['localbatch.definitions.refresh', refreshDefinitions],
  ['localbatch.aws.refresh', refreshAws],
  ['localbatch.retry', refresh],
  ['localbatch.loadMore', loadMore],
  ['localbatch.terminateJob', terminateJob],
  ['localbatch.interruptJob', interruptJob],
  ['localbatch.terminateAllJobs', terminateAllJobs],
  ['localbatch.cancelJob', cancelJob],
  ['localbatch.resubmitJob', resubmitJob],
  ['localbatch.copyJobId', copyJobId],
  ['localbatch.copyJobArn', copyJobArn],
  ['localbatch.showJobDetails', showJobDetails],
  ['localbatch.openDefinition', openDefinition],
  ['localbatch.selectAwsProfile', selectAwsProfile],
  ['localbatch.addAwsRegion', addAwsRegion],
  ['localbatch.removeAwsRegion', removeAwsRegion],
  ['localbatch.showDag', showDag],
  ['localbatch.explainStuck', explainStuck],
  ['localbatch.deploy', deploy],
  ['localbatch.submitToAws', submitToAws],
  ['localbatch.rerun', rerun],
  ['localbatch.rerunFailed', rerunFailed],
  ['localbatch.statusBarMenu', statusBarMenu],
  ['localbatch.showOutput', showOutput],
  ['localbatch.showError', showError],
  ...STATE_MACHINE_COMMANDS,
  ['localbatch.openObject', openObject],
  ['localbatch.downloadObject', downloadObject],
  ['localbatch.openMessage', openMessage],
  ['localbatch.showMessageJob', showMessageJob],
  ['localbatch.fireNow', fireNow],
  ['localbatch.enableRule', enableRule],
  ['localbatch.disableRule', disableRule],
];

export function registerCommands(ctx: Ctx): void {
  for (const [id, handler] of COMMANDS) registerCommand(ctx, id, handler);
  registerPipelineDocuments(ctx);
}
