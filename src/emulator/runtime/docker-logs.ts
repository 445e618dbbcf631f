/**
 * Turns Docker's multiplexed attach/logs stream (TTY off) into log lines.
 *
 * Frame format: 8-byte header [streamType, 0, 0, 0, size (uint32 big-endian)] then `size` bytes.
 * streamType 1 = stdout, 2 = stderr. Lines are split per stream on "\n" (a trailing "\r" is
 * dropped) and decoded as UTF-8 only once complete, so multi-byte characters split across frames
 * or chunks survive. A last line without a newline is emitted by `end()`.
 */

import type { LogEvent, LogSink } from '../batch/core/ports';

export type StreamKind = 'stdout' | 'stderr';

export interface LogLine {
  readonly stream: StreamKind;
  readonly text: string;
}

const HEADER = 8;

export class DockerStreamDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  private readonly partial: Record<StreamKind, Buffer[]> = { stdout: [], stderr: [] };

  /** Feeds raw bytes from the Docker stream; returns the lines completed by them. */
  push(chunk: Buffer): LogLine[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: LogLine[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER) {
      const type = this.pending[offset];
      const size = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - HEADER < size) break;
      const payload = this.pending.subarray(offset + HEADER, offset + HEADER + size);
      offset += HEADER + size;
      // 0 (stdin) cannot occur without a TTY on output; treat anything but stderr as stdout.
      this.splitLines(type === 2 ? 'stderr' : 'stdout', payload, lines);
    }
    this.pending = offset === this.pending.length ? Buffer.alloc(0) : Buffer.from(this.pending.subarray(offset));
    return lines;
  }

  /** Flushes unterminated last lines (stdout first, then stderr). */
  end(): LogLine[] {
    const lines: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream];
      if (rest.length > 0) {
        lines.push({ stream, text: stripCr(Buffer.concat(rest).toString('utf8')) });
        this.partial[stream] = [];
      }
    }
    return lines;
  }

  private splitLines(stream: StreamKind, payload: Buffer, out: LogLine[]): void {
    let start = 0;
    for (let nl = payload.indexOf(0x0a, start); nl !== -1; nl = payload.indexOf(0x0a, start)) {
      const piece = payload.subarray(start, nl);
      const parts = this.partial[stream];
      const line = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
      this.partial[stream] = [];
      out.push({ stream, text: stripCr(line.toString('utf8')) });
      start = nl + 1;
    }
    if (start < payload.length) this.partial[stream].push(Buffer.from(payload.subarray(start)));
  }
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

/**
 * Reads a Docker multiplexed stream to its end, appending each line to `sink` under `logStreamName`
 * as it arrives (one append per received chunk). Resolves when the stream has ended and every line,
 * including an unterminated last one, has been appended. Never rejects.
 */
export function pumpLogs(
  stream: NodeJS.ReadableStream,
  sink: LogSink,
  logStreamName: string,
  now: () => number = Date.now,
): Promise<void> {
  const demux = new DockerStreamDemuxer();
  const emit = (lines: LogLine[]): void => {
    if (lines.length === 0) return;
    const timestamp = now();
    const events: LogEvent[] = lines.map((l) => ({ timestamp, message: l.text }));
    sink.append(logStreamName, events);
  };
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      emit(demux.end());
      resolve();
    };
    stream.on('data', (chunk: Buffer | string) => emit(demux.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)));
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
}
