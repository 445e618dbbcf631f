/**
 * What AWS's EventBridge and Scheduler APIs do not expose, from the emulator's EventBridge endpoint
 * (localbatch's own `AWSEvents.Localbatch*` operations, the ones `localbatch events list|fire` use):
 * the next firing of each rule and schedule, their last deliveries, and firing one now.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import * as http from 'node:http';
import type { EmulatorEndpoint } from './endpoint';

export interface Delivery {
  /** ISO 8601. */
  readonly time: string;
  readonly status: string;
  readonly targetArn?: string;
  readonly attempts?: number;
  readonly detail?: string;
}

/** A rule or schedule as `LocalbatchList` answers it. */
export interface LocalSchedule {
  readonly Name: string;
  readonly State: string;
  readonly ScheduleExpression?: string;
  readonly EventPattern?: string;
  readonly Timezone?: string;
  /** ISO 8601; absent when it never fires again (or has no schedule). */
  readonly Next?: string;
  readonly Targets?: readonly string[];
  readonly Target?: string;
  /** Newest first. */
  readonly LastDeliveries: readonly Delivery[];
}

export interface LocalRulesList {
  readonly Rules: readonly LocalSchedule[];
  readonly Schedules: readonly LocalSchedule[];
}

/** A signed awsJson1_1 request to the emulator's EventBridge (`X-Amz-Target: AWSEvents.<op>`). */
export async function callEvents(endpoint: EmulatorEndpoint, op: string, body: unknown, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const url = new URL(endpoint.url + '/');
  const text = JSON.stringify(body);
  const signer = new SignatureV4({ credentials: endpoint.credentials, region: endpoint.region, service: 'events', sha256: Sha256 });
  const headers = { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${op}` };
  const signed = await signer.sign({ method: 'POST', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: '/', headers, body: text });
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...(signed.headers as Record<string, string>), 'content-length': String(Buffer.byteLength(text)) }, timeout: timeoutMs }, (res) => {
      let answer = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (answer += c));
      res.on('end', () => {
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(answer) as Record<string, unknown>;
        } catch {
          // keep {}
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(parsed);
        else reject(new Error(String(parsed.message ?? parsed.Message ?? `the emulator answered HTTP ${status} to ${op}`)));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${endpoint.url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(text);
  });
}

/** Rules and schedules with their next firing and last deliveries. */
export async function listLocalRules(endpoint: EmulatorEndpoint): Promise<LocalRulesList> {
  const out = await callEvents(endpoint, 'LocalbatchList', {});
  const list = (v: unknown): LocalSchedule[] => (Array.isArray(v) ? (v as LocalSchedule[]).filter((x) => typeof x?.Name === 'string').map((x) => ({ ...x, LastDeliveries: Array.isArray(x.LastDeliveries) ? x.LastDeliveries : [] })) : []);
  return { Rules: list(out.Rules), Schedules: list(out.Schedules) };
}

/** Fires a rule's targets (a "Scheduled Event") or a schedule's target now. */
export async function fireNow(endpoint: EmulatorEndpoint, name: string): Promise<'rule' | 'schedule'> {
  const out = await callEvents(endpoint, 'LocalbatchFire', { Name: name });
  return out.Fired === 'schedule' ? 'schedule' : 'rule';
}
