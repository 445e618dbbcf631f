/**
 * Sends bytes [start, end] of a file as a response body with a few reused 1 MiB buffers: a buffer
 * is read into again only once the socket has taken it (res.write's callback), and reading waits
 * while the response is full, so memory stays flat and nothing is allocated per read.
 */
import { open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

const BUFFER = 1024 * 1024;
const BUFFERS = 4;

export async function sendFile(res: ServerResponse, path: string, start: number, end: number): Promise<void> {
  const fh = await open(path, 'r');
  const free: Buffer[] = [];
  let made = 0;
  let waiting: (() => void) | undefined;
  let gone = false;
  const onClose = () => {
    gone = true;
    waiting?.();
  };
  res.once('close', onClose);
  try {
    let pos = start;
    while (pos <= end && !gone) {
      let buf = free.pop();
      if (!buf && made < BUFFERS) {
        buf = Buffer.allocUnsafe(Math.min(BUFFER, end - start + 1));
        made++;
      }
      if (!buf) {
        await new Promise<void>((r) => (waiting = r));
        waiting = undefined;
        continue;
      }
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos + 1), pos);
      if (bytesRead === 0) {
        // the file shrank under us: cut the connection so the client sees a short body, not a hang
        res.destroy();
        return;
      }
      pos += bytesRead;
      const held = buf;
      const ok = res.write(held.subarray(0, bytesRead), () => {
        free.push(held);
        waiting?.();
      });
      if (!ok && !gone) await drained(res);
    }
    if (!gone) res.end();
  } finally {
    res.off('close', onClose);
    await fh.close();
  }
}

/** Resolves on 'drain' or 'close', whichever comes first, leaving no listener behind. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
