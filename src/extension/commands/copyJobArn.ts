import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { anyJobArg } from './jobArg';

export async function copyJobArn(ctx: Ctx, ...args: unknown[]): Promise<void> {
  const { job } = await anyJobArg(ctx, args);
  await vscode.env.clipboard.writeText(job.jobArn ?? job.jobId!);
}
