/**
 * A fake ContainerRuntime for tests and benchmarks: containers "run" on an injected Clock and behave
 * as their command says, using a tiny subset of `sh` that a busybox image runs the same way, so one
 * conformance suite proves both this runtime and the Docker one.
 *
 * Convention (a spec's command, or the image's default CMD when the command is empty):
 *   ['sh', '-c', script] runs `script`; any other argv runs as one statement without expansion.
 *   Statements are separated by `;`, `&&` or newlines. Supported:
 *     echo ARGS...        one log line ($VAR / ${VAR} expanded outside single quotes)
 *     sleep N             N seconds (fractions allowed) on the clock
 *     exit N | true | false
 *     trap "" TERM        SIGTERM is ignored from then on (only SIGKILL stops it)
 *     tail /dev/zero      grows memory until the OOM killer stops it: exit 137, oomKilled
 *     anything else       `sh: X: not found`, exit 127
 *   SIGTERM stops a container with exit 143, SIGKILL with 137 (as under `docker run --init`).
 *   Images whose name contains `does-not-exist`, or listed in `missingImages`, cannot be pulled.
 *
 * Tests may also script a behaviour per image or per predicate with `script()`; a scripted behaviour
 * wins over the command.
 *
 * Like Docker, a container keeps its whole output and goes on running after `detach()`; `attach()`
 * (e.g. by a new engine using the same runtime, as after a restart) delivers the lines the LogSink
 * does not hold yet and follows it again.
 */
import type {
  Clock,
  ContainerExit,
  ContainerRuntime,
  ContainerSignal,
  ContainerSpec,
  ContainerState,
  ImageProgress,
  LogEvent,
  LogSink,
  ManagedContainer,
  RunningContainer,
  TimerHandle,
} from '../batch/core/ports';

export interface ScriptedBehaviour {
  readonly exitCode?: number;
  /** How long the container runs before exiting, on the clock. */
  readonly durationMs?: number;
  readonly oom?: boolean;
  readonly logs?: readonly string[];
  readonly ignoreSigterm?: boolean;
  /** `start` rejects with this message. */
  readonly startError?: string;
}

export interface ScriptedRuntimeOptions {
  readonly clock: Clock;
  readonly logs: LogSink;
  readonly missingImages?: readonly string[];
  /** Default CMD per image; `localbatch-busybox:latest` (and any other image) defaults to `sh`. */
  readonly defaultCommands?: Readonly<Record<string, readonly string[]>>;
  /** Time ensureImage takes for an image not yet pulled. */
  readonly pullDelayMs?: number;
  /** Keep every started spec in `started` (off for benchmarks). Default true. */
  readonly record?: boolean;
}

type Step =
  | { readonly kind: 'log'; readonly text: string }
  | { readonly kind: 'sleep'; readonly ms: number }
  | { readonly kind: 'exit'; readonly code: number; readonly oom?: boolean }
  | { readonly kind: 'ignoreTerm' }
  | { readonly kind: 'nop' };

interface Live {
  readonly spec: ContainerSpec;
  readonly steps: readonly Step[];
  pc: number;
  ignoreTerm: boolean;
  timer?: TimerHandle;
  done: boolean;
  resolve: (exit: ContainerExit) => void;
  readonly startedAt: number;
  finishedAt?: number;
  exit?: ContainerExit;
  /** Everything it printed (what `docker logs` would show). */
  readonly output: LogEvent[];
  /** The stream it is followed into, or undefined while detached. */
  following?: string;
}

type Matcher = (spec: ContainerSpec) => boolean;

export class ScriptedRuntime implements ContainerRuntime {
  readonly started: ContainerSpec[] = [];
  readonly signals: Array<{ readonly id: string; readonly signal: ContainerSignal }> = [];
  readonly pulled = new Set<string>();
  removedCount = 0;
  private readonly live = new Map<string, Live>();
  private readonly scripts: Array<{ match: Matcher; behaviour: (spec: ContainerSpec) => ScriptedBehaviour }> = [];
  private seq = 0;

  constructor(private readonly options: ScriptedRuntimeOptions) {}

  /** Scripts every container whose image equals `image` (or that `match` accepts). Later scripts win. */
  script(match: string | Matcher, behaviour: ScriptedBehaviour | ((spec: ContainerSpec) => ScriptedBehaviour)): void {
    const m: Matcher = typeof match === 'string' ? (s) => s.image === match : match;
    this.scripts.unshift({ match: m, behaviour: typeof behaviour === 'function' ? behaviour : () => behaviour });
  }

  /** Containers started and not yet exited. */
  get running(): number {
    let n = 0;
    for (const c of this.live.values()) if (!c.done) n++;
    return n;
  }

