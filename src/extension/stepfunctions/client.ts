/**
 * The Step Functions client of the local emulator: the same endpoint, region and keys as its Batch
 * client (the emulator serves both on one port), made once per connection.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { EmulatorConnection } from '../emulator/manager';

const clients = new WeakMap<EmulatorConnection, SFNClient>();

export function sfnClientOf(conn: EmulatorConnection): SFNClient {
  let client = clients.get(conn);
  if (!client) {
    client = new SFNClient({ endpoint: conn.endpoint.url, region: conn.endpoint.region, credentials: conn.endpoint.credentials });
    clients.set(conn, client);
  }
  return client;
}
