/**
 * `localbatch events list` (rules and schedules of the running emulator, with their next firing and
 * last deliveries) and `localbatch events fire <name>` (fire a rule's targets or a schedule's target
 * now). Both talk to the emulator's EventBridge endpoint with localbatch's own signed operations.
 */
import path from 'node:path';
import type { EmulatorEndpoint } from '../../client/endpoint';
import { callEvents } from '../../client/rules';
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

/** The emulator's EventBridge (src/client/rules.ts, shared with the editor); its errors as CLI errors. */
async function call(endpoint: EmulatorEndpoint, op: string, body: unknown): Promise<Record<string, unknown>> {
  return callEvents(endpoint, op, body).catch((err: unknown) => {
    throw new CliError(err instanceof Error ? err.message : String(err), 1);
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