  /** Containers started and not yet removed. */
  get existing(): number {
    return this.live.size;
  }

  async ensureImage(image: string, onProgress?: (p: ImageProgress) => void): Promise<void> {
    if (image.includes('does-not-exist') || this.options.missingImages?.includes(image)) {
      throw new Error(`CannotPullContainerError: pull image manifest has been retried 5 time(s): ${image}: not found`);
    }
    if (this.pulled.has(image)) return;
    onProgress?.({ image, message: 'Pulling' });
    const delay = this.options.pullDelayMs ?? 0;
    if (delay > 0) await new Promise<void>((resolve) => this.options.clock.setTimer(delay, resolve));
    this.pulled.add(image);
    onProgress?.({ image, message: 'Pull complete' });
  }

  async start(spec: ContainerSpec): Promise<RunningContainer> {
    const scripted = this.scripts.find((s) => s.match(spec))?.behaviour(spec);
    if (scripted?.startError) throw new Error(scripted.startError);
    if (this.options.record !== false) this.started.push(spec);
    const id = `scripted-${++this.seq}`;
    const steps = scripted ? stepsOf(scripted) : parseCommand(this.commandOf(spec), spec.environment);
    let resolve!: (exit: ContainerExit) => void;
    const exited = new Promise<ContainerExit>((r) => (resolve = r));
    const c: Live = { spec, steps, pc: 0, ignoreTerm: scripted?.ignoreSigterm ?? false, done: false, resolve, startedAt: this.options.clock.now(), output: [], following: spec.logStreamName };
    this.live.set(id, c);
    this.step(c);
    return spec.network ? { id, exited, ipAddress: `10.99.0.${this.seq % 250 + 2}` } : { id, exited };
  }

  /** Networks that exist (made by createNetwork, not yet removed). */
  readonly networkNames = new Set<string>();
  private readonly networkLabels = new Map<string, Readonly<Record<string, string>>>();

  async createNetwork(name: string, labels: Readonly<Record<string, string>> = {}): Promise<void> {
    if (this.networkNames.has(name)) throw new Error(`network ${name} already exists`);
    this.networkNames.add(name);
    this.networkLabels.set(name, { ...labels });
  }

  async removeNetwork(name: string): Promise<void> {
    this.networkNames.delete(name);
    this.networkLabels.delete(name);
  }

  /** Names of the volumes removed (emptyDir volumes of ended attempts), in order. */
  readonly removedVolumes: string[] = [];

  async removeVolume(name: string): Promise<void> {
    this.removedVolumes.push(name);
  }

  async networks(labels: Readonly<Record<string, string>>): Promise<Array<{ name: string; labels: Readonly<Record<string, string>> }>> {
    return [...this.networkLabels].filter(([, l]) => Object.entries(labels).every(([k, v]) => l[k] === v)).map(([name, l]) => ({ name, labels: l }));
  }

  async signal(containerId: string, signal: ContainerSignal): Promise<void> {
    const c = this.live.get(containerId);
    if (!c || c.done) return;
    this.signals.push({ id: containerId, signal });
    if (signal === 'SIGTERM' && c.ignoreTerm) return;
    this.finish(c, { exitCode: signal === 'SIGKILL' ? 137 : 143, oomKilled: false });
  }

  async remove(containerId: string): Promise<void> {
    const c = this.live.get(containerId);
    if (!c) return;
    if (!c.done) this.finish(c, { exitCode: 137, oomKilled: false });
    this.live.delete(containerId);
    this.removedCount++;
  }

  async list(labels: Readonly<Record<string, string>>): Promise<ManagedContainer[]> {
    const out: ManagedContainer[] = [];
    for (const [id, c] of this.live) {
      if (Object.entries(labels).every(([k, v]) => c.spec.labels[k] === v)) out.push({ id, name: c.spec.name, labels: { ...c.spec.labels }, state: stateOf(c) });
    }
    return out;
  }

  async inspect(containerId: string): Promise<ContainerState | undefined> {
    const c = this.live.get(containerId);
    return c ? stateOf(c) : undefined;
  }

  async attach(containerId: string, logStreamName: string, logGroupName?: string): Promise<RunningContainer> {
    const c = this.live.get(containerId);
    if (!c) throw new Error(`No such container: ${containerId}`);
    const have = this.options.logs.count?.(logStreamName, logGroupName) ?? 0;
    if (c.output.length > have) this.options.logs.append(logStreamName, c.output.slice(have), logGroupName);
    c.following = logStreamName;
    const exited = c.done ? Promise.resolve(c.exit!) : new Promise<ContainerExit>((r) => (c.resolve = r));
    return { id: containerId, exited };
  }

