/**
 * Docker's view of the containers localbatch manages, in the runtime port's terms: listing them by
 * label and reading their state (for reconciliation after a restart).
 */
import type Docker from 'dockerode';
import type { ContainerState, ManagedContainer } from '../batch/core/ports';
import { labelFilters } from './docker-spec';

interface DockerState {
  Status?: string;
  Running?: boolean;
  ExitCode?: number;
  OOMKilled?: boolean;
  StartedAt?: string;
  FinishedAt?: string;
}

/** Docker's zero time ("0001-01-01T00:00:00Z") means never. */
function timeOf(iso: string | undefined): number | undefined {
  if (!iso || iso.startsWith('0001-')) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

export function toContainerState(s: DockerState): ContainerState {
  const startedAt = timeOf(s.StartedAt);
  const status = s.Running || s.Status === 'running' || s.Status === 'paused' || s.Status === 'restarting' ? 'running' : s.Status === 'created' || startedAt === undefined ? 'created' : 'exited';
  const out: { -readonly [K in keyof ContainerState]: ContainerState[K] } = { status, oomKilled: s.OOMKilled === true };
  if (startedAt !== undefined) out.startedAt = startedAt;
  if (status === 'exited') {
    out.exitCode = s.ExitCode;
    out.finishedAt = timeOf(s.FinishedAt);
  }
  return out;
}

export async function inspectState(docker: Docker, containerId: string): Promise<ContainerState | undefined> {
  try {
    const info = await docker.getContainer(containerId).inspect();
    return toContainerState(info.State as DockerState);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

export async function listManaged(docker: Docker, labels: Readonly<Record<string, string>>): Promise<ManagedContainer[]> {
  const list = await docker.listContainers({ all: true, filters: labelFilters(labels) });
  const out: ManagedContainer[] = [];
  for (const c of list) {
    const state = await inspectState(docker, c.Id);
    if (state) out.push({ id: c.Id, name: (c.Names?.[0] ?? '').replace(/^\//, ''), labels: { ...c.Labels }, state });
  }
  return out;
}
