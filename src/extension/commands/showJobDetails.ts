import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { describeJob } from './describeJob';
import { jobArg } from './jobArg';

export async function showJobDetails(_ctx: Ctx, arg: unknown): Promise<void> {
  const job = await describeJob(jobArg(arg));
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(job, null, 2) + '\n' });
  await vscode.window.showTextDocument(doc, { preview: true });
}
