/**
 * `localbatch events list` (rules and schedules of the running emulator, with their next firing and
 * last deliveries) and `localbatch events fire <name>` (fire a rule's targets or a schedule's target
 * now). Both talk to the emulator's EventBridge endpoint with localbatch's own signed operations.
 */
import path from 'node:path';
import * as http from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { EmulatorEndpoint } from '../../client/endpoint';
import { DEFAULT_STATE_DIR_NAME } from '../../emulator/store/state-dir';
import { findWorkspaceRoot } from '../../node/load-workspace';
import { HELP_OPTION, parseCommandArgs } from '../args';
import { CliError } from '../errors';
import { attach } from '../run/session';
import type { CliCommand } from './index';

const HELP = `Usage: localbatch events list [--state-dir DIR]
       localbatch events fire <rule-or-schedule-name> [--state-dir DIR]

list  shows the running emulator's EventBridge rules and Scheduler schedules with their next
      firing and last deliveries.
fire  delivers a rule's targets (a "Scheduled Event") or a schedule's target now.

Options:
  --state-dir DIR   emulator state: default .localbatch in the workspace root
  -h, --help        show this help`;

async function call(endpoint: EmulatorEndpoint, op: string, body: unknown): Promise<Record<string, unknown>> {
  const url = new URL(endpoint.url + '/');
  const text = JSON.stringify(body);
  const signer = new SignatureV4({ credentials: endpoint.credentials, region: endpoint.region, service: 'events', sha256: Sha256 });
  const signed = await signer.sign({ method: 'POST', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: '/', headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${op}` }, body: text });
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...(signed.headers as Record<string, string>), 'content-length': String(Buffer.byteLength(text)) }, timeout: 10_000 }, (res) => {
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
        if ((res.statusCode ?? 500) >= 400) reject(new CliError(String(parsed.message ?? `the emulator answered ${res.statusCode}`), 1));
        else resolve(parsed);
      });
    });
    req.on('timeout', () => req.destroy(new Error('the emulator did not answer within 10 s')));
    req.on('error', reject);
    req.end(text);
  });
}

interface Listed {
  Name: string;
  State: string;
  ScheduleExpression?: string;
  EventPattern?: string;
  Timezone?: string;
  Next?: string;
  Targets?: string[];
  Target?: string;
  LastDeliveries: Array<{ time: string; status: string; detail?: string }>;
}

function show(kind: string, items: Listed[]): void {
  console.log(`${kind} (${items.length})`);
  for (const r of items) {
    const when = r.ScheduleExpression ? `${r.ScheduleExpression}${r.Timezone ? ` ${r.Timezone}` : ''}, next ${r.State === 'DISABLED' ? '— (disabled)' : (r.Next ?? '— (none)')}` : `pattern ${r.EventPattern ?? ''}`;
    console.log(`  ${r.Name}  ${r.State}  ${when}`);
    console.log(`    → ${(r.Targets ?? (r.Target ? [r.Target] : [])).join(', ') || '(no targets)'}`);
    const last = r.LastDeliveries[0];
    if (last) console.log(`    last: ${last.time} ${last.status}${last.detail ? ` (${last.detail})` : ''}`);
  }
}

export const eventsCommand: CliCommand = {
  name: 'events',
  summary: 'list EventBridge rules and schedules with their next firing, or fire one now',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs({ args, options: { 'state-dir': { type: 'string' }, ...HELP_OPTION }, allowPositionals: true }, HELP);
    if (!parsed) return 0;
    const [sub, name, ...rest] = parsed.positionals;
    if ((sub !== 'list' && sub !== 'fire') || (sub === 'fire' && !name) || rest.length > 0 || (sub === 'list' && name)) throw new CliError(`${HELP}`, 2);
    const stateDir = path.resolve(parsed.values['state-dir'] ?? path.join(findWorkspaceRoot(process.cwd()) ?? process.cwd(), DEFAULT_STATE_DIR_NAME));
    const endpoint = await attach(stateDir);
    if (!endpoint) throw new CliError(`no emulator is running on ${stateDir}; start one with localbatch serve`, 1);
    if (sub === 'fire') {
      const out = await call(endpoint, 'LocalbatchFire', { Name: name });
      console.log(`localbatch events: fired ${String(out.Fired)} ${name}; see localbatch events list for the delivery`);
      return 0;
    }
    const out = (await call(endpoint, 'LocalbatchList', {})) as { Rules: Listed[]; Schedules: Listed[] };
    show('Rules', out.Rules);
    show('Schedules', out.Schedules);
    return 0;
  },
};
