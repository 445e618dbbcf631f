import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { anyJobArg } from './jobArg';

export async function copyJobId(ctx: Ctx, ...args: unknown[]): Promise<void> {
  await vscode.env.clipboard.writeText((await anyJobArg(ctx, args)).job.jobId!);
}
