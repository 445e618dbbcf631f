/**
 * The local S3 alone in a child process (test/integration/s3/fixtures/serve-s3.ts), for the tests
 * that SIGKILL it or read its memory: `serveS3` resolves once it prints its endpoint and
 * credentials, with a client for it; `killServed` SIGKILLs it and waits for it to be gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

export interface ServedS3 {
  readonly child: ChildProcess;
  readonly client: S3Client;
}

const FIXTURE = join(__dirname, '..', 'integration', 's3', 'fixtures', 'serve-s3.ts');

export function serveS3(stateDir: string): Promise<ServedS3> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (!out.includes('\n')) return;
      const info = JSON.parse(out.split('\n')[0]) as { url: string; accessKeyId: string; secretAccessKey: string };
      resolve({ child, client: new S3Client({ endpoint: info.url, region: 'us-east-1', forcePathStyle: true, credentials: info }) });
    });
    child.once('exit', (code) => reject(new Error(`the S3 server exited early (${code})`)));
  });
}

export async function killServed(s: ServedS3): Promise<void> {
  s.client.destroy();
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  await new Promise((resolve) => {
    s.child.once('exit', resolve);
    s.child.kill('SIGKILL');
  });
}
