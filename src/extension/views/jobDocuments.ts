/**
 * Job Details as read-only documents (`localbatch-job:` URIs): DescribeJobs' answer as JSON (for a
 * SageMaker training service job, DescribeServiceJob's), with an ISO-8601 time next to each
 * epoch-millisecond one. Opening the same job again shows it fresh.
 */
import * as vscode from 'vscode';
import { withIsoTimes } from '../../client/display-text';
import { describeServiceJob } from '../../client/service-jobs';
import { describeJob } from '../commands/describeJob';
import { UserError } from '../errors';
import type { JobNode } from './jobNodes';
import { isServiceJobNode, type ServiceJobNode } from './serviceJobNodes';

export const JOB_DOCUMENT_SCHEME = 'localbatch-job';

export class JobDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly nodes = new Map<string, JobNode | ServiceJobNode>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(JOB_DOCUMENT_SCHEME, this);
  readonly onDidChange = this.changed.event;

  async show(node: JobNode | ServiceJobNode): Promise<void> {
    const where = node.target.label.replace(/[^\w.-]+/g, '-');
    const name = `${node.job.jobName ?? 'job'}-${node.job.jobId}`.replace(/[^\w.:-]+/g, '_');
    const uri = vscode.Uri.from({ scheme: JOB_DOCUMENT_SCHEME, path: `/${where}/${name}.json` });
    const known = this.nodes.has(uri.toString());
    this.nodes.set(uri.toString(), node);
    if (known) this.changed.fire(uri);
    const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'json');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const node = this.nodes.get(uri.toString());
    if (!node) return '// This job is no longer open in LocalBatch: show its details again from the Local or AWS view.\n';
    return JSON.stringify(withIsoTimes(isServiceJobNode(node) ? await describeService(node) : await describeJob(node)), null, 2) + '\n';
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

async function describeService(node: ServiceJobNode): Promise<unknown> {
  const detail = await describeServiceJob(node.target.batch, node.job.jobId!);
  if (!detail) throw new UserError(`Service job ${node.job.jobId} is no longer known to the ${node.target.label}.`);
  return detail;
}
