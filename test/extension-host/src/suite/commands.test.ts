import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { contributedCommands, localbatch } from './util';

/** The command ids issue 5 requires at least. */
const REQUIRED = [
  'localbatch.startEmulator', 'localbatch.stopEmulator', 'localbatch.runWorkflow', 'localbatch.runJobDefinition',
  'localbatch.showDag', 'localbatch.deploy', 'localbatch.submitToAws', 'localbatch.showLogs', 'localbatch.refresh',
];

describe('LocalBatch commands (extension host)', () => {
  before(async () => {
    await localbatch().activate();
  });

  it('contributes the required commands', () => {
    const contributed = contributedCommands();
    assert.deepEqual(REQUIRED.filter((c) => !contributed.includes(c)), [], 'missing from contributes.commands');
  });

  it('registers every contributed command once activated', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributedCommands().filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], 'contributed but not registered');
  });
});
