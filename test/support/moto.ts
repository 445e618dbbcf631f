/**
 * A real `moto_server` (an AWS API emulator written by others) for deploy tests: started on an
 * ephemeral loopback port, with the IAM role and VPC subnet + security group that managed compute
 * environments need, created through the SDK. Skips the suite when moto_server is missing and CI is
 * unset; under CI=true a missing moto_server fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Sha256 } from '@aws-crypto/sha256-js';
import { BatchClient } from '@aws-sdk/client-batch';
import { SignatureV4 } from '@smithy/signature-v4';
import { freePort } from './free-port';

export interface Moto {
  readonly url: string;
  readonly region: string;
  readonly roleArn: string;
  readonly subnetId: string;
  readonly securityGroupId: string;
  batch(): BatchClient;
  stop(): Promise<void>;
}

export const MOTO_REGION = 'us-east-1';
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };


/** The reason moto_server cannot run here, or undefined when it can. */
export function motoMissing(): string | undefined {
  const r = spawnSync('moto_server', ['--help'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? undefined : `moto_server is not available (${r.error?.message ?? r.stderr.trim().split('\n').pop()})`;
}

/** For a suite's `before` hook: a started moto_server, or a skip (outside CI) when it is missing. */
/**
 * `host` is where moto listens: loopback by default; the container network's gateway
 * (169.254.170.2) when containers must reach it too.
 */
export async function startMoto(ctx: Mocha.Context, host = '127.0.0.1'): Promise<Moto> {
  const missing = motoMissing();
  if (missing) {
    if (process.env.CI) throw new Error(`CI is set but ${missing}`);
    console.log(`    (skipped: ${missing})`);
    ctx.skip();
  }
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', host, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.status < 500) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`moto_server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    const peers = await createPeers(url);
    return { url, region: MOTO_REGION, ...peers, batch: () => new BatchClient({ region: MOTO_REGION, endpoint: url, credentials: MOTO_CREDENTIALS }), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Wipes every resource (moto's reset endpoint) and creates the peers again. */
export async function resetMoto(moto: Moto): Promise<Pick<Moto, 'roleArn' | 'subnetId' | 'securityGroupId'>> {
  await fetch(`${moto.url}/moto-api/reset`, { method: 'POST' });
  return createPeers(moto.url);
}

/**
 * IAM and EC2 speak AWS's query protocol; the project has no IAM/EC2 SDK clients, so these few calls
 * are made with the SDK's SigV4 signer over fetch (moto accepts any key).
 */
async function query(url: string, service: 'iam' | 'ec2', params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ ...params, Version: service === 'iam' ? '2010-05-08' : '2016-11-15' }).toString();
  const u = new URL(url);
  const signer = new SignatureV4({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, service, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: '/',
    headers: { host: u.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const res = await fetch(`${url}/`, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`${service} ${params.Action} failed: ${res.status} ${text.slice(0, 500)}`);
  return text;
}

function xmlValue(xml: string, tag: string): string {
  const m = new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(xml);
  if (!m) throw new Error(`no <${tag}> in ${xml.slice(0, 300)}`);
  return m[1];
}

async function createPeers(url: string): Promise<Pick<Moto, 'roleArn' | 'subnetId' | 'securityGroupId'>> {
  const role = await query(url, 'iam', { Action: 'CreateRole', RoleName: 'batch-service', AssumeRolePolicyDocument: '{}' });
  const vpc = xmlValue(await query(url, 'ec2', { Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' }), 'vpcId');
  const subnet = await query(url, 'ec2', { Action: 'CreateSubnet', VpcId: vpc, CidrBlock: '10.0.1.0/24' });
  const sg = await query(url, 'ec2', { Action: 'CreateSecurityGroup', GroupName: 'batch', GroupDescription: 'batch', VpcId: vpc });
  return { roleArn: xmlValue(role, 'Arn'), subnetId: xmlValue(subnet, 'subnetId'), securityGroupId: xmlValue(sg, 'groupId') };
}
