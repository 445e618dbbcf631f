/** Reading AWS Batch definitions from CloudFormation/CDK templates and Terraform JSON (test/fixtures/iac). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Diagnostic } from '../../../../src/model/diagnostics';
import { SourceDocument } from '../../../../src/model/document';
import { parseTemplateDocument, readIac } from '../../../../src/model/iac';
import { indexAndValidate, type DefinitionSource } from '../../../../src/model/validation';
import { Workspace } from '../../../../src/model/workspace';

const FIXTURES = path.join(__dirname, '../../../fixtures/iac');
/** Resolved definitions are read freely here: the assertions check their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const source = (rel: string): DefinitionSource => ({ path: rel, text: readFileSync(path.join(FIXTURES, rel), 'utf8') });
const at = (d: Diagnostic) => `${d.range.start.line + 1}:${d.range.start.column + 1}`;
/** The one-based line of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string, from = 0) => {
  const i = text.indexOf(needle, from);
  assert.ok(i >= 0, `fixture holds ${needle}`);
  return text.slice(0, i).split('\n').length;
};

describe('IaC: CloudFormation templates (unit)', () => {
  const stack = source('cloudformation/batch-stack.yaml');

  it('reads the AWS::Batch resources of a YAML template with short-form tags as API requests', () => {
    const { workspace, diagnostics } = indexAndValidate([stack]);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => `${at(d)} ${d.message}`), []);
    assert.deepEqual([...workspace.jobDefinitions.keys()].sort(), ['batch-stack-CleanupJob', 'report']);
    const report = workspace.jobDefinition('report')!.value as Record<string, Loose>;
    assert.equal(report.type, 'container');
    assert.deepEqual(report.retryStrategy, { attempts: 2, evaluateOnExit: [{ onExitCode: '137', action: 'RETRY' }] });
    const c = report.containerProperties;
    assert.equal(c.image, 'busybox:1.2', '!Sub with a parameter Default');
    assert.equal(c.jobRoleArn, 'arn:aws:iam::000000000000:role/report-job-role', '!GetAtt Role.Arn uses its RoleName');
    assert.deepEqual(c.resourceRequirements, [{ type: 'VCPU', value: '2' }, { type: 'MEMORY', value: '1024' }], 'Number parameter and !FindInMap become the API strings');
    assert.deepEqual(Object.fromEntries(c.environment.map((e: { name: string; value: string }) => [e.name, e.value])), {
      STAGE: 'development',
      FIRST_SUBNET: 'subnet-aaaa1111',
      QUEUE: 'arn:aws:batch:us-east-1:000000000000:job-queue/dev-reports',
      REGION_PARTS: 'us:east:1',
      DEBUG: '1',
    });
    assert.match(c.volumes[0].efsVolumeConfiguration.fileSystemId, /^fs-[0-9a-f]{17}$/);
    assert.deepEqual(report.tags, { owner: 'reports' }, 'tag keys kept as written');
    assert.deepEqual(report.parameters, { day: 'today' });
    const cleanup = workspace.jobDefinition('CleanupJob')!.value as Record<string, Loose>;
    assert.deepEqual({ vcpus: cleanup.containerProperties.vcpus, privileged: cleanup.containerProperties.privileged }, { vcpus: 1, privileged: false }, 'strings CloudFormation converts');
    const queue = workspace.jobQueue('JobQueue')!;
    assert.equal(queue.name, 'dev-reports');
    assert.deepEqual(queue.value.computeEnvironmentOrder, [{ order: 1, computeEnvironment: 'arn:aws:batch:us-east-1:000000000000:compute-environment/dev-ec2' }]);
    assert.equal(workspace.computeEnvironment((queue.value.computeEnvironmentOrder as Loose)[0].computeEnvironment)?.name, 'dev-ec2');
    const ce = workspace.computeEnvironment('dev-ec2')!.value as Record<string, Loose>;
    assert.deepEqual(ce.computeResources.subnets, ['subnet-aaaa1111', 'subnet-bbbb2222'], 'List<> parameter');
    assert.equal(ce.serviceRole, 'arn:aws:iam::000000000000:role/batch-stack-BatchServiceRole', 'a role without RoleName: <stack>-<LogicalId>');
    const policy = workspace.templates[0].resources.find((r) => r.kind === 'schedulingPolicy')!;
    assert.deepEqual(policy.value, { name: 'reports-fair-share', fairsharePolicy: { shareDecaySeconds: 3600, computeReservation: 10, shareDistribution: [{ shareIdentifier: 'daily', weightFactor: 1 }] } });
    assert.equal(workspace.templates[0].tool, 'cloudformation');
  });

  it("names a misspelt property as the template writes it (PascalCase), with a quick fix to the template's key", () => {
    const text = 'Resources:\n  Def:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      Type: container\n      ContainerProperties:\n        Image: busybox\n        Comand: [echo, hi]\n        ResourceRequirements: [{ Type: VCPU, Value: "1" }, { Type: MEMORY, Value: "64" }]\n';
    const [d] = indexAndValidate([{ path: 'infra/t.yaml', text }]).diagnostics.filter((x) => x.rule === 'schema');
    assert.equal(d.message, 'Unknown property "Comand" in ContainerProperties; did you mean "Command"?');
    assert.equal(d.suggestion, 'Command');
  });

  it("refuses a parameter value outside its AllowedValues or AllowedPattern, as CloudFormation does", () => {
    const text = (env: string) => `Parameters:\n  Env:\n    Type: String\n    AllowedValues: [dev, prod]\n    Default: ${env}\n  Tag:\n    Type: String\n    AllowedPattern: "[a-z]+"\n    Default: v1\nResources:\n  Def:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      Type: container\n      ContainerProperties:\n        Image: !Sub "busybox:\${Env}"\n        Command: [!Ref Tag]\n        ResourceRequirements: [{ Type: VCPU, Value: "1" }, { Type: MEMORY, Value: "64" }]\n`;
    const messages = (env: string) => indexAndValidate([{ path: 'infra/p.yaml', text: text(env) }]).diagnostics.filter((d) => d.rule === 'template-parameter-value').map((d) => d.message);
    assert.deepEqual(messages('staging'), [
      "Parameter 'Env' is 'staging', which is not one of its AllowedValues (dev, prod): CloudFormation refuses it; give it one under parameters: in localbatch.yaml",
      "Parameter 'Tag' is 'v1', which does not match its AllowedPattern [a-z]+: CloudFormation refuses it",
    ]);
    assert.equal(messages('dev').length, 1);
  });

  it('reads the documented resource examples (JSON) cleanly, and cross-file rules see them', () => {
    const docs = source('cloudformation/documented-examples.json');
    const { workspace, diagnostics } = indexAndValidate([docs]);
    // AWS's GPU example runs privileged: valid on AWS, and only a local host-access warning here.
    assert.deepEqual(diagnostics.map((d) => `${at(d)} ${d.rule} ${d.severity}`), ['14:25 privileged-container warning']);
    const t = workspace.templates[0];
    assert.deepEqual(t.resources.map((r) => `${r.kind} ${r.name}`), ['jobDefinition nvidia-smi', 'computeEnvironment C4OnDemand', 'jobQueue HighPriority', 'schedulingPolicy MySchedulingPolicy', 'jobQueue documented-examples-FairShareQueue', 'consumableResource licenses']);
    assert.deepEqual((workspace.computeEnvironment('C4OnDemand')!.value as Loose).computeResources.tags, { Name: 'Batch Instance - C4OnDemand' });
    const wf = { path: 'fair.workflow.yaml', text: 'jobs:\n  gpu:\n    jobDefinition: GpuJobDefinition\n    jobQueue: FairShareQueue\n' };
    const rules = indexAndValidate([docs, wf]).diagnostics.filter((d) => d.rule !== 'privileged-container').map((d) => `${d.file}:${at(d)} ${d.rule}`);
    assert.deepEqual(rules, ['fair.workflow.yaml:4:15 share-identifier-required'], 'the template queue has a scheduling policy (its Ref)');
  });

  it('reads EKS, ECS and multinode job definitions, Spot environments and GetAtt of Batch resources (SAM transform kept)', () => {
    const t = source('cloudformation/eks-ecs-multinode.yaml');
    const { workspace, diagnostics } = indexAndValidate([t]);
    assert.deepEqual(diagnostics.map((d) => `${at(d)} ${d.rule}`), [`${lineOf(t.text, '!ImportValue')}:32 template-import-value`]);
    const eks = workspace.jobDefinition('eks-job')!.value as Loose;
    assert.deepEqual(eks.eksProperties.podProperties.containers[0].resources, { limits: { cpu: '1', memory: '1024Mi' } });
    assert.deepEqual(eks.eksProperties.podProperties.metadata.labels, { 'app.kubernetes.io/name': 'demo' });
    assert.equal((workspace.jobDefinition('ecs-job')!.value as Loose).ecsProperties.taskProperties[0].containers[0].essential, true);
    assert.equal((workspace.jobDefinition('mnp')!.value as Loose).nodeProperties.numNodes, 2);
    assert.equal((workspace.jobQueue('Queue')!.value as Loose).computeEnvironmentOrder[0].computeEnvironment, 'arn:aws:batch:us-east-1:000000000000:compute-environment/eks-ecs-multinode-Spot');
  });

  it('takes parameter values, the stack name, region and account from localbatch.yaml; Conditions follow', () => {
    const settings: DefinitionSource = { path: 'localbatch.yaml', text: 'region: eu-west-1\naccountId: "123456789012"\nparameters:\n  Environment: prod\n  AWS::StackName: reports\n' };
    const { workspace } = indexAndValidate([stack, settings]);
    assert.ok(workspace.jobDefinition('prod-only'), 'a resource whose Condition is now true');
    const report = workspace.jobDefinition('report')!.value as Record<string, Loose>;
    const env = Object.fromEntries(report.containerProperties.environment.map((e: { name: string; value: string }) => [e.name, e.value]));
    assert.equal(env.STAGE, 'production');
    assert.equal(env.DEBUG, undefined, '!Ref AWS::NoValue removes the value');
    assert.equal(env.QUEUE, 'arn:aws:batch:eu-west-1:123456789012:job-queue/prod-reports');
    assert.equal(report.containerProperties.resourceRequirements[1].value, '4096');
    assert.ok(workspace.jobDefinition('reports-CleanupJob'), 'generated names use AWS::StackName');
  });

  it('is indexed without localbatch.yaml only when the file holds AWS::Batch resources', () => {
    const other = { path: 'other.yaml', text: 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n# mentions AWS::Batch:: in a comment\n' };
    const { workspace } = indexAndValidate([other]);
    assert.equal(workspace.templates.length, 0);
  });

  it('reports what cannot be resolved locally at its position, without a crash and without follow-on errors', () => {
    const bad = source('cloudformation/invalid-stack.yaml');
    const { diagnostics, workspace } = indexAndValidate([bad]);
    const byRule = (rule: string) => diagnostics.filter((d) => d.rule === rule).map(at);
    assert.deepEqual(byRule('template-import-value'), [`${lineOf(bad.text, '!ImportValue')}:29`]);
    assert.deepEqual(byRule('template-unknown-reference'), [`${lineOf(bad.text, 'MissingRole')}:29`]);
    assert.deepEqual(byRule('template-parameter-value'), [`${lineOf(bad.text, '!Ref NoDefault')}:22`]);
    assert.deepEqual(byRule('retry-attempts-range'), [`${lineOf(bad.text, 'Attempts: 11')}:19`]);
    assert.deepEqual(byRule('unknown-compute-environment'), [`${lineOf(bad.text, 'not-defined-anywhere')}:31`]);
    assert.deepEqual(diagnostics.filter((d) => d.rule === 'schema').map((d) => `${at(d)} ${d.message}`), [], 'no schema error on the placeholders');
    assert.ok(workspace.jobDefinition('unresolved'), 'the resource is still a definition');
  });

  it('points at the name of a definition defined twice, and at the logical id when the name is generated', () => {
    const a = { path: 'a.jobdef.yaml', text: 'jobDefinitionName: report\ntype: container\ncontainerProperties:\n  image: busybox\n  resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "512"}]\n' };
    const dup = { path: 'z.yaml', text: 'Resources:\n  Dup:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      Type: container\n      JobDefinitionName: report\n      ContainerProperties: {Image: busybox, ResourceRequirements: [{Type: VCPU, Value: "1"}, {Type: MEMORY, Value: "512"}]}\n  Bad:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      Type: container\n' };
    const { diagnostics } = indexAndValidate([a, dup]);
    assert.deepEqual(diagnostics.filter((d) => d.rule === 'duplicate-definition').map(at), ['6:26']);
    assert.deepEqual(diagnostics.filter((d) => d.rule === 'job-definition-shape').map(at), ['11:13'], 'at the Type of a job definition with nothing to run');
  });

  it('keeps positions inside short forms and long forms', () => {
    const text = 'Resources:\n  J:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      Type: container\n      JobDefinitionName: !Sub "${AWS::StackName}.bad"\n      ContainerProperties:\n        Image: busybox\n        ResourceRequirements:\n          - {Type: VCPU, Value: !Select [1, ["1", "-1"]]}\n          - {Type: MEMORY, Value: !If [Never, "512", "2"]}\nConditions:\n  Never: !Equals [a, b]\n';
    const { diagnostics } = indexAndValidate([{ path: 's.yaml', text }]);
    const got = diagnostics.map((d) => `${at(d)} ${d.rule}`);
    assert.ok(got.includes('6:31 name-format'), got.join('\n'));
    assert.ok(got.includes('10:51 resource-vcpu-value'), `the item !Select picks from a literal list: ${got.join('\n')}`);
    assert.ok(got.includes('11:54 resource-memory-value'), `the branch !If takes: ${got.join('\n')}`);
  });

  it('reads YAML aliases of short forms as the intrinsic they name', () => {
    const text = 'Resources:\n  J:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      Type: container\n      JobDefinitionName: &n !Sub "${AWS::Region}-job"\n      Parameters: {name: *n}\n      ContainerProperties: {Image: busybox, ResourceRequirements: [{Type: VCPU, Value: "1"}, {Type: MEMORY, Value: "64"}]}\n';
    const { workspace } = indexAndValidate([{ path: 'a.yaml', text }]);
    assert.deepEqual(workspace.jobDefinition('us-east-1-job')?.value.parameters, { name: 'us-east-1-job' });
  });

  it('never throws on hostile templates', () => {
    const intrinsic = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('Ref', 'Fn::Sub', 'Fn::Join', 'Fn::If', 'Fn::Select', 'Fn::Split', 'Fn::GetAtt', 'Fn::FindInMap', 'Fn::Cidr', 'Fn::Base64', 'Image', 'Vcpus'), tie('node'), { maxKeys: 2 })),
    })).node;
    fc.assert(fc.property(intrinsic, intrinsic, (props, conditions) => {
      const template = { Conditions: { C: conditions }, Resources: { J: { Type: 'AWS::Batch::JobDefinition', Properties: { ContainerProperties: props, JobDefinitionName: { Ref: 'J' } } }, Q: { Type: 'AWS::Batch::JobQueue', Condition: 'C', Properties: props } } };
      const result = indexAndValidate([{ path: 't.json', text: JSON.stringify(template) }]);
      assert.ok(Array.isArray(result.diagnostics));
    }), { numRuns: 300 });
    let bomb = 'a: &a [AWS::Batch::JobQueue, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 0; i < 9; i++) bomb += `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill('*' + String.fromCharCode(97 + i)).join(', ')}]\n`;
    const started = Date.now();
    const result = indexAndValidate([{ path: 'bomb.yaml', text: bomb }]);
    assert.ok(Date.now() - started < 5_000, 'an alias bomb is refused quickly');
    assert.deepEqual(result.diagnostics.map((d) => d.rule), ['syntax']);
  });
});

describe('IaC: cdk synth templates (unit)', () => {
  const template = source('cdk/cdk.out/BatchStack.template.json');

  it('reads CDK logical ids, Fn::Join / Fn::GetAtt / Ref of roles and generated names', () => {
    const t = readIac(parseTemplateDocument(template.path, template.text))!;
    assert.equal(t.tool, 'cdk');
    assert.equal(t.stackName, 'BatchStack');
    const ids = t.resources.map((r) => `${r.id}=${r.name}`);
    assert.deepEqual(ids, ['Compute0F1C7D7E=BatchStack-Compute0F1C7D7E', 'QueueF7C6D4B2=cdk-queue', 'HelloJobDef5D9E2A17=BatchStack-HelloJobDef5D9E2A17', 'FromRepoJobDef8E1F4C62=from-repo']);
    const hello = t.resources[2].value as Record<string, Loose>;
    assert.equal(hello.containerProperties.executionRoleArn, 'arn:aws:iam::000000000000:role/BatchStack-HelloJobDefExecutionRole4C9A0B21');
    assert.equal((t.resources[3].value as Loose).containerProperties.image, '000000000000.dkr.ecr.us-east-1.amazonaws.com/batchstack-repo02ac86cf:latest');
    const ce = t.resources[0].value as Record<string, Loose>;
    assert.equal(ce.type, 'MANAGED', 'the CDK writes managed');
    assert.equal(ce.computeResources.updateToLatestImageVersion, undefined, 'CloudFormation-only properties are dropped');
    assert.equal(ce.replaceComputeEnvironment, undefined);
    assert.deepEqual(t.diagnostics, []);
  });

  it('lets workflows name template job definitions and queues by logical id or name', () => {
    const wf = source('cdk/hello.workflow.yaml');
    const { diagnostics, workspace } = indexAndValidate([template, wf, source('cdk/cdk.out/tree.json'), source('cdk/cdk.out/manifest.json')]);
    assert.deepEqual(diagnostics.map((d) => `${d.file}:${at(d)} ${d.message}`), []);
    assert.equal(workspace.templates.length, 1, 'tree.json and manifest.json are not templates');
    assert.equal(workspace.jobDefinition('HelloJobDef5D9E2A17')?.name, 'BatchStack-HelloJobDef5D9E2A17');
    const broken = { path: 'broken.workflow.yaml', text: 'jobs:\n  a:\n    jobDefinition: HelloJobDef5D9E2A1\n    jobQueue: cdk-queu\n' };
    const rules = indexAndValidate([template, broken]).diagnostics.map((d) => `${at(d)} ${d.rule}`);
    assert.deepEqual(rules, ['3:20 unknown-job-definition', '4:15 unknown-job-queue']);
  });
});

describe('IaC: Terraform show -json (unit)', () => {
  const plan = source('terraform/plan.json');

  it('reads a plan: container_properties JSON, blocks, modules, and compute environments known only from the configuration', () => {
    const { workspace, diagnostics } = indexAndValidate([plan]);
    const hello = workspace.jobDefinition('aws_batch_job_definition.hello')!;
    assert.equal(hello.name, 'tf-hello');
    assert.deepEqual(hello.value.retryStrategy, { attempts: 3, evaluateOnExit: [{ action: 'RETRY', onExitCode: '1' }] });
    assert.deepEqual(hello.value.timeout, { attemptDurationSeconds: 120 });
    assert.equal((hello.value.containerProperties as Loose).image, 'localbatch-busybox:latest');
    assert.deepEqual(hello.value.tags, { team: 'data' });
    assert.equal(hello.value.deregisterOnNewRevision, undefined);
    assert.ok(workspace.jobDefinition('tf-nightly'), 'a child module resource');
    assert.deepEqual(workspace.jobQueue('tf-queue')?.value.computeEnvironmentOrder, [{ order: 1, computeEnvironment: 'arn:aws:batch:us-east-1:000000000000:compute-environment/tf-fargate' }]);
    assert.deepEqual((workspace.computeEnvironment('tf-fargate')?.value as Loose).computeResources, { maxvCpus: 16, securityGroupIds: ['sg-0123456789abcdef0'], subnets: ['subnet-0123456789abcdef0'], type: 'FARGATE' });
    const pending = diagnostics.filter((d) => d.rule === 'terraform-unknown-value');
    assert.deepEqual(pending.map(at), [`${lineOf(plan.text, '"address": "aws_batch_job_definition.pending"') - 1}:9`]);
    assert.equal(workspace.jobDefinition('tf-pending'), undefined);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error' && d.rule !== 'terraform-unknown-value').map((d) => `${at(d)} ${d.rule} ${d.message}`), []);
  });

  it('an eks_properties value a plan knows only after apply is reported, and that definition left out', () => {
    const plan = JSON.stringify({ format_version: '1.2', planned_values: { root_module: { resources: [
      { address: 'aws_batch_job_definition.k8s', mode: 'managed', type: 'aws_batch_job_definition', name: 'k8s', values: { name: 'k8s', type: 'container', eks_properties: [{ pod_properties: [{ containers: [{ command: ['run'] }] }] }] } },
    ] } }, resource_changes: [
      { address: 'aws_batch_job_definition.k8s', change: { after_unknown: { eks_properties: [{ pod_properties: [{ containers: [{ image: true }] }] }] } } },
    ] }, null, 2);
    const { diagnostics, workspace } = indexAndValidate([{ path: 'plan.json', text: plan }]);
    assert.deepEqual(diagnostics.map((d) => `${d.rule} ${d.message}`), ['terraform-unknown-value aws_batch_job_definition.k8s: a value in eks_properties is known only after apply in this plan (it uses values of resources not created yet); read the state (terraform show -json after apply) instead']);
    assert.equal(workspace.jobDefinition('k8s'), undefined);
  });

  it('reports rules at the attribute inside the plan, and reads a state too', () => {
    const state = JSON.stringify({ format_version: '1.0', values: { root_module: { resources: [
      { address: 'aws_batch_job_queue.q', mode: 'managed', type: 'aws_batch_job_queue', name: 'q', values: { name: 'q', priority: 1, state: 'enabled', compute_environments: ['arn:aws:batch:us-east-1:1:compute-environment/a', 'arn:aws:batch:us-east-1:1:compute-environment/b', 'arn:aws:batch:us-east-1:1:compute-environment/c', 'arn:aws:batch:us-east-1:1:compute-environment/d'] } },
      { address: 'aws_batch_job_definition.k8s', mode: 'managed', type: 'aws_batch_job_definition', name: 'k8s', values: { name: 'k8s', type: 'container', propagate_tags: false, eks_properties: [{ pod_properties: [{ containers: [{ image: 'busybox', env: [{ name: 'AWS_BATCH_MINE', value: 'x' }], resources: [{ limits: { cpu: '1', 'nvidia.com/gpu': '1' } }], security_context: [{ privileged: false, read_only_root_file_system: true, run_as_user: 0, run_as_group: 0, run_as_non_root: false }] }], image_pull_secret: [{ name: 'regcred' }], metadata: [{ labels: { app: 'k8s' } }], host_network: true, dns_policy: '', volumes: [{ name: 'scratch', empty_dir: [{ medium: '', size_limit: '1Gi' }], host_path: [], secret: [] }] }] }] } },
      { address: 'aws_batch_job_definition.bad', mode: 'managed', type: 'aws_batch_job_definition', name: 'bad', values: { name: 'bad', type: 'container', container_properties: '{"image": "broken",' } },
      { address: 'aws_batch_job_definition.j', mode: 'managed', type: 'aws_batch_job_definition', name: 'j', values: { name: 'j', type: 'container', retry_strategy: [{ attempts: 11 }], container_properties: '{"image":"busybox","resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"512"}]}' } },
    ] } } }, null, 2);
    const { diagnostics, workspace } = indexAndValidate([{ path: 'terraform.tfstate.json', text: state }]);
    assert.equal(workspace.jobQueue('q')?.value.state, 'ENABLED');
    const got = diagnostics.map((d) => `${at(d)} ${d.rule}`);
    const line = (g: string) => Number(g.split(':')[0]);
    assert.deepEqual(got.filter((g) => g.endsWith('queue-compute-environment-limit')).map(line), [lineOf(state, '"compute_environments"')]);
    assert.deepEqual(got.filter((g) => g.endsWith('retry-attempts-range')).map(line), [lineOf(state, '"attempts": 11')]);
    // Invalid JSON is reported once, at the attribute (not also as a definition without a body).
    const badAt = (g: string) => line(g) > lineOf(state, 'aws_batch_job_definition.bad') && line(g) < lineOf(state, 'aws_batch_job_definition.j');
    assert.deepEqual(got.filter(badAt), [`${lineOf(state, 'broken')}:37 terraform-unknown-value`]);
    assert.deepEqual(got.filter((g) => g.endsWith('job-definition-shape')), []);
    // An EKS definition's eks_properties blocks are read as the AWS provider sends them, and
    // problems are reported inside them.
    assert.deepEqual(got.filter((g) => g.endsWith('env-reserved-name')).map(line), [lineOf(state, '"name": "AWS_BATCH_MINE"')]);
    // (every state holds propagate_tags: false; the provider never sends false, and an EKS definition must not set it)
    assert.deepEqual(got.filter((g) => g.endsWith('eks-unsupported-field')), []);
    assert.equal(workspace.jobDefinition('k8s')?.value.propagateTags, undefined);
    assert.deepEqual(workspace.jobDefinition('k8s')?.value.eksProperties, { podProperties: {
      containers: [{ image: 'busybox', env: [{ name: 'AWS_BATCH_MINE', value: 'x' }], resources: { limits: { cpu: '1', 'nvidia.com/gpu': '1' } }, securityContext: { privileged: false, readOnlyRootFilesystem: true, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false } }],
      imagePullSecrets: [{ name: 'regcred' }],
      metadata: { labels: { app: 'k8s' } },
      hostNetwork: true,
      volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1Gi' } }],
    } });
  });
});

describe('IaC: documents and views (unit)', () => {
  it('a view maps its paths into the document it views', () => {
    const base = SourceDocument.parse('x.json', '{\n  "A": {\n    "B": 1\n  }\n}', 'json');
    const view = SourceDocument.view(base, { a: { b: 1 } }, (p) => ({ path: p.map((s) => String(s).toUpperCase()) }));
    assert.equal(view.file, 'x.json');
    assert.deepEqual(view.rangeOf(['a', 'b']).start, { line: 2, column: 9 });
    assert.ok(view.has(['a', 'b']));
    assert.equal(view.source, base);
  });

  it('Workspace.fromDocuments finds templates among documents of no kind', () => {
    const doc = parseTemplateDocument('t.yaml', 'Resources:\n  J:\n    Type: AWS::Batch::JobQueue\n    Properties: {Priority: 1, ComputeEnvironmentOrder: []}\n');
    const ws = Workspace.fromDocuments([doc]);
    assert.equal(ws.jobQueue('J')?.name, 't-J');
    assert.equal(ws.jobQueue('J')?.origin?.template.tool, 'cloudformation');
  });
});
