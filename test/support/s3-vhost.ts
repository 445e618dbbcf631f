/** A signed GET in virtual-hosted style (`<bucket>.localhost:<port>`), sent to the loopback address whatever the resolver says. */
import { request } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { S3Harness } from './s3-harness';

export async function fetchVirtualHosted(h: S3Harness, host: string, path: string): Promise<{ status: number; length: number }> {
  const signer = new SignatureV4({ credentials: h.api.credentials, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false });
  const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: host.split(':')[0], path, headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  const { port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: signed.headers }, (res) => {
      let length = 0;
      res.on('data', (c: Buffer) => (length += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, length }));
    });
    req.on('error', reject);
    req.end();
  });
}
