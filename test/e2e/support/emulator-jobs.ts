/**
 * What the emulator a workspace's VS Code started says about jobs, asked through its Batch API
 * (endpoint and credentials from the workspace's .localbatch state directory), so a test can check
 * that what the workbench shows belongs to the run it started.
 */
import { BatchClient, DescribeJobsCommand } from '@aws-sdk/client-batch';
import * as path from 'node:path';
import { readEndpoint, type EmulatorEndpoint } from '../../../src/client/endpoint';

export interface EmulatorJob { readonly jobId: string; readonly jobName: string; readonly status: string; readonly command?: string[] }

/** SDK client settings for the workspace's emulator (any of its services). */
export async function emulatorClientConfig(workspace: string): Promise<{ endpoint: string; region: string; credentials: EmulatorEndpoint['credentials']; maxAttempts: number }> {
  const endpoint = await readEndpoint(path.join(workspace, '.localbatch'));
  return { endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 1 };
}

/** DescribeJobs for `ids` on the workspace's emulator; unknown ids are simply absent. */
export async function describeJobs(workspace: string, ids: readonly string[]): Promise<EmulatorJob[]> {
  const client = new BatchClient(await emulatorClientConfig(workspace));
  try {
    const out = await client.send(new DescribeJobsCommand({ jobs: [...ids] }));
    return (out.jobs ?? []).map((j) => ({ jobId: j.jobId!, jobName: j.jobName!, status: j.status!, command: j.container?.command }));
  } finally {
    client.destroy();
  }
}

/** Whether a sequence of graph snapshots ("name:STATUS,…") passed through a status between PLANNED and the end. */
export function sawIntermediate(snapshots: Iterable<string>): boolean {
  return [...snapshots].some((s) => /:(SUBMITTED|PENDING|RUNNABLE|STARTING|RUNNING)\b/.test(s));
}
