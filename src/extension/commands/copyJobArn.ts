import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { anyJobArg } from './jobArg';

export async function copyJobArn(ctx: Ctx, arg: unknown): Promise<void> {
  const { job } = anyJobArg(ctx, arg);
  await vscode.env.clipboard.writeText(job.jobArn ?? job.jobId!);
}
