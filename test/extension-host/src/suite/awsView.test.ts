/**
 * The AWS view against moto_server (an AWS emulator written by others), through the
 * `localbatch.aws.endpointUrl` setting: it lists a queue and a job created with the SDK, and shows an
 * error node with a retry action when the endpoint is down. moto runs on an ephemeral loopback port.
 */
import {
  BatchClient, CreateComputeEnvironmentCommand, CreateJobQueueCommand, RegisterJobDefinitionCommand, SubmitJobCommand,
} from '@aws-sdk/client-batch';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { localbatch, until } from './util';

const REGION = 'us-east-1';
const QUEUE = 'lb-moto-queue';
const JOB = 'lb-moto-job';

/** The parts of the extension's API (its Ctx) this suite reads: the AWS view's data provider. */
interface TreeProvider { getChildren(node?: unknown): Promise<unknown[]>; getTreeItem(node: unknown): vscode.TreeItem }
interface Api { views: { aws: TreeProvider } }

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** IAM's query API, unsigned: moto routes by the credential scope and does not check signatures. */
async function createRole(endpoint: string, name: string): Promise<string> {
  const body = new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: name, AssumeRolePolicyDocument: '{}' });
  const res = await fetch(endpoint, {
    method: 'POST', body,
    headers: { Authorization: `AWS4-HMAC-SHA256 Credential=test/20240101/${REGION}/iam/aws4_request, SignedHeaders=host, Signature=0` },
  });
  const text = await res.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!res.ok || !arn) throw new Error(`CreateRole: ${res.status} ${text.slice(0, 300)}`);
  return arn;
}

async function labels(api: Api, nodes: unknown[]): Promise<string[]> {
  return nodes.map((n) => String(api.views.aws.getTreeItem(n).label));
}

describe('LocalBatch AWS view against moto_server (extension host)', function () {
  this.timeout(120_000);
  let moto: ChildProcess | undefined;
  /** moto runs a submitted job in a Docker container of its own, named <job name>-<job id>, and leaves it behind. */
  let jobContainer: string | undefined;
  let endpoint = '';
  let api: Api;
  const savedEnv = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  const config = () => vscode.workspace.getConfiguration('localbatch');

  before(async function () {
    if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).error) {
      if (process.env.CI) throw new Error('moto_server is not installed');
      this.skip();
    }
    api = (await localbatch().activate()) as Api;
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    await until(() => fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false), 'moto_server to answer', 30_000);

    // The view's default credential chain reads the environment; moto accepts any key.
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    const batch = new BatchClient({ endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const serviceRole = await createRole(endpoint, 'lb-batch-service');
    const ce = await batch.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'lb-moto-ce', type: 'UNMANAGED', state: 'ENABLED', serviceRole }));
    await batch.send(new CreateJobQueueCommand({ jobQueueName: QUEUE, priority: 1, state: 'ENABLED', computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.computeEnvironmentArn! }] }));
    const def = await batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'lb-moto-def', type: 'container', containerProperties: { image: 'busybox', command: ['true'], vcpus: 1, memory: 128 } }));
    const { jobId } = await batch.send(new SubmitJobCommand({ jobName: JOB, jobQueue: QUEUE, jobDefinition: def.jobDefinitionArn! }));
    jobContainer = `${JOB}-${jobId}`;
    batch.destroy();
    await config().update('aws.regions', [REGION], vscode.ConfigurationTarget.Global);
    await config().update('aws.endpointUrl', endpoint, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    moto?.kill('SIGKILL');
    if (jobContainer) {
      try {
        execFileSync('docker', ['rm', '-f', jobContainer], { stdio: 'ignore', timeout: 30_000 });
      } catch {
        // (no container: moto had not started one, or there is no Docker)
      }
    }
    await config().update('aws.endpointUrl', undefined, vscode.ConfigurationTarget.Global);
    await config().update('aws.regions', undefined, vscode.ConfigurationTarget.Global);
    process.env.AWS_ACCESS_KEY_ID = savedEnv.id;
    process.env.AWS_SECRET_ACCESS_KEY = savedEnv.secret;
    if (savedEnv.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (savedEnv.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  });

  async function region(): Promise<unknown> {
    const root = await api.views.aws.getChildren();
    const profile = api.views.aws.getTreeItem(root[0]);
    assert.equal(profile.description, `endpoint ${endpoint}`);
    const node = root.find((n) => api.views.aws.getTreeItem(n).label === REGION);
    assert.ok(node, `region ${REGION} in ${JSON.stringify(await labels(api, root))}`);
    return node;
  }

  it('lists the queue and the job created through the SDK', async () => {
    const queues = await api.views.aws.getChildren(await region());
    const queue = queues.find((q) => api.views.aws.getTreeItem(q).label === QUEUE);
    assert.ok(queue, `queue ${QUEUE} in ${JSON.stringify(await labels(api, queues))}`);
    const groups = await api.views.aws.getChildren(queue);
    const jobs = (await Promise.all(groups.map((g) => api.views.aws.getChildren(g)))).flat();
    const jobLabels = await labels(api, jobs);
    assert.ok(jobLabels.includes(JOB), `job ${JOB} under ${JSON.stringify(await labels(api, groups))}: ${JSON.stringify(jobLabels)}`);
    const item = api.views.aws.getTreeItem(jobs[jobLabels.indexOf(JOB)]);
    assert.match(String(item.contextValue), /^job\./);
  });

  it('shows an error node with a retry action when the endpoint is down', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    await config().update('aws.endpointUrl', down, vscode.ConfigurationTarget.Global);
    try {
      const children = await api.views.aws.getChildren(await regionAt(down));
      assert.equal(children.length, 1);
      const item = api.views.aws.getTreeItem(children[0]);
      assert.match(String(item.label), /^Could not list: /);
      assert.equal(item.contextValue, 'error');
      const menus = (localbatch().packageJSON as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } }).contributes.menus;
      assert.ok(menus['view/item/context'].some((m) => m.command === 'localbatch.retry' && m.when === 'viewItem == error'), 'retry on error nodes');
      assert.ok((await vscode.commands.getCommands(true)).includes('localbatch.retry'));
    } finally {
      await config().update('aws.endpointUrl', endpoint, vscode.ConfigurationTarget.Global);
    }
    // Retry (a refresh) against the live endpoint lists the queue again.
    await vscode.commands.executeCommand('localbatch.retry');
    const queues = await api.views.aws.getChildren(await region());
    assert.ok((await labels(api, queues)).includes(QUEUE));
  });

  async function regionAt(url: string): Promise<unknown> {
    await until(() => api.views.aws.getChildren().then((r) => api.views.aws.getTreeItem(r[0]).description === `endpoint ${url}`), 'the endpoint setting to apply');
    const root = await api.views.aws.getChildren();
    return root.find((n) => api.views.aws.getTreeItem(n).label === REGION);
  }
});
