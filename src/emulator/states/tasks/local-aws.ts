/**
 * Step Functions' S3 and EventBridge integrations against the emulator's own services, reached
 * through their HTTP APIs on the emulator's endpoint with the AWS SDK clients (SigV4-signed with the
 * emulator's credentials like any client), so each service's validation, durability and events stay
 * its own business and the states core knows none of them. The endpoint is known once the API
 * listens (`connect`, from the composition root); calls made before wait for it.
 *
 * The SDK clients are used (rather than hand-built requests) because they speak each protocol
 * (REST-XML, JSON 1.1) and name errors exactly as AWS does, which Step Functions' error
 * names are made from.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { StatesError } from '../core/errors';

export interface LocalEndpoint {
  readonly url: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

interface Clients {
  readonly s3: S3Client;
  readonly events: EventBridgeClient;
}

/** The error name Step Functions gives an SDK error: `<Service>.<Name>` with an `Exception` suffix. */
export function sdkErrorName(service: string, err: unknown): string {
  const name = (err as { name?: string } | undefined)?.name ?? 'UnknownError';
  return `${service}.${name.endsWith('Exception') ? name : `${name}Exception`}`;
}

function toStatesError(service: string, err: unknown): StatesError {
  if (err instanceof StatesError) return err;
  if ((err as { name?: string })?.name === 'AbortError') throw err;
  return new StatesError(sdkErrorName(service, err), (err as Error)?.message || String(err));
}

/** A JSON-safe copy of an SDK output without its `$metadata` (Dates become ISO strings). */
function plain(out: object): Record<string, unknown> {
  const { $metadata: _m, ...rest } = out as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

export class LocalAws {
  private resolve!: (c: Clients) => void;
  private readonly clients: Promise<Clients>;
  private connected?: Clients;

  constructor() {
    this.clients = new Promise((r) => (this.resolve = r));
  }

  /** The emulator's API listens at `endpoint` from now on. */
  connect(e: LocalEndpoint): void {
    const config = { endpoint: e.url, region: e.region, credentials: { accessKeyId: e.credentials.accessKeyId, secretAccessKey: e.credentials.secretAccessKey }, maxAttempts: 1 };
    this.connected = { s3: new S3Client({ ...config, forcePathStyle: true }), events: new EventBridgeClient(config) };
    this.resolve(this.connected);
  }

  close(): void {
    this.connected?.s3.destroy();
    this.connected?.events.destroy();
  }

  async getObjectText(bucket: string, key: string, signal?: AbortSignal, service = 'S3'): Promise<string> {
    const { s3 } = await this.clients;
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      return (await out.Body?.transformToString('utf8')) ?? '';
    } catch (err) {
      throw toStatesError(service, err);
    }
  }

  async listObjects(bucket: string, prefix: string | undefined, signal?: AbortSignal): Promise<NonNullable<ListObjectsV2CommandOutput['Contents']>> {
    const { s3 } = await this.clients;
    const all: NonNullable<ListObjectsV2CommandOutput['Contents']> = [];
    let token: string | undefined;
    try {
      do {
        const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal: signal });
        all.push(...(out.Contents ?? []));
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw toStatesError('S3', err);
    }
    return all;
  }

  async putObjectText(bucket: string, key: string, body: string, signal?: AbortSignal): Promise<void> {
    const { s3 } = await this.clients;
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }), { abortSignal: signal });
    } catch (err) {
      throw toStatesError('S3', err);
    }
  }

  /** `arn:aws:states:::aws-sdk:s3:<action>` for getObject, putObject and listObjectsV2. */
  async s3Sdk(action: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const { s3 } = await this.clients;
    try {
      if (action === 'getObject') {
        const out = await s3.send(new GetObjectCommand(params as never), { abortSignal: signal });
        const body = (await out.Body?.transformToString('utf8')) ?? '';
        return { ...plain({ ...out, Body: undefined }), Body: body };
      }
      if (action === 'putObject') {
        const body = params.Body === undefined || typeof params.Body === 'string' ? params.Body : JSON.stringify(params.Body);
        return plain(await s3.send(new PutObjectCommand({ ...(params as object), Body: body } as never), { abortSignal: signal }));
      }
      if (action === 'listObjectsV2') return plain(await s3.send(new ListObjectsV2Command(params as never), { abortSignal: signal }));
    } catch (err) {
      throw toStatesError('S3', err);
    }
    throw new StatesError('States.Runtime', `localbatch runs aws-sdk:s3 getObject, putObject and listObjectsV2 against the local S3, not ${action}; add a stand-in for it to a Step Functions Local mock file (SFN_MOCK_CONFIG)`);
  }

  /** EventBridge PutEvents; an entry's Detail that is not a string is sent as its JSON. */
  async putEvents(params: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const { events } = await this.clients;
    const entries = Array.isArray(params.Entries) ? (params.Entries as Array<Record<string, unknown>>) : [];
    const input = { ...params, Entries: entries.map((e) => ({ ...e, Detail: e.Detail === undefined || typeof e.Detail === 'string' ? e.Detail : JSON.stringify(e.Detail) })) } as PutEventsCommandInput;
    try {
      return plain(await events.send(new PutEventsCommand(input), { abortSignal: signal }));
    } catch (err) {
      throw toStatesError('EventBridge', err);
    }
  }
}
