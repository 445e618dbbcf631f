/**
 * "Why is this job stuck?" on a RUNNABLE job of the Local or AWS view (or a graph node): reads the
 * job, its queue, the queue's compute environments and the queue's other active jobs through the
 * job's own Batch client (the emulator's or the AWS view's; src/client/stuck-input.ts), explains
 * with src/model/stuck.ts and shows the answer as a read-only Markdown document in the Markdown preview.
 */
import type { BatchClient } from '@aws-sdk/client-batch';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { readStuckInput } from '../../client/stuck-input';
import { explainStuck as explain, stuckMarkdown, type LocalCapacity, type StuckTarget } from '../../model/stuck';
import type { LocalSettingsFile } from '../../model/types';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { jobArg } from './jobArg';

const SCHEME = 'localbatch-explain';

/** Read-only documents of explanations, by URI (kept until the window closes; they are small). */
class ExplanationDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.emitter.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

let documents: ExplanationDocuments | undefined;

function explanationDocuments(ctx: Ctx): ExplanationDocuments {
  if (!documents) {
    const docs = new ExplanationDocuments();
    ctx.push(vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs));
    ctx.push({ dispose: () => (documents = undefined) });
    documents = docs;
  }
  return documents;
}

/** The command: from a job element of the Local or AWS view. */
export async function explainStuck(ctx: Ctx, ...args: unknown[]): Promise<void> {
  const node = await jobArg(ctx, args);
  const local = node.target.batch === ctx.emulator.connection?.batch;
  await explainStuckJob(ctx, node.target.batch, node.job.jobId!, local ? 'local' : 'aws');
}

/** What localbatch.yaml (or this machine) gives the local emulator, as `localbatch serve` reads it. */
function localCapacity(ctx: Ctx): LocalCapacity {
  const settings = ctx.index.all().filter((f) => f.kind.kind === 'settings').sort((a, b) => a.doc.file.length - b.doc.file.length)[0];
  const capacity = (settings?.doc.value as LocalSettingsFile | undefined)?.capacity;
  const vcpus = typeof capacity?.vcpus === 'number' ? capacity.vcpus : undefined;
  const memoryMiB = typeof capacity?.memoryMiB === 'number' ? capacity.memoryMiB : undefined;
  const file = settings?.doc.file ?? 'localbatch.yaml';
  return {
    vcpus: vcpus ?? os.availableParallelism(),
    memoryMiB: memoryMiB ?? Math.floor(os.totalmem() / (1024 * 1024)),
    source: vcpus !== undefined || memoryMiB !== undefined ? `capacity in ${file}` : `this machine's CPUs and memory; set capacity in ${file} to change it`,
  };
}

export async function explainStuckJob(ctx: Ctx, batch: BatchClient, jobId: string, target: StuckTarget): Promise<void> {
  const text = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'LocalBatch: reading the job queue' }, async () => {
    const input = await readStuckInput(batch, jobId, target, target === 'local' ? localCapacity(ctx) : undefined);
    if (!input) throw new UserError(`Job ${jobId} was not found.`);
    const explanation = explain(input);
    ctx.output.info(`why stuck: ${explanation.jobName} (${jobId}): ${explanation.verdict}: ${explanation.summary}`);
    return { markdown: stuckMarkdown(explanation, target), name: explanation.jobName };
  });
  const uri = vscode.Uri.from({ scheme: SCHEME, path: `/Why ${text.name.replace(/[/\\]/g, '-')} is stuck.md`, query: jobId });
  explanationDocuments(ctx).set(uri, text.markdown);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  }
}
