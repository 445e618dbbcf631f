/**
 * Opening what the pipeline groups list, without touching the user's workspace: an S3 object that is
 * text opens read-only as `localbatch-s3:/<bucket>/<key>` (GetObject through the emulator's S3); a
 * binary or large one is downloaded under the extension's storage (`<storage>/s3/<bucket>/<key>`)
 * and opened from there. An SNS message opens read-only as `localbatch-sns:/<topic>/<message id>`.
 */
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { topicName, type SnsNotification } from '../../../client/sns-messages';
import type { EmulatorManager } from '../../emulator/manager';
import { downloadPath, looksLikeText } from './bucketRows';
import { pipelineClients } from './clients';
import { messageDocument } from './topicRows';

export const S3_SCHEME = 'localbatch-s3';
export const SNS_SCHEME = 'localbatch-sns';
/** Larger objects are downloaded rather than shown as a text document. */
export const MAX_TEXT_BYTES = 5 * 1024 * 1024;

export class PipelineDocuments implements vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly emulator: EmulatorManager,
    /** Where downloads go (the extension's storage). */
    private readonly storageDir: string,
  ) {
    const provider: vscode.TextDocumentContentProvider = { provideTextDocumentContent: (uri) => this.content(uri) };
    this.disposables = [vscode.workspace.registerTextDocumentContentProvider(S3_SCHEME, provider), vscode.workspace.registerTextDocumentContentProvider(SNS_SCHEME, provider)];
  }

  /** Opens s3://bucket/key: read-only text when it is text and at most 5 MB, else downloaded (or when `download`). */
  async openObject(bucket: string, key: string, download = false): Promise<void> {
    const conn = this.emulator.requireConnection();
    const { s3 } = pipelineClients(conn);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    if (!download && (head.ContentLength ?? 0) <= MAX_TEXT_BYTES) {
      const bytes = await this.read(bucket, key);
      if (looksLikeText(bytes)) {
        const uri = vscode.Uri.from({ scheme: S3_SCHEME, path: `/${bucket}/${key}` });
        this.texts.set(uri.toString(), new TextDecoder().decode(bytes));
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
        return;
      }
    }
    const file = downloadPath(this.storageDir, bucket, key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, await this.read(bucket, key), { mode: 0o600 });
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
  }

  async openMessage(m: SnsNotification): Promise<void> {
    const uri = vscode.Uri.from({ scheme: SNS_SCHEME, path: `/${topicName(m.TopicArn)}/${m.MessageId}` });
    this.texts.set(uri.toString(), messageDocument(m));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  }

  private async read(bucket: string, key: string): Promise<Uint8Array> {
    const { s3 } = pipelineClients(this.emulator.requireConnection());
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) return new Uint8Array();
    return out.Body.transformToByteArray();
  }

  private async content(uri: vscode.Uri): Promise<string> {
    const known = this.texts.get(uri.toString());
    if (known !== undefined) return known;
    // Reopened after a reload: read the object again (messages are not kept).
    if (uri.scheme === S3_SCHEME) {
      const [, bucket, ...rest] = uri.path.split('/');
      const bytes = await this.read(bucket, rest.join('/'));
      return new TextDecoder().decode(bytes);
    }
    return 'This message is no longer held by the editor; open it again from the Topics group of the Local view.';
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
