/**
 * A unix-socket proxy in front of the real Docker socket, so a test can make "Docker" go away and
 * come back without touching the engine: kill() closes the listening socket and cuts every open
 * connection (as a crashed or restarting engine would), start() listens again on the same path.
 */
import { rmSync } from 'node:fs';
import net from 'node:net';

export class SocketProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  /** Connections accepted so far (a test can wait for its client to be connected). */
  accepted = 0;

  constructor(
    readonly path: string,
    private readonly target = '/var/run/docker.sock',
  ) {}

  get url(): string {
    return `unix://${this.path}`;
  }

  async start(): Promise<void> {
    rmSync(this.path, { force: true });
    const server = net.createServer((client) => {
      this.accepted++;
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    this.server = server;
  }

  /** Stops listening and cuts every connection now. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}
