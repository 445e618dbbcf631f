/**
 * The training runner's `s3://` channels and outputs, served by the local S3 through its own HTTP
 * API (ListObjectsV2, GetObject, PutObject, SigV4-signed with the emulator's credentials like any
 * client), so the objects, their metadata, durability and S3's EventBridge events stay the S3
 * service's business. Wired in the composition root (service.ts): created before the host, so a
 * training job restored at start waits for the endpoint, which is known once the API listens.
 *
 * A channel's `S3Uri` is an S3 prefix as SageMaker reads it (S3DataType S3Prefix): every object
 * whose key starts with it, each written under the channel folder at its key's path after the
 * prefix (a key equal to the prefix keeps its file name).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import * as http from 'node:http';
import { dirname, join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { TrainingS3 } from './runtime/training';

export interface LocalS3Endpoint {
  readonly url: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** `s3://bucket/key` → its parts; throws a ClientError-style message for anything else. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`ClientError: ${uri} is not an s3:// URI (s3://bucket/prefix)`);
  return { bucket: m[1], key: m[2] };
}

/** Where an object of the prefix goes inside the channel folder; undefined when its key escapes it. */
export function channelPathOf(prefix: string, key: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  let rel = key.slice(prefix.length).replace(/^\/+/, '');
  if (rel === '') rel = posix.basename(key);
  if (rel === '' || key.endsWith('/')) return undefined;
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return undefined;
  return parts.join('/');
}

export class LocalTrainingS3 implements TrainingS3 {
  private resolveEndpoint!: (e: LocalS3Endpoint) => void;
  private readonly endpoint: Promise<LocalS3Endpoint>;

  constructor() {
    this.endpoint = new Promise((resolve) => (this.resolveEndpoint = resolve));
  }

  /** The local S3 listens at `endpoint` from now on. */
  connect(endpoint: LocalS3Endpoint): void {
    this.resolveEndpoint(endpoint);
  }

  async download(uri: string, folder: string): Promise<void> {
    const { bucket, key: prefix } = parseS3Uri(uri);
    const parser = new XMLParser({ isArray: (name) => name === 'Contents' });
    let token: string | undefined;
    let found = 0;
    do {
      const query: Record<string, string> = { 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) };
      const res = await this.request('GET', bucket, '', query);
      const text = await bodyText(res);
      if (res.statusCode !== 200) throw new Error(`ClientError: cannot read ${uri} from the local S3: ${s3Error(text, res.statusCode)}`);
      const list = (parser.parse(text) as { ListBucketResult?: { Contents?: Array<{ Key?: unknown }>; IsTruncated?: unknown; NextContinuationToken?: unknown } }).ListBucketResult;
      for (const c of list?.Contents ?? []) {
        const key = String(c.Key ?? '');
        const rel = channelPathOf(prefix, key);
        if (rel === undefined) continue;
        const target = join(folder, ...rel.split('/'));
        mkdirSync(dirname(target), { recursive: true });
        const got = await this.request('GET', bucket, key);
        if (got.statusCode !== 200) throw new Error(`ClientError: cannot read s3://${bucket}/${key} from the local S3: ${s3Error(await bodyText(got), got.statusCode)}`);
        await pipeline(got, createWriteStream(target));
        found++;
      }
      token = String(list?.IsTruncated) === 'true' && list?.NextContinuationToken ? String(list.NextContinuationToken) : undefined;
    } while (token);
    if (found === 0) throw new Error(`ClientError: no objects under ${uri} in the local S3 (put the channel's data there first)`);
  }

  async upload(file: string, uri: string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    const size = statSync(file).size;
    const res = await this.request('PUT', bucket, key, {}, { 'content-length': String(size), 'content-type': 'application/x-gzip' }, () => createReadStream(file));
    const text = await bodyText(res);
    if (res.statusCode !== 200) throw new Error(`ClientError: cannot write ${uri} to the local S3: ${s3Error(text, res.statusCode)}`);
  }

  private async request(method: 'GET' | 'PUT', bucket: string, key: string, query: Record<string, string> = {}, headers: Record<string, string> = {}, body?: () => NodeJS.ReadableStream): Promise<http.IncomingMessage> {
    const e = await this.endpoint;
    const url = new URL(e.url);
    const path = `/${encodeURIComponent(bucket)}${key ? `/${key.split('/').map(encodeURIComponent).join('/')}` : ''}`;
    const signer = new SignatureV4({ credentials: e.credentials, region: e.region, service: 's3', sha256: Sha256, uriEscapePath: false });
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path,
      query,
      headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers },
    });
    const qs = Object.entries(query).map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
    return new Promise((resolve, reject) => {
      const req = http.request({ method, hostname: url.hostname, port: url.port, path: `${path}${qs ? `?${qs}` : ''}`, headers: signed.headers as Record<string, string> }, resolve);
      req.on('error', reject);
      if (body) {
        const stream = body();
        stream.on('error', (err) => req.destroy(err));
        stream.pipe(req);
      } else req.end();
    });
  }
}

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function bodyText(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

function s3Error(xml: string, status: number | undefined): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
  return code ? `${code}${message ? `: ${message}` : ''}` : `HTTP ${String(status)}`;
}
