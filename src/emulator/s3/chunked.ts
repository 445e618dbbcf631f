/**
 * Decodes an `aws-chunked` body as it streams: `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n`
 * … a zero-size chunk, then optional trailing headers (`x-amz-checksum-crc32:…`) and, for signed
 * streams, `x-amz-trailer-signature`. Chunk and trailer signatures are checked with the request's
 * `ChunkSigner` when the stream is signed. Data passes through without being gathered.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { ChunkSigner } from '../edge/stream-auth';
import { S3Error } from './errors';

const MAX_LINE = 4096;

const incomplete = (why: string) => new S3Error('IncompleteBody', 400, `The aws-chunked request body is malformed: ${why}.`);
const badChunkSignature = () =>
  new S3Error('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');

export class ChunkedDecoder extends Transform {
  /** Trailing headers, lower-cased names (complete once the stream has ended). */
  readonly trailers: Record<string, string> = {};
  private line: Buffer = Buffer.alloc(0);
  private state: 'size' | 'data' | 'data-crlf' | 'trailer' | 'done' = 'size';
  private remaining = 0;
  private previous: string;
  private chunkSig: string | undefined;
  private chunkHash: Hash | undefined;
  private trailerLines: string[] = [];

  constructor(private readonly signer: ChunkSigner | undefined) {
    super();
    this.previous = signer?.seed ?? '';
  }

  override _transform(buf: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.feed(buf, (piece) => this.push(piece));
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  /** Decodes `buf` without the stream machinery, handing each piece of data to `emit` (throws on a malformed body). */
  feed(buf: Buffer, emit: (piece: Buffer) => void): void {
    {
      let i = 0;
      while (i < buf.length) {
        if (this.state === 'data') {
          const n = Math.min(this.remaining, buf.length - i);
          const piece = buf.subarray(i, i + n);
          this.chunkHash?.update(piece);
          emit(piece);
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) {
            this.endChunk();
            this.state = 'data-crlf';
          }
          continue;
        }
        const nl = buf.indexOf(0x0a, i);
        const end = nl < 0 ? buf.length : nl + 1;
        this.line = this.line.length ? Buffer.concat([this.line, buf.subarray(i, end)]) : buf.subarray(i, end);
        i = end;
        if (nl < 0) {
          if (this.line.length > MAX_LINE) throw incomplete('a chunk header or trailer line is too long');
          this.line = Buffer.from(this.line);
          continue;
        }
        const text = this.line.toString('latin1').replace(/\r?\n$/, '');
        this.line = Buffer.alloc(0);
        this.onLine(text);
      }
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.finish();
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  /** Throws unless the body ended where it may end (after its final chunk). */
  finish(): void {
    if (this.state !== 'done' && !(this.state === 'trailer' && this.trailerLines.length === 0 && !this.signer)) throw incomplete('the body ended before its final chunk');
  }

  private onLine(text: string): void {
    switch (this.state) {
      case 'data-crlf':
        if (text !== '') throw incomplete('a chunk is longer than its declared size');
        this.state = 'size';
        return;
      case 'size': {
        const m = /^([0-9a-fA-F]+)(?:;chunk-signature=([0-9a-f]{64}))?$/.exec(text);
        if (!m) throw incomplete('a chunk header is not <hex size>[;chunk-signature=<signature>]');
        this.remaining = parseInt(m[1], 16);
        this.chunkSig = m[2];
        if (this.signer && !this.chunkSig) throw badChunkSignature();
        this.chunkHash = this.signer ? createHash('sha256') : undefined;
        if (this.remaining === 0) {
          this.endChunk();
          this.state = 'trailer';
        } else this.state = 'data';
        return;
      }
      case 'trailer': {
        if (text === '') {
          this.finishTrailers();
          this.state = 'done';
          return;
        }
        const colon = text.indexOf(':');
        if (colon <= 0) throw incomplete('a trailing header is not name:value');
        const name = text.slice(0, colon).trim().toLowerCase();
        const value = text.slice(colon + 1).trim();
        if (name === 'x-amz-trailer-signature') {
          if (this.signer) {
            const expected = this.signer.trailer(this.previous, this.trailerLines.map((l) => `${l}\n`).join(''));
            if (expected !== value) throw badChunkSignature();
          }
          return;
        }
        this.trailers[name] = value;
        this.trailerLines.push(`${name}:${value}`);
        return;
      }
      case 'done':
        if (text !== '') throw incomplete('data follows the final chunk');
        return;
      default:
        throw incomplete('unexpected line');
    }
  }

  private endChunk(): void {
    if (!this.signer || !this.chunkHash) return;
    const expected = this.signer.chunk(this.previous, this.chunkHash.digest('hex'));
    if (expected !== this.chunkSig) throw badChunkSignature();
    this.previous = expected;
  }

  private finishTrailers(): void {
    // Signed trailers are checked as the signature line arrives; nothing else to do.
  }
}
