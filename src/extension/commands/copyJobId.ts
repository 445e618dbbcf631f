import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { anyJobArg } from './jobArg';

export async function copyJobId(ctx: Ctx, arg: unknown): Promise<void> {
  await vscode.env.clipboard.writeText(anyJobArg(ctx, arg).job.jobId!);
}
