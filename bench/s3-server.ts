/** The local S3 alone in a child process (so its CPU time is its own): prints `{url, accessKeyId, secretAccessKey}` and serves until killed. */
import { loadOrCreateCredentials } from '../src/emulator/edge/credentials';
import { startApiServer } from '../src/emulator/edge/server';
import { S3Service } from '../src/emulator/s3/service';
import { FileLogStore } from '../src/emulator/store/log-store';

// Exiting normally on SIGTERM lets `--cpu-prof` write its profile.
process.on('SIGTERM', () => process.exit(0));

void (async () => {
  const stateDir = process.argv[2];
  const credentials = loadOrCreateCredentials(stateDir, 'us-east-1');
  const s3 = new S3Service({ stateDir, accountId: '123456789012', region: 'us-east-1' });
  const server = await startApiServer({
    port: 0,
    credentials,
    batch: {},
    logs: new FileLogStore(stateDir),
    events: { subscribe: () => () => undefined },
    accountId: '123456789012',
    region: 'us-east-1',
    version: 'bench',
    services: [s3],
    log: () => undefined,
  });
  process.stdout.write(JSON.stringify({ url: server.url, accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey }) + '\n');
})();
