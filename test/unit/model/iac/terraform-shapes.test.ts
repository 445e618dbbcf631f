/**
 * Terraform as Terraform writes it: `terraform show -json` states and plans shaped like the AWS
 * provider's own output (the provider's documented examples; v5 `compute_environment_name` and v6
 * `name`/`name_prefix`/`region`), where an optional attribute never set reads back as "", 0, [], {} or
 * null. Those read as unset, Terraform-only attributes are dropped, and real mistakes still show.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../../../../src/model/diagnostics';
import { indexAndValidate } from '../../../../src/model/validation';

const FIXTURES = path.join(__dirname, '../../../fixtures/iac/terraform-provider');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const read = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const show = (d: Diagnostic) => `${d.range.start.line + 1}:${d.range.start.column + 1} ${d.severity} ${d.rule} ${d.message}`;
const lineOf = (text: string, needle: string) => {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `fixture holds ${needle}`);
  return text.slice(0, i).split('\n').length;
};
/** The state fixture with one resource's values changed. */
function stateWith(address: string, change: (values: Loose) => void): string {
  const state = JSON.parse(read('state.json'));
  const r = state.values.root_module.resources.find((x: Loose) => x.address === address);
  assert.ok(r, address);
  change(r.values);
  return JSON.stringify(state, null, 2);
}

