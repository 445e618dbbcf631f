/**
 * What a job definition may reach on the machine that runs it locally. On AWS an EC2 job may
 * mount any host path, the Docker socket or devices, or run privileged; on a developer's machine
 * running a cloned repository that is opt-in: `allowHostAccess` and `allowPrivileged` in
 * localbatch.yaml. Pure (POSIX path strings only), shared by `validate` and the emulator.
 */

export interface HostAccessPolicy {
  /** Absolute path of the workspace root (the folder of localbatch.yaml); undefined when unknown. */
  readonly workspaceRoot?: string;
  /** `allowHostAccess` entries, absolute (relative ones resolved against the workspace root). */
  readonly allowHostAccess: readonly string[];
  readonly allowPrivileged: boolean;
}

export type HostAccessKind = 'host-path' | 'docker-socket' | 'device' | 'privileged';

export interface HostAccessProblem {
  readonly kind: HostAccessKind;
  /** The rule id `validate` reports it under. */
  readonly rule: 'host-path-outside-workspace' | 'docker-socket-mount' | 'host-device' | 'privileged-container';
  readonly path?: string;
  readonly message: string;
}

/** `/a/b` from `/a/./x/../b/`; a relative path is resolved against `base` (or `/`). */
export function normalizePosix(p: string, base = '/'): string {
  const parts: string[] = [];
  for (const part of (p.startsWith('/') ? p : `${base}/${p}`).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export function isUnder(p: string, dir: string): boolean {
  return dir === '/' || p === dir || p.startsWith(`${dir}/`);
}

/** The Docker socket (or any other Unix socket, by its `.sock` name). */
export function isSocketPath(p: string): boolean {
  return /\.sock$/.test(p) || p === '/var/run/docker.sock' || p === '/run/docker.sock';
}

/** The policy's entries made absolute. */
export function resolvePolicy(settings: { allowHostAccess?: unknown; allowPrivileged?: unknown } | undefined, workspaceRoot?: string): HostAccessPolicy {
  const entries = Array.isArray(settings?.allowHostAccess) ? settings.allowHostAccess.filter((e): e is string => typeof e === 'string') : [];
  return {
    workspaceRoot: workspaceRoot === undefined ? undefined : normalizePosix(workspaceRoot),
    allowHostAccess: entries.map((e) => normalizePosix(e, workspaceRoot ?? '/')),
    allowPrivileged: settings?.allowPrivileged === true,
  };
}

const HOW_TO_ALLOW = 'list it under allowHostAccess in localbatch.yaml to allow it';

/** Why `sourcePath` (already absolute) may not be mounted, or undefined when it may. */
export function hostPathProblem(sourcePath: string, policy: HostAccessPolicy): HostAccessProblem | undefined {
  const p = normalizePosix(sourcePath, policy.workspaceRoot ?? '/');
  const allowed = policy.allowHostAccess.some((a) => isUnder(p, a));
  if (isSocketPath(p)) {
    // Inside the workspace or not, a socket is a door into another service (the Docker socket is
    // root on this machine): only an explicit entry opens it.
    if (policy.allowHostAccess.includes(p)) return undefined;
    return { kind: 'docker-socket', rule: 'docker-socket-mount', path: p, message: `mounts the socket ${p}, which gives the job control of the service behind it (the Docker socket is root on this machine); localbatch refuses it locally: ${HOW_TO_ALLOW} exactly` };
  }
  if (allowed) return undefined;
  // Without a known workspace root (a pure check of files alone) only sockets are flagged.
  if (policy.workspaceRoot === undefined || isUnder(p, policy.workspaceRoot)) return undefined;
  return { kind: 'host-path', rule: 'host-path-outside-workspace', path: p, message: `mounts the host path ${p}, outside the workspace ${policy.workspaceRoot}; localbatch refuses it locally: ${HOW_TO_ALLOW}, or map it to a workspace folder with volumes` };
}

export function deviceProblem(hostPath: string, policy: HostAccessPolicy): HostAccessProblem | undefined {
  const p = normalizePosix(hostPath);
  if (policy.allowHostAccess.some((a) => isUnder(p, a))) return undefined;
  return { kind: 'device', rule: 'host-device', path: p, message: `maps the host device ${p} into the container; localbatch refuses it locally: ${HOW_TO_ALLOW}` };
}

export function privilegedProblem(policy: HostAccessPolicy): HostAccessProblem | undefined {
  if (policy.allowPrivileged) return undefined;
  return { kind: 'privileged', rule: 'privileged-container', message: 'runs privileged (root on this machine); localbatch refuses it locally: set allowPrivileged: true in localbatch.yaml to allow it' };
}
