/**
 * AWS SDK clients for the emulator's S3, EventBridge, Scheduler and SNS, made on first use for the
 * current connection (the SDK packages load lazily, see scripts/build.mjs) and dropped when the
 * connection changes. S3 is addressed path-style: the endpoint is 127.0.0.1.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import type { EmulatorConnection } from '../../emulator/manager';

export interface PipelineClients {
  readonly s3: S3Client;
  readonly events: EventBridgeClient;
  readonly scheduler: SchedulerClient;
  readonly sns: SNSClient;
}

let cached: { conn: EmulatorConnection; clients: PipelineClients } | undefined;

export function pipelineClients(conn: EmulatorConnection): PipelineClients {
  if (cached?.conn === conn) return cached.clients;
  dropPipelineClients();
  const { endpoint } = conn;
  const config = { endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials };
  const clients: PipelineClients = {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    events: new EventBridgeClient(config),
    scheduler: new SchedulerClient(config),
    sns: new SNSClient(config),
  };
  cached = { conn, clients };
  return clients;
}

export function dropPipelineClients(): void {
  if (!cached) return;
  for (const c of Object.values(cached.clients) as Array<{ destroy(): void }>) c.destroy();
  cached = undefined;
}
