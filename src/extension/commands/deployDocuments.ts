import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { readSettings } from '../config';
import type { AwsTarget, WithProgress } from '../../deploy/flows';
import type { DeployFlows } from '../lazy';

/** Read-only documents for the deploy diff editor: "current in AWS" and "after deploy". */
export const DEPLOY_SCHEME = 'localbatch-deploy';

class DeployDocuments implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.docs.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '';
  }
}

let provider: DeployDocuments | undefined;

/** Shows the two sides in a diff editor (the provider is registered on first use). */
export async function showPlanDiff(ctx: Ctx, region: string, current: string, after: string): Promise<void> {
  if (!provider) {
    const p = new DeployDocuments();
    provider = p;
    ctx.push(vscode.workspace.registerTextDocumentContentProvider(DEPLOY_SCHEME, p));
    ctx.push({ dispose: () => (provider = provider === p ? undefined : provider) });
  }
  const left = vscode.Uri.from({ scheme: DEPLOY_SCHEME, path: `/${region}/current in AWS.yaml` });
  const right = vscode.Uri.from({ scheme: DEPLOY_SCHEME, path: `/${region}/after deploy.yaml` });
  provider.set(left, current);
  provider.set(right, after);
  await vscode.commands.executeCommand('vscode.diff', left, right, `AWS Batch ${region}: current ↔ after deploy`, { preview: true });
}

/** The AWS target from the settings (profile, endpoint), in a region the user picks when several are listed. */
export async function pickAwsTarget(flows: DeployFlows): Promise<AwsTarget> {
  const s = readSettings();
  let region = s.awsRegions[0];
  if (s.awsRegions.length > 1) {
    region = (await vscode.window.showQuickPick([...s.awsRegions], { placeHolder: 'Which AWS region?' })) ?? '';
    if (!region) throw new vscode.CancellationError();
  }
  return flows.openAwsTarget({ region, profile: s.awsProfile, endpointUrl: s.awsEndpointUrl });
}

/** The flows' progress as a VS Code notification titled "LocalBatch: <title>". */
export const notificationProgress: WithProgress = (title, task) =>
  Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `LocalBatch: ${title}` }, (progress) => task((message) => progress.report({ message }))));
