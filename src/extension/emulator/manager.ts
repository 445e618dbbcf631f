/**
 * The connection to the workspace's emulator: attaches to a running `localbatch serve` (found by its
 * endpoint.json and answering its health check) or starts one (detached: it outlives the window, see
 * serveProcess.ts), keeps a Batch client and the live event stream, and stops it on request (a
 * graceful stop: jobs are kept for the next start). State changes, job events and SNS messages are published.
 */
import { BatchClient } from '@aws-sdk/client-batch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { readEndpoint, type EmulatorEndpoint } from '../../client/endpoint';
import { processAlive, serveLockHolder } from '../../client/serve-lock';
import { subscribeEvents, type EventSubscription, type JobStateChangeEvent } from '../../client/events';
import { dockerProblem } from '../../client/job-display';
import type { SnsNotification } from '../../client/sns-messages';
import { checkHealth } from '../../client/signed-http';
import type { Settings } from '../config';
import { UserError } from '../errors';
import { serveLogPath, serveLogSize, serveLogTail, spawnServe } from './serveProcess';

export type EmulatorState = 'stopped' | 'starting' | 'running' | 'stopping';

export interface EmulatorConnection {
  readonly endpoint: EmulatorEndpoint;
  readonly batch: BatchClient;
  readonly logs: CloudWatchLogsClient;
  /** Whether this window started the server (and so owns its process). */
  readonly owned: boolean;
}

const START_TIMEOUT_MS = 30_000;
const START_POLL_MS = 200;
const RESUBSCRIBE_DELAY_MS = 1000;
const STOP_TIMEOUT_MS = 15_000;
const OWNED_PID_KEY = 'localbatch.emulator.startedPid';


export class EmulatorManager implements vscode.Disposable {
  private stateValue: EmulatorState = 'stopped';
  private conn: EmulatorConnection | undefined;
  private child: ChildProcess | undefined;
  private events: EventSubscription | undefined;
  private dockerWarned = false;
  private disposed = false;
  private readonly stateChanged = new vscode.EventEmitter<EmulatorState>();
  private readonly jobEvent = new vscode.EventEmitter<JobStateChangeEvent>();
  private readonly snsMessage = new vscode.EventEmitter<SnsNotification>();
  readonly onDidChangeState = this.stateChanged.event;
  readonly onJobEvent = this.jobEvent.event;
  /** A message published to one of the emulator's SNS topics. */
  readonly onSnsMessage = this.snsMessage.event;

  /** `memory` keeps the pid of the server this workspace's window started, so it stays "ours" across reloads. */
  constructor(
    private readonly cliPath: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly memory?: vscode.Memento,
  ) {}

  get state(): EmulatorState {
    return this.stateValue;
  }

  get connection(): EmulatorConnection | undefined {
    return this.conn;
  }

  /** The connection, or a UserError offering to start the emulator. */
  requireConnection(): EmulatorConnection {
    if (this.conn && this.stateValue === 'running') return this.conn;
    throw new UserError('The LocalBatch emulator is not running.', { 'Start Emulator': 'localbatch.startEmulator' });
  }

  /** Attaches to a healthy emulator in the state directory; false when there is none. */
  async attach(settings: Settings): Promise<boolean> {
    if (!settings.emulatorStateDir || this.conn) return this.conn !== undefined;
    let endpoint: EmulatorEndpoint;
    try {
      endpoint = await readEndpoint(settings.emulatorStateDir);
      const health = await checkHealth(endpoint);
      if (!health.ok) return false;
      this.reportDocker(health.body);
    } catch {
      return false;
    }
    this.connect(endpoint, endpoint.pid !== undefined && this.memory?.get<number>(OWNED_PID_KEY) === endpoint.pid);
    return true;
  }

  /** Attaches, or starts `localbatch serve` and waits (with a deadline) until it answers. */
  async start(settings: Settings, cwd: string | undefined): Promise<void> {
    if (this.stateValue === 'running' || this.stateValue === 'starting') return;
    const stateDir = settings.emulatorStateDir;
    if (!stateDir) throw new UserError('Open a folder first: the emulator keeps its state in the workspace (.localbatch/).');
    this.setState('starting');
    try {
      if (await this.attach(settings)) return;
      // A stale endpoint.json (its server died) is replaced by the new server, which holds the
      // state directory's lock first; removing it here could hide a live but slow server.
      const spawn = () => {
        const logOffset = serveLogSize(stateDir);
        const child = spawnServe({ cliPath: this.cliPath, stateDir, port: settings.emulatorPort, idleShutdownSeconds: settings.emulatorIdleShutdownSeconds, cwd, log: this.log });
        this.child = child;
        const started = { child, logOffset, exited: undefined as string | undefined };
        child.on('exit', (code, signal) => {
          started.exited = `exited with ${signal ?? `code ${code}`}`;
          this.log.info(`localbatch serve ${started.exited}`);
          if (this.child === child) {
            this.child = undefined;
            if (this.conn?.owned) this.disconnect();
          }
        });
        child.on('error', (err) => (started.exited = err.message));
        return started;
      };
      let current = spawn();
      let spawns = 1;
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (Date.now() < deadline && !this.disposed) {
        if (await this.attach(settings)) {
          const conn = this.conn;
          if (conn && conn.endpoint.pid === current.child.pid) {
            this.conn = { ...conn, owned: true };
            await this.memory?.update(OWNED_PID_KEY, current.child.pid);
          }
          return;
        }
        if (current.exited) {
          // Refused because another emulator (a terminal's) held the state directory while it
          // started or stopped: attach to it once it answers, or start again once it is gone.
          if (!serveLogTail(stateDir, current.logOffset).some((line) => /already serving/.test(line))) break;
          if (serveLockHolder(stateDir) === undefined && spawns < 3) {
            current = spawn();
            spawns++;
          }
        }
        await new Promise((r) => setTimeout(r, START_POLL_MS));
      }
      current.child.kill();
      // The server's own last line (e.g. "Docker is not reachable at … Start Docker …") is what the
      // user needs to read when it stops before it is ready.
      const lastError = serveLogTail(stateDir, current.logOffset)[0] ?? '';
      if (current.exited) throw new Error(lastError ? lastError.replace(/^localbatch serve: /, 'The emulator could not start: ') : `localbatch serve ${current.exited} before it was ready (see ${serveLogPath(stateDir)})`);
      throw new Error(`localbatch serve did not answer within ${START_TIMEOUT_MS / 1000} s`);
    } catch (err) {
      if ((this.stateValue as EmulatorState) === 'starting') this.setState('stopped');
      throw err;
    }
  }

