/**
 * The edge with the local S3 on an ephemeral loopback port (Batch handlers empty), over a temp state
 * directory, plus helpers to run the real AWS CLI and boto3 against it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { S3Service } from '../../src/emulator/s3/service';
import type { S3Event } from '../../src/emulator/s3/events';
import { type ApiHarness, startHarness, TEST_ACCOUNT, TEST_REGION } from './api-harness';

export interface S3Harness {
  readonly api: ApiHarness;
  readonly s3: S3Service;
  readonly url: string;
  readonly work: string;
  /** A declared bucket `declared` lives here. */
  readonly declaredDir: string;
  readonly events: S3Event[];
  client(extra?: Record<string, unknown>): S3Client;
  /** Runs `aws` (asynchronously: the server runs in this process). */
  cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }>;
  env(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** `declaredDir`: where the declared bucket's folder is (default: beside the state directory). */
export async function startS3(opts: { declaredDir?: string } = {}): Promise<S3Harness> {
  const work = mkdtempSync(join(tmpdir(), 'localbatch-s3-'));
  const stateDir = join(work, 'state');
  const declaredDir = opts.declaredDir ?? join(work, 'data', 'declared');
  mkdirSync(stateDir, { recursive: true });
  const s3 = new S3Service({ stateDir, accountId: TEST_ACCOUNT, region: TEST_REGION, buckets: { declared: { path: declaredDir, eventBridge: true } } });
  const events: S3Event[] = [];
  s3.subscribe((e) => events.push(e));
  const api = await startHarness({}, { services: [s3] });
  const url = api.server.url;
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    AWS_ACCESS_KEY_ID: api.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: api.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: TEST_REGION,
    AWS_REGION: TEST_REGION,
    AWS_ENDPOINT_URL: url,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  return {
    api,
    s3,
    url,
    work,
    declaredDir,
    events,
    client: (extra = {}) =>
      new S3Client({ endpoint: url, region: TEST_REGION, forcePathStyle: true, credentials: { accessKeyId: api.credentials.accessKeyId, secretAccessKey: api.credentials.secretAccessKey }, ...extra }),
    cli: (args) => runProcess('aws', args, env()),
    env,
    close: async () => {
      s3.close();
      await api.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
  });
}
