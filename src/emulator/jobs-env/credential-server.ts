/**
 * The credentials endpoint containers read (ECS's container credentials protocol): `GET
 * /v1/credentials/<grant id>` with the grant's token in `Authorization` answers
 * `{ AccessKeyId, SecretAccessKey, Token, Expiration, RoleArn }`. Bound to the container network's
 * gateway address only; never logs a token or a credential.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CredentialRefused, type CredentialBroker } from './credentials';

export const CREDENTIALS_PATH = '/v1/credentials/';

export interface CredentialServer {
  readonly host: string;
  readonly port: number;
  /** The FULL_URI for one grant. */
  uriFor(grantId: string): string;
  close(): Promise<void>;
}

/** `port`: the one to listen on if free (the previous run's, so re-attached containers' URIs still work); else any. */
export async function startCredentialServer(broker: CredentialBroker, host: string, log: (line: string) => void = () => undefined, port?: number): Promise<CredentialServer> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || !path.startsWith(CREDENTIALS_PATH)) return reply(404, { Code: 'NotFound', Message: 'No such endpoint' });
    const token = req.headers.authorization;
    broker.credentials(path.slice(CREDENTIALS_PATH.length), typeof token === 'string' ? token : undefined).then(
      (c) => reply(200, { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken, Expiration: c.expiration.toISOString(), RoleArn: c.roleArn }),
      (err: unknown) => {
        if (err instanceof CredentialRefused) return reply(403, { Code: 'AccessDenied', Message: 'The authorization token is not valid for these credentials' });
        log(`localbatch credentials: could not renew a job's credentials: ${err instanceof Error ? err.name : 'error'}`);
        reply(500, { Code: 'InternalError', Message: 'localbatch could not renew the credentials' });
      },
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  if (port) {
    try {
      await listen(port);
    } catch {
      log(`localbatch credentials: port ${port} of the previous run is taken; containers re-attached from it cannot renew their credentials`);
      await listen(0);
    }
  } else await listen(0);
  const bound = (server.address() as AddressInfo).port;
  return {
    host,
    port: bound,
    uriFor: (grantId) => `http://${host}:${bound}${CREDENTIALS_PATH}${grantId}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
