/**
 * An EmulatorHost on the real Docker engine for one test at a time, in a fresh state directory,
 * checked afterwards for containers and networks left behind. Call inside a `describe`: it adds
 * the before/beforeEach/afterEach hooks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobDetail } from '@aws-sdk/client-batch';
import type Docker from 'dockerode';
import { EmulatorHost } from '../../src/emulator/host';
import type { LocalSettingsFile } from '../../src/model/types';
import { dockerForTests } from './docker';

export interface DockerHostSuite {
  /** Starts the host for the current test (closed, with every job terminated, after it). */
  start(settings?: LocalSettingsFile, workspaceRoot?: string): Promise<EmulatorHost>;
  /** Polls until the job is SUCCEEDED or FAILED (or the deadline passes) and returns it. */
  finished(host: EmulatorHost, jobId: string, timeoutMs?: number): Promise<JobDetail>;
}

export function dockerHostSuite(prefix: string): DockerHostSuite {
  let docker: Docker;
  let dir: string;
  let host: EmulatorHost | undefined;
  before(async function () {
    docker = await dockerForTests(this);
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await host?.close({ terminateAll: true, reason: 'test over', graceMs: 5_000 });
    host = undefined;
    const labels = { label: ['dev.localbatch.managed=true', `dev.localbatch.state-dir=${dir}`] };
    const [containers, networks, volumes] = await Promise.all([docker.listContainers({ all: true, filters: labels }), docker.listNetworks({ filters: labels }), docker.listVolumes({ filters: labels })]);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(containers.map((c) => c.Names), [], 'containers left behind');
    assert.deepEqual(networks.map((n) => n.Name), [], 'networks left behind');
    assert.deepEqual((volumes.Volumes ?? []).map((v) => v.Name), [], 'volumes left behind');
  });
  return {
    async start(settings = { capacity: { vcpus: 4, memoryMiB: 2048 } }, workspaceRoot?: string) {
      host = await EmulatorHost.start({ stateDir: dir, docker, persist: false, settings, workspaceRoot });
      return host;
    },
    async finished(h, jobId, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      let d = h.engine.describeJobs([jobId])[0];
      while (d.status !== 'SUCCEEDED' && d.status !== 'FAILED' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        d = h.engine.describeJobs([jobId])[0];
      }
      return d;
    },
  };
}
