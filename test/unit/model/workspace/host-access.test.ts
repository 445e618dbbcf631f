import assert from 'node:assert/strict';
import type { Diagnostic } from '../../../../src/model/diagnostics';
import { validateWorkspace } from '../../../../src/model/validation';

const JOBDEF = [
  'jobDefinitionName: risky',
  'type: container',
  'containerProperties:',
  '  image: busybox',
  '  resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "512"}]',
  '  privileged: true',
  '  volumes:',
  '    - {name: inside, host: {sourcePath: /ws/data}}',
  '    - {name: outside, host: {sourcePath: /etc}}',
  '    - {name: sock, host: {sourcePath: /var/run/docker.sock}}',
  '    - {name: fsx, host: {sourcePath: /fsx}}',
  '  linuxParameters:',
  '    devices: [{hostPath: /dev/fuse}]',
  '  secrets:',
  '    - {name: A, valueFrom: /app/a}',
  '    - {name: B, valueFrom: "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:password::"}',
].join('\n');

function run(settings: string, secretKeys?: string[]): Diagnostic[] {
  return validateWorkspace(
    [
      { path: 'risky.jobdef.yaml', text: JOBDEF },
      { path: 'localbatch.yaml', text: settings },
    ],
    { workspaceRoot: '/ws', secretKeys: secretKeys && new Set(secretKeys) },
  ).filter((d) => d.severity === 'warning');
}
const rules = (ds: Diagnostic[]) => ds.map((d) => `${d.rule}@${d.range.start.line + 1}`).sort();

describe('workspace rules: host access and local secrets (unit)', () => {
  it('warns at each host path outside the workspace, the socket, the device, privileged and secrets without a local value', () => {
    const ds = run('volumes: {/fsx: ./fsx}\n', ['db']);
    assert.deepEqual(rules(ds), ['docker-socket-mount@10', 'host-device@13', 'host-path-outside-workspace@9', 'privileged-container@6', 'secret-without-local-value@15']);
    assert.match(ds.find((d) => d.rule === 'host-path-outside-workspace')!.message, /\/etc, outside the workspace \/ws.*allowHostAccess/);
  });

  it('is quiet once localbatch.yaml allows them, and about secrets with aws.secrets: fetch', () => {
    const ds = run('allowHostAccess: [/etc, /var/run/docker.sock, /dev/fuse, /fsx]\nallowPrivileged: true\naws: {secrets: fetch}\n', []);
    assert.deepEqual(rules(ds), []);
  });

  it('does not check secrets when the secrets file was not read', () => {
    assert.deepEqual(rules(run('allowHostAccess: [/]\nallowPrivileged: true\n').filter((d) => d.rule.startsWith('secret'))), []);
  });

  it('warns at an EKS secret volume without kubernetes/<name> in secrets.yaml, also with aws.secrets: fetch; optional ones are fine', () => {
    const pod = [
      'jobDefinitionName: pod',
      'type: container',
      'eksProperties:',
      '  podProperties:',
      '    containers: [{name: main, image: busybox, volumeMounts: [{name: creds, mountPath: /creds}, {name: extra, mountPath: /extra}]}]',
      '    volumes:',
      '      - {name: creds, secret: {secretName: db}}',
      '      - {name: extra, secret: {secretName: extra, optional: true}}',
    ].join('\n');
    const warnings = (keys: string[], settings = '') =>
      validateWorkspace([{ path: 'pod.jobdef.yaml', text: pod }, { path: 'localbatch.yaml', text: settings }], { workspaceRoot: '/ws', secretKeys: new Set(keys) }).filter((d) => d.rule === 'secret-without-local-value');
    const missing = warnings([], 'aws: {secrets: fetch}\n');
    assert.deepEqual(missing.map((d) => d.range.start.line + 1), [7]);
    assert.match(missing[0].message, /Kubernetes secret db.*add kubernetes\/db there/);
    assert.deepEqual(warnings(['kubernetes/db']), []);
  });
});
