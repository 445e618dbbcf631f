/**
 * Validation speed: a generated workspace of 200 job definitions (JSON and YAML) and a 500-job
 * workflow with dependencies, array jobs and overrides, plus queues and compute environments.
 * Goal: `validateWorkspace` under 100 ms (issue 2).
 */
import { validateWorkspace, type DefinitionSource } from '../src/model/validation';
import type { Benchmark } from './benchmark';
import { median, timeRuns } from './timing';

const GOAL_MS = 100;
const RUNS = 15;

function jobDefinition(i: number): Record<string, unknown> {
  return {
    jobDefinitionName: `stage-${i}`,
    type: 'container',
    parameters: { input: `s3://bucket/input/${i}`, threads: '2' },
    retryStrategy: { attempts: 3, evaluateOnExit: [{ onStatusReason: 'Host EC2*', action: 'RETRY' }, { onExitCode: '1*', action: 'EXIT' }] },
    timeout: { attemptDurationSeconds: 3600 },
    tags: { project: 'bench', stage: String(i) },
    containerProperties: {
      image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/pipeline:${i % 7}`,
      command: ['run-stage', '--input', 'Ref::input', '--threads', 'Ref::threads', '--index', `${i}`],
      jobRoleArn: 'arn:aws:iam::123456789012:role/pipeline-job',
      resourceRequirements: [{ type: 'VCPU', value: String(1 + (i % 4)) }, { type: 'MEMORY', value: String(1024 * (1 + (i % 8))) }],
      environment: [{ name: 'STAGE', value: String(i) }, { name: 'LOG_LEVEL', value: 'info' }],
      mountPoints: [{ containerPath: '/scratch', sourceVolume: 'scratch' }],
      volumes: [{ name: 'scratch', host: { sourcePath: '/tmp/scratch' } }],
      ulimits: [{ name: 'nofile', softLimit: 65536, hardLimit: 65536 }],
    },
  };
}

function toYaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) return value.map((v) => `\n${indent}- ${toYaml(v, indent + '  ').trimStart()}`).join('');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => (v !== null && typeof v === 'object' ? `\n${indent}${k}:${toYaml(v, indent + '  ')}` : `\n${indent}${k}: ${JSON.stringify(v)}`))
      .join('');
  }
  return JSON.stringify(value);
}

function workflow(): string {
  const lines = ['jobs:'];
  for (let j = 0; j < 500; j++) {
    lines.push(`  job-${j}:`, `    jobDefinition: stage-${j % 200}`, `    jobQueue: ${j % 2 ? 'high' : 'low'}`, '    parameters:', `      input: s3://bucket/run/${j}`);
    const deps = [j - 1, j - 7, j - 31].filter((d) => d >= 0);
    if (j % 10 === 5) lines.push('    arrayProperties:', '      size: 16');
    if (deps.length > 0) {
      lines.push('    dependsOn:');
      for (const d of deps) lines.push(`      - job: job-${d}`);
    }
    if (j % 25 === 0) lines.push('    containerOverrides:', '      resourceRequirements:', '        - type: VCPU', '          value: "2"', '      environment:', '        - name: ATTEMPT_NOTE', `          value: job ${j}`);
    if (j % 3 === 0) lines.push('    retryStrategy:', '      attempts: 2', '    timeout:', '      attemptDurationSeconds: 7200');
  }
  return lines.join('\n') + '\n';
}

export function benchWorkspace(): DefinitionSource[] {
  const sources: DefinitionSource[] = [];
  for (let i = 0; i < 200; i++) {
    const def = jobDefinition(i);
    sources.push(i % 2 ? { path: `defs/stage-${i}.jobdef.json`, text: JSON.stringify(def, null, 2) } : { path: `defs/stage-${i}.jobdef.yaml`, text: toYaml(def).trimStart() + '\n' });
  }
  for (const name of ['low', 'high']) {
    sources.push({ path: `queues/${name}.jobqueue.yaml`, text: `jobQueueName: ${name}\npriority: ${name === 'high' ? 10 : 1}\ncomputeEnvironmentOrder:\n  - order: 1\n    computeEnvironment: ce-${name}\n` });
    sources.push({
      path: `ce/ce-${name}.computeenv.yaml`,
      text: `computeEnvironmentName: ce-${name}\ntype: MANAGED\ncomputeResources:\n  type: EC2\n  minvCpus: 0\n  maxvCpus: 256\n  instanceTypes: [optimal]\n  subnets: [subnet-1]\n  securityGroupIds: [sg-1]\n  instanceRole: arn:aws:iam::123456789012:instance-profile/ecsInstanceRole\n`,
    });
  }
  sources.push({ path: 'pipeline.workflow.yaml', text: workflow() });
  return sources;
}

export const validateBench: Benchmark = {
  name: 'validate',
  run() {
    const sources = benchWorkspace();
    let count = 0;
    const cpu = process.cpuUsage();
    const times = timeRuns(() => {
      count = validateWorkspace(sources).length;
    }, RUNS);
    const used = process.cpuUsage(cpu);
    const cpuPerRun = (used.user + used.system) / 1000 / (RUNS + 1);
    const m = median(times);
    return [
      `validate 200 jobdefs + 500-job workflow: median ${m.toFixed(1)} ms (goal ${GOAL_MS} ms, ratio ${(m / GOAL_MS).toFixed(2)}); ` +
        `min ${times[0].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms over ${RUNS} runs; ` +
        `CPU ${cpuPerRun.toFixed(1)} ms per run (wall time suffers on a loaded machine); ${count} diagnostics`,
    ];
  },
};