  /**
   * Stops the emulator gracefully (SIGTERM: queued jobs stay queued, running containers keep
   * running for the next start), whether this window, an earlier one or a terminal started it,
   * and waits (bounded) until its process is gone.
   */
  async stop(): Promise<void> {
    const conn = this.conn;
    if (conn?.endpoint.owner === 'run') {
      // Its SIGTERM would interrupt that run (its jobs terminated), as `localbatch stop` says too.
      throw new UserError(`This emulator is a localbatch run's own (pid ${conn.endpoint.pid ?? '?'}): it stops when that run ends. To end the run early, press Ctrl-C where it runs.`);
    }
    this.setState('stopping');
    const pid = this.child?.pid ?? conn?.endpoint.pid;
    this.disconnect();
    await this.memory?.update(OWNED_PID_KEY, undefined);
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
        const deadline = Date.now() + STOP_TIMEOUT_MS;
        while (Date.now() < deadline && processAlive(pid)) await new Promise((r) => setTimeout(r, 100));
      } catch (err) {
        this.log.warn(`could not stop process ${pid}: ${String(err)}`);
      }
    }
    this.setState('stopped');
  }

  private connect(endpoint: EmulatorEndpoint, owned: boolean): void {
    const config = { endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials };
    this.conn = { endpoint, owned, batch: new BatchClient(config), logs: new CloudWatchLogsClient(config) };
    this.log.info(`connected to the emulator at ${endpoint.url}${endpoint.version ? ` (version ${endpoint.version})` : ''}`);
    this.subscribe();
    this.setState('running');
  }

  private subscribe(): void {
    const conn = this.conn;
    if (!conn) return;
    this.events = subscribeEvents(conn.endpoint, {
      onEvent: (e) => this.jobEvent.fire(e),
      onNotification: (m) => this.snsMessage.fire(m),
      onClose: (err) => {
        if (this.conn !== conn || this.disposed) return;
        this.log.info(`event stream closed${err ? `: ${err.message}` : ''}`);
        setTimeout(() => void this.recover(conn), RESUBSCRIBE_DELAY_MS);
      },
    });
  }

  /** After the event stream closed: resubscribe if the server is still there, else we are stopped. */
  private async recover(conn: EmulatorConnection): Promise<void> {
    if (this.conn !== conn) return;
    const alive = await checkHealth(conn.endpoint).then((h) => h.ok, () => false);
    if (this.conn !== conn) return;
    if (alive) this.subscribe();
    else {
      this.disconnect();
      this.setState('stopped');
    }
  }

  private disconnect(): void {
    this.events?.close();
    this.events = undefined;
    this.conn?.batch.destroy();
    this.conn?.logs.destroy();
    this.conn = undefined;
    this.child = undefined;
    if (this.stateValue === 'running') this.setState('stopped');
  }

  private reportDocker(healthBody: unknown): void {
    const problem = dockerProblem(healthBody);
    if (!problem || this.dockerWarned) return;
    this.dockerWarned = true;
    this.log.warn(`Docker: ${problem}`);
    void vscode.window.showWarningMessage(
      `LocalBatch: the emulator cannot reach Docker (${problem}). Attempts that start before it is back fail. Start Docker (for example \`sudo systemctl start docker\` or Docker Desktop), make sure your user may use /var/run/docker.sock or DOCKER_HOST, then restart the emulator.`,
    );
  }

  private setState(state: EmulatorState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    void vscode.commands.executeCommand('setContext', 'localbatch.emulatorState', state);
    this.stateChanged.fire(state);
  }

  dispose(): void {
    this.disposed = true;
    // The server outlives the window (a reload attaches to it again); Stop Emulator stops it.
    this.disconnect();
    this.stateChanged.dispose();
    this.jobEvent.dispose();
    this.snsMessage.dispose();
  }
}
