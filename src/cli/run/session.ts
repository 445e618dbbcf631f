/**
 * The emulator a CLI command talks to: the `localbatch serve` already running on the state
 * directory, or else one started in this process for as long as the command runs. Either way the
 * command speaks the AWS Batch API to it, like every other client.
 */
import { BatchClient } from '@aws-sdk/client-batch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { readEndpoint, type EmulatorEndpoint } from '../../client/endpoint';
import { checkHealth } from '../../client/signed-http';
import { AlreadyServingError, LocalService } from '../../emulator/service';
import type { EmulatorHost } from '../../emulator/host';
import type { LocalSettingsFile } from '../../model/types';
import { ScriptedRuntime } from '../../emulator/runtime/scripted';
import { systemClock } from '../../emulator/clock/clock';

export type RuntimeKind = 'docker' | 'scripted';

export interface Session {
  readonly endpoint: EmulatorEndpoint;
  readonly batch: BatchClient;
  readonly logs: CloudWatchLogsClient;
  /** Set when this process runs the emulator (no server was running). */
  readonly host?: EmulatorHost;
  /**
   * A shared emulator that stopped (`localbatch stop`, Ctrl-C where it ran, a crash): waits until
   * `until` (or `cancelled()`) for an emulator to answer on the state directory again (on any port),
   * then talks to that one: true once it does. Unset for this process's own emulator.
   */
  readonly reconnect?: (until: number, cancelled: () => boolean) => Promise<boolean>;
  close(): Promise<void>;
}

export function clientsFor(endpoint: EmulatorEndpoint): { batch: BatchClient; logs: CloudWatchLogsClient } {
  const config = { endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 2 };
  return { batch: new BatchClient(config), logs: new CloudWatchLogsClient(config) };
}

/** A running server on this state directory, if there is one that answers. */
export async function attach(stateDir: string): Promise<EmulatorEndpoint | undefined> {
  let endpoint: EmulatorEndpoint;
  try {
    endpoint = await readEndpoint(stateDir);
  } catch {
    return undefined;
  }
  const health = await checkHealth(endpoint).catch(() => undefined);
  return health?.ok ? endpoint : undefined;
}

/** A running server to share: not another `localbatch run`'s own emulator, which stops with its run. */
async function shared(stateDir: string): Promise<EmulatorEndpoint | undefined> {
  const endpoint = await attach(stateDir);
  return endpoint?.owner === 'run' ? undefined : endpoint;
}

/**
 * `shared`: an emulator this command starts serves others too, as `serve` does (a `run` that stays
 * live until Ctrl-C); otherwise it is this run's own, which other runs do not use.
 */
export async function openSession(options: { stateDir: string; settings?: LocalSettingsFile; runtime?: RuntimeKind; log?: (line: string) => void; workspaceRoot?: string; shared?: boolean }): Promise<Session> {
  const deadline = Date.now() + OTHER_START_WAIT_MS;
  let waiting = false;
  for (;;) {
    const running = await shared(options.stateDir);
    if (running) return sharedSession(options.stateDir, running);
    try {
      const service = await LocalService.start({
        stateDir: options.stateDir,
        settings: options.settings,
        workspaceRoot: options.workspaceRoot,
        runtime: options.runtime === 'scripted' ? (logs) => new ScriptedRuntime({ clock: systemClock(), logs, record: false }) : undefined,
        log: options.log,
        ...(options.shared ? {} : { owner: 'run' as const }),
      });
      const clients = clientsFor(service.endpoint);
      return {
        endpoint: service.endpoint,
        ...clients,
        host: service.host,
        close: async () => {
          destroy(clients);
          await service.close();
        },
      };
    } catch (err) {
      // Another emulator holds the state directory while it starts (a `serve` in another terminal,
      // the editor's) or stops: submit to it once it answers, or start one once it is gone.
      // (another host's emulator does not go away by waiting)
      if (!(err instanceof AlreadyServingError) || err.holder === 'other-host' || Date.now() > deadline) throw err;
      if (!waiting) {
        const other = await attach(options.stateDir);
        console.error(other?.owner === 'run'
          ? `localbatch: another localbatch run (pid ${other.pid ?? '?'}) is using ${options.stateDir} with its own emulator until its run ends; waiting up to ${OTHER_START_WAIT_MS / 1000} s for it (to run several at once, start localbatch serve there: runs share it)`
          : `localbatch: another emulator is starting or stopping on ${options.stateDir}; waiting up to ${OTHER_START_WAIT_MS / 1000} s for it`);
      }
      waiting = true;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** A session on the shared emulator `endpoint` serving `stateDir`, which follows it to a restart. */
function sharedSession(stateDir: string, endpoint: EmulatorEndpoint): Session {
  let current = endpoint;
  let clients = clientsFor(endpoint);
  return {
    get endpoint() {
      return current;
    },
    get batch() {
      return clients.batch;
    },
    get logs() {
      return clients.logs;
    },
    reconnect: async (until, cancelled) => {
      while (!cancelled() && Date.now() < until) {
        const back = await shared(stateDir);
        if (back) {
          destroy(clients);
          current = back;
          clients = clientsFor(back);
          return true;
        }
        await new Promise((r) => setTimeout(r, RECONNECT_POLL_MS));
      }
      return false;
    },
    close: async () => destroy(clients),
  };
}

const RECONNECT_POLL_MS = 500;

/** How long `run` waits for an emulator that is starting or stopping on its state directory. */
const OTHER_START_WAIT_MS = 60_000;

function destroy(clients: { batch: BatchClient; logs: CloudWatchLogsClient }): void {
  clients.batch.destroy();
  clients.logs.destroy();
}