  async detach(): Promise<void> {
    for (const c of this.live.values()) {
      c.following = undefined;
      c.resolve = () => undefined;
    }
  }

  private commandOf(spec: ContainerSpec): readonly string[] {
    // An entrypoint override (SageMaker's ContainerEntrypoint, a Kubernetes command) runs before the command.
    if (spec.entrypoint && spec.entrypoint.length > 0) return [...spec.entrypoint, ...spec.command];
    if (spec.command.length > 0) return spec.command;
    return this.options.defaultCommands?.[spec.image] ?? ['sh'];
  }

  private step(c: Live): void {
    const lines: string[] = [];
    const flush = (): void => {
      if (lines.length === 0) return;
      const timestamp = this.options.clock.now();
      const events = lines.map((message) => ({ timestamp, message }));
      c.output.push(...events);
      if (c.following !== undefined) this.options.logs.append(c.following, events, c.spec.logGroupName);
      lines.length = 0;
    };
    while (!c.done && c.pc < c.steps.length) {
      const s = c.steps[c.pc++];
      if (s.kind === 'log') lines.push(s.text);
      else if (s.kind === 'ignoreTerm') c.ignoreTerm = true;
      else if (s.kind === 'nop') continue;
      else if (s.kind === 'exit') {
        flush();
        this.finish(c, { exitCode: s.code, oomKilled: s.oom === true });
        return;
      } else {
        flush();
        c.timer = this.options.clock.setTimer(s.ms, () => {
          c.timer = undefined;
          this.step(c);
        });
        return;
      }
    }
    flush();
    if (!c.done) this.finish(c, { exitCode: 0, oomKilled: false });
  }

  private finish(c: Live, exit: ContainerExit): void {
    if (c.done) return;
    c.done = true;
    c.exit = exit;
    c.finishedAt = this.options.clock.now();
    if (c.timer) this.options.clock.clearTimer(c.timer);
    c.resolve(exit);
  }
}

function stateOf(c: Live): ContainerState {
  if (!c.done) return { status: 'running', startedAt: c.startedAt, oomKilled: false };
  return { status: 'exited', startedAt: c.startedAt, finishedAt: c.finishedAt, exitCode: c.exit?.exitCode, oomKilled: c.exit?.oomKilled === true };
}

function stepsOf(b: ScriptedBehaviour): Step[] {
  const steps: Step[] = (b.logs ?? []).map((text) => ({ kind: 'log', text }) as const);
  if (b.durationMs) steps.push({ kind: 'sleep', ms: b.durationMs });
  steps.push(b.oom ? { kind: 'exit', code: 137, oom: true } : { kind: 'exit', code: b.exitCode ?? 0 });
  return steps;
}

/** Turns a command into steps following the convention in the file header. */
export function parseCommand(argv: readonly string[], env: Readonly<Record<string, string>>): Step[] {
  if (argv.length === 0) return [];
  if ((argv[0] === 'sh' || argv[0] === '/bin/sh') && argv[1] === '-c') {
    return (argv[2] ?? '')
      .split(/;|&&|\n/)
      .map((stmt) => words(stmt, env))
      .filter((w) => w.length > 0)
      .map(statement);
  }
  if (argv[0] === 'sh' && argv.length === 1) return [];
  return [statement(argv)];
}

function statement(w: readonly string[]): Step {
  switch (w[0]) {
    case 'echo':
      return { kind: 'log', text: w.slice(1).join(' ') };
    case 'sleep':
      return { kind: 'sleep', ms: Math.round(Number(w[1] ?? 0) * 1000) };
    case 'exit':
      return { kind: 'exit', code: Number(w[1] ?? 0) & 255 };
    case 'true':
      return { kind: 'nop' };
    case 'false':
      return { kind: 'exit', code: 1 };
    case 'trap':
      return w[1] === '' && w.slice(2).includes('TERM') ? { kind: 'ignoreTerm' } : { kind: 'nop' };
    case 'tail':
      if (w[1] === '/dev/zero') return { kind: 'exit', code: 137, oom: true };
      break;
  }
  return { kind: 'exit', code: 127 };
}

/** Splits one statement into words: quotes, backslash escapes and $VAR expansion. */
function words(stmt: string, env: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < stmt.length; i++) {
    const ch = stmt[i];
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else cur += ch;
    } else if (ch === '$' && /[A-Za-z_{]/.test(stmt[i + 1] ?? '')) {
      const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(stmt.slice(i));
      if (m) {
        cur += env[m[1] ?? m[2]] ?? '';
        has = true;
        i += m[0].length - 1;
      } else cur += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < stmt.length) cur += stmt[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < stmt.length) {
      cur += stmt[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (has || cur) out.push(cur);
  return out;
}
