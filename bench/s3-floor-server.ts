/**
 * The clients' floor for the S3 benchmark: a server that does as little as an S3 endpoint can (no
 * signature checks, no hashing, no disk; bodies are read and dropped, objects are only their sizes,
 * GETs are served from one zero-filled buffer), so a client's time against it is the client's own
 * work. moto's time / this time is the highest ratio any server could reach in that step. Answers
 * just what the benchmark's clients send: CreateBucket, PutObject, multipart uploads, HeadObject,
 * GetObject (with ranges) and ListObjectsV2. Prints `{url}` and serves until killed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const ZEROS = Buffer.alloc(16 * 1024 * 1024);
const sizes = new Map<string, number>();
const uploads = new Map<string, number>();
let nextUpload = 0;

const xml = (root: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const ETAG = '"d41d8cd98f00b204e9800998ecf8427e"';

function send(res: ServerResponse, status: number, body = '', headers: Record<string, string | number> = {}): void {
  res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...(body ? { 'content-type': 'application/xml' } : {}), ...headers });
  res.end(body);
}

/** Bytes of data in the body (aws-chunked framing not counted). */
async function drain(req: IncomingMessage): Promise<number> {
  let n = 0;
  for await (const c of req) n += (c as Buffer).length;
  const decoded = req.headers['x-amz-decoded-content-length'];
  return typeof decoded === 'string' ? Number(decoded) : n;
}

async function body(res: ServerResponse, size: number, start: number, end: number, status: number): Promise<void> {
  res.writeHead(status, { 'content-length': end - start + 1, etag: ETAG, 'last-modified': new Date(0).toUTCString(), 'accept-ranges': 'bytes', ...(status === 206 ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) });
  let left = end - start + 1;
  while (left > 0) {
    const n = Math.min(left, ZEROS.length);
    left -= n;
    if (!res.write(ZEROS.subarray(0, n))) await new Promise((r) => res.once('drain', r));
  }
  res.end();
}

function list(res: ServerResponse, bucket: string, q: URLSearchParams): void {
  const prefix = q.get('prefix') ?? '';
  const token = q.get('continuation-token');
  const after = token ? Buffer.from(token, 'base64url').toString() : '';
  const all = [...sizes.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1)).sort();
  const page = all.filter((k) => k > after).slice(0, 1000);
  const truncated = page.length === 1000 && page[999] !== all[all.length - 1];
  const items = page.map((k) => `<Contents><Key>${esc(k)}</Key><LastModified>1970-01-01T00:00:00.000Z</LastModified><ETag>${ETAG}</ETag><Size>${sizes.get(`${bucket}/${k}`)}</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('');
  const next = truncated ? `<NextContinuationToken>${Buffer.from(page[999]).toString('base64url')}</NextContinuationToken>` : '';
  send(res, 200, xml('ListBucketResult', `<Name>${esc(bucket)}</Name><Prefix>${esc(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>${truncated}</IsTruncated>${items}${next}`));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://floor');
  const q = url.searchParams;
  const path = decodeURIComponent(url.pathname.slice(1));
  const slash = path.indexOf('/');
  const bucket = slash < 0 ? path : path.slice(0, slash);
  const key = slash < 0 ? '' : path.slice(slash + 1);
  const id = `${bucket}/${key}`;
  if (!key) {
    if (req.method === 'GET') return list(res, bucket, q);
    await drain(req);
    return send(res, 200);
  }
  if (req.method === 'POST' && q.has('uploads')) {
    await drain(req);
    const uploadId = `u${nextUpload++}`;
    uploads.set(uploadId, 0);
    return send(res, 200, xml('InitiateMultipartUploadResult', `<Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><UploadId>${uploadId}</UploadId>`));
  }
  if (req.method === 'POST' && q.has('uploadId')) {
    await drain(req);
    sizes.set(id, uploads.get(q.get('uploadId')!) ?? 0);
    return send(res, 200, xml('CompleteMultipartUploadResult', `<Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><ETag>"d41d8cd98f00b204e9800998ecf8427e-1"</ETag>`));
  }
  if (req.method === 'PUT') {
    const n = await drain(req);
    const uploadId = q.get('uploadId');
    if (uploadId !== null) uploads.set(uploadId, (uploads.get(uploadId) ?? 0) + n);
    else sizes.set(id, n);
    return send(res, 200, '', { etag: ETAG });
  }
  const size = sizes.get(id);
  if (size === undefined) return send(res, 404, xml('Error', '<Code>NoSuchKey</Code>'));
  if (req.method === 'HEAD') return send(res, 200, '', { 'content-length': size, etag: ETAG, 'last-modified': new Date(0).toUTCString() });
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (range) return body(res, size, Number(range[1]), Math.min(range[2] ? Number(range[2]) : size - 1, size - 1), 206);
  return body(res, size, 0, size - 1, 200);
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => res.destroy());
});
process.on('SIGTERM', () => process.exit(0));
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` }) + '\n');
});
