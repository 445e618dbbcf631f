/** Workspaces for the deploy tests, written to a temporary folder with moto's role, subnet and security group filled in. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export interface Peers {
  readonly roleArn: string;
  readonly subnetId: string;
  readonly securityGroupId: string;
}

export const ROOT = path.resolve(__dirname, '../../..');
const RUNNER = "require('./src/cli/main.ts').main(process.argv.slice(1)).then((c)=>{process.exitCode=c},(e)=>{console.error(e);process.exitCode=1})";

/** Runs the CLI from source in `cwd`; standard input is not a terminal. */
export function cli(cwd: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', path.join(ROOT, 'node_modules/tsx/dist/loader.mjs'), '-e', RUNNER.replace('./src', path.join(ROOT, 'src')), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

export function computeEnvironment(name: string, p: Peers, maxvCpus = 8): string {
  return `computeEnvironmentName: ${name}
type: MANAGED
serviceRole: ${p.roleArn}
computeResources:
  type: FARGATE
  maxvCpus: ${maxvCpus}
  subnets: [${p.subnetId}]
  securityGroupIds: [${p.securityGroupId}]
`;
}

export function queue(name: string, ce: string, extra = ''): string {
  return `jobQueueName: ${name}
priority: 1
computeEnvironmentOrder:
  - { order: 1, computeEnvironment: ${ce} }
${extra}`;
}

export function jobDefinition(name: string, p: Peers, command = 'echo hello', image = 'public.ecr.aws/docker/library/busybox:latest'): string {
  return `jobDefinitionName: ${name}
type: container
platformCapabilities: [FARGATE]
containerProperties:
  image: ${image}
  command: [${command.split(' ').join(', ')}]
  executionRoleArn: ${p.roleArn}
  resourceRequirements:
    - { type: VCPU, value: "0.25" }
    - { type: MEMORY, value: "512" }
  environment:
    - { name: STAGE, value: test }
    - { name: ALPHA, value: "1" }
`;
}

export const WORKFLOW = `jobs:
  prepare: { jobDefinition: prepare, jobQueue: main-queue }
  compute: { jobDefinition: compute, jobQueue: main-queue, dependsOn: [{ job: prepare }] }
  report: { jobDefinition: compute, jobQueue: main-queue, dependsOn: [{ job: compute }, { job: prepare }] }
`;