describe('IaC: Terraform states and plans as the AWS provider writes them (unit)', () => {
  it('a state after apply (v5 names, "" / 0 / [] / {} for every unset attribute) gives no diagnostics', () => {
    const { diagnostics } = indexAndValidate([{ path: 'state.json', text: read('state.json') }]);
    assert.deepEqual(diagnostics.map(show), []);
  });

  it('maps the state to the API requests Terraform sent', () => {
    const { workspace } = indexAndValidate([{ path: 'state.json', text: read('state.json') }]);
    const ec2 = workspace.computeEnvironment('sample')!.value as Loose;
    assert.deepEqual(ec2, {
      computeEnvironmentName: 'sample',
      computeResources: {
        allocationStrategy: 'BEST_FIT_PROGRESSIVE', ec2Configuration: [{ imageType: 'ECS_AL2' }],
        instanceRole: 'arn:aws:iam::123456789012:instance-profile/ecs_instance_role', instanceTypes: ['c4.large'], maxvCpus: 16,
        placementGroup: 'sample', securityGroupIds: ['sg-0a1b2c3d4e5f67890'], subnets: ['subnet-0a1b2c3d4e5f67890'], type: 'EC2',
      },
      serviceRole: 'arn:aws:iam::123456789012:role/aws_batch_service_role', state: 'ENABLED', type: 'MANAGED',
    });
    assert.deepEqual((workspace.computeEnvironment('fargate')!.value as Loose).computeResources, { maxvCpus: 16, securityGroupIds: ['sg-0a1b2c3d4e5f67890'], subnets: ['subnet-0a1b2c3d4e5f67890'], type: 'FARGATE' });
    assert.equal((workspace.computeEnvironment('spot')!.value as Loose).computeResources.bidPercentage, 60, 'a number that is set stays');
    assert.equal(workspace.computeEnvironment('unmanaged')!.value.computeResources, undefined, 'an empty compute_resources list is no block');
    assert.deepEqual(workspace.jobQueue('tf-test-batch-job-queue')!.value.computeEnvironmentOrder, [
      { order: 0, computeEnvironment: 'arn:aws:batch:us-east-1:123456789012:compute-environment/sample' },
      { order: 1, computeEnvironment: 'arn:aws:batch:us-east-1:123456789012:compute-environment/spot' },
    ], 'order 0 is a value');
    const test = workspace.jobDefinition('tf_test_batch_job_definition')!.value as Loose;
    assert.deepEqual(test.retryStrategy, { attempts: 3, evaluateOnExit: [{ action: 'retry', onReason: 'CannotPullContainerError:*' }, { action: 'exit', onExitCode: '*' }] });
    assert.deepEqual(test.tags, { Name: 'test' }, 'tags, not tags_all');
    assert.equal(test.schedulingPriority, undefined);
    assert.equal(test.containerProperties.secrets, undefined, 'the empty lists DescribeJobDefinitions adds are not requests');
    assert.deepEqual(test.containerProperties.ulimits, [{ hardLimit: 1024, name: 'nofile', softLimit: 1024 }]);
    const multinode = workspace.jobDefinition('tf_test_batch_job_definition_multinode')!.value as Loose;
    assert.equal(multinode.containerProperties, undefined, 'container_properties "" is unset');
    assert.equal(multinode.nodeProperties.numNodes, 2);
    assert.equal(multinode.tags, undefined, 'tags {} is unset');
    const ecs = workspace.jobDefinition('tf_test_batch_job_definition_ecs')!.value as Loose;
    assert.deepEqual(ecs.ecsProperties.taskProperties[0].containers.map((c: Loose) => c.name), ['main', 'sidecar']);
    for (const v of [test, multinode, ecs]) for (const k of ['arn', 'arnPrefix', 'id', 'revision', 'tagsAll', 'deregisterOnNewRevision']) assert.equal(v[k], undefined, k);
  });

  it('a v6 plan (name_prefix, region, lower-case enums, an empty-valued environment variable) gives no diagnostics', () => {
    const text = read('plan-v6.json');
    const { diagnostics, workspace } = indexAndValidate([{ path: 'plan.json', text }]);
    assert.deepEqual(diagnostics.map(show), []);
    const ce = workspace.computeEnvironment('ec2')!;
    assert.equal(ce.value.region, undefined);
    assert.equal((ce.value as Loose).computeResources.allocationStrategy, 'BEST_FIT_PROGRESSIVE');
    assert.equal((ce.value as Loose).computeResources.type, 'EC2');
    assert.deepEqual(workspace.jobQueue('etl')!.value.computeEnvironmentOrder, [{ order: 0, computeEnvironment: 'arn:aws:batch:us-east-1:000000000000:compute-environment/ec2' }]);
    assert.equal(workspace.jobQueue('etl')!.value.priority, 0, 'priority 0 is a value');
    const etl = workspace.jobDefinition('etl')!.value as Loose;
    assert.deepEqual(etl.containerProperties.environment, [{ name: 'STAGE', value: 'prod' }], 'the provider drops empty-valued variables');
    assert.deepEqual(etl.retryStrategy, { attempts: 2 });
    assert.equal(etl.timeout, undefined);
  });

  it('still reports real mistakes in a state, at the attribute', () => {
    const cases: [string, (v: Loose) => void, string, string][] = [
      ['aws_batch_compute_environment.fargate', (v) => { v.compute_resources[0].allocation_strategy = 'BEST_FIT'; }, 'ce-fargate-field', '"allocation_strategy": "BEST_FIT"'],
      ['aws_batch_compute_environment.sample', (v) => { v.compute_resources[0].min_vcpus = 32; }, 'ce-vcpu-bounds', '"min_vcpus": 32'],
      ['aws_batch_job_definition.test', (v) => { v.retry_strategy[0].attempts = 11; }, 'retry-attempts-range', '"attempts": 11'],
      ['aws_batch_job_definition.test', (v) => { v.container_properties = '{"image":'; }, 'terraform-unknown-value', '"container_properties": "{\\"image\\":"'],
      ['aws_batch_job_queue.fargate', (v) => { v.state = 'PAUSED'; }, 'schema', '"state": "PAUSED"'],
    ];
    for (const [address, change, rule, needle] of cases) {
      const text = stateWith(address, change);
      const errors = indexAndValidate([{ path: 'state.json', text }]).diagnostics.filter((d) => d.severity === 'error');
      const hits = errors.filter((d) => d.rule === rule);
      assert.equal(hits.length, 1, `${address}: ${needle} is reported once as ${rule}: ${errors.map(show).join('; ')}`);
      assert.equal(hits[0].range.start.line + 1, lineOf(text, needle), `${address}: ${show(hits[0])}`);
    }
  });
});
