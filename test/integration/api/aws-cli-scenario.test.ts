import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkDocker } from '../../../src/emulator/runtime/docker';
import Docker from 'dockerode';
import { ensureTestImage } from '../../support/docker';
// (bin/localbatch.js runs dist/cli.js: built again when the sources are newer, also when this file runs alone)
import { buildOnce } from '../../support/integration-setup.js';

/**
 * A realistic AWS CLI session against `localbatch serve` (bin/localbatch.js), as a user would run
 * it: `AWS_SHARED_CREDENTIALS_FILE=<state>/credentials aws --profile localbatch --endpoint-url ...`.
 * Each `aws` start costs one to several seconds here, so the whole session is one bash run whose
 * calls print `=== <name> <exit code>` before their output.
 */

const ROOT = path.resolve(__dirname, '../../..');
const ACCOUNT = '000000000000';
const ARN = `arn:aws:batch:us-east-1:${ACCOUNT}`;

const PRELUDE = String.raw`
set -u
A() { aws --profile localbatch --endpoint-url "$ENDPOINT" --output json "$@"; }
call() { local name=$1; shift; local out; out=$(A "$@" 2>&1); echo "=== $name $?"; echo "$out"; }
val() { A "$@" --output text; }
# Polls until every job given is SUCCEEDED or FAILED (bounded).
settle() { local i; for i in $(seq 1 40); do
  local left; left=$(val batch describe-jobs --jobs "$@" --query 'length(jobs[?status!=` + "`SUCCEEDED`" + String.raw` && status!=` + "`FAILED`" + String.raw`])')
  [ "$left" = "0" ] && return 0; sleep 0.5; done; echo "settle: gave up on $*" >&2; }
# Polls until job $1 has status $2 (bounded).
until_status() { local i; for i in $(seq 1 40); do
  [ "$(val batch describe-jobs --jobs "$1" --query 'jobs[0].status')" = "$2" ] && return 0; sleep 0.5; done; echo "until_status: $1 never $2" >&2; }
`;

const SCRIPTED = String.raw`
cat > "$W/jd.json" <<'JSON'
{
  "jobDefinitionName": "jd-cli",
  "type": "container",
  "parameters": {"msg": "default"},
  "containerProperties": {
    "image": "localbatch-busybox:latest",
    "command": ["sh", "-c", "echo Ref::msg; echo line2; echo attempt=$AWS_BATCH_JOB_ATTEMPT idx=$AWS_BATCH_JOB_ARRAY_INDEX FOO=$FOO"],
    "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "256"}],
    "environment": [{"name": "FOO", "value": "bar"}]
  },
  "retryStrategy": {"attempts": 2},
  "timeout": {"attemptDurationSeconds": 120},
  "tags": {"team": "x"},
  "propagateTags": true
}
JSON
# --- compute environments
call ce_managed batch create-compute-environment --compute-environment-name ce-managed --type MANAGED --state ENABLED --compute-resources type=EC2,minvCpus=0,maxvCpus=16,desiredvCpus=0,instanceTypes=optimal,subnets=subnet-1234,securityGroupIds=sg-1234,instanceRole=ecsInstanceRole --service-role arn:aws:iam::123456789012:role/AWSBatchServiceRole --tags env=dev
call ce_un batch create-compute-environment --compute-environment-name ce-un --type UNMANAGED
call ce_small batch create-compute-environment --compute-environment-name small --type MANAGED --compute-resources type=EC2,minvCpus=0,maxvCpus=1,instanceTypes=optimal,subnets=s,securityGroupIds=g,instanceRole=r
call ce_dup batch create-compute-environment --compute-environment-name ce-un --type UNMANAGED
call ce_one batch describe-compute-environments --compute-environments ce-managed
call ce_page1 batch describe-compute-environments --max-items 1
TOKEN=$(A batch describe-compute-environments --max-items 1 --query NextToken | tr -d '"')
call ce_page2 batch describe-compute-environments --max-items 1 --starting-token "$TOKEN"
call ce_pages batch describe-compute-environments --page-size 1 --query 'computeEnvironments[].computeEnvironmentName'
# --- job queues
call jq_create batch create-job-queue --job-queue-name q1 --priority 10 --compute-environment-order order=1,computeEnvironment=ce-managed order=2,computeEnvironment=ce-un
call jq_small batch create-job-queue --job-queue-name sq --priority 1 --compute-environment-order order=1,computeEnvironment=small
call jq_prio batch update-job-queue --job-queue q1 --priority 5
call jq_disable batch update-job-queue --job-queue q1 --state DISABLED
call jq_desc batch describe-job-queues --job-queues q1
# --- job definitions
call jd_r1 batch register-job-definition --job-definition-name jd-flags --type container --container-properties '{"image":"localbatch-busybox:latest","command":["echo","hello"],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"128"}]}'
call jd_r2 batch register-job-definition --job-definition-name jd-flags --type container --container-properties '{"image":"localbatch-busybox:latest","command":["echo","hello2"],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"128"}]}'
call jd_file batch register-job-definition --cli-input-json "file://$W/jd.json"
call jd_sleep batch register-job-definition --job-definition-name sleeper --type container --container-properties '{"image":"localbatch-busybox:latest","command":["sh","-c","echo start; sleep 600"],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"128"}]}'
call submit_disabled batch submit-job --job-name x --job-queue q1 --job-definition jd-cli
val batch update-job-queue --job-queue q1 --state ENABLED >/dev/null
call jd_byname batch describe-job-definitions --job-definition-name jd-flags
call jd_rev batch describe-job-definitions --job-definitions jd-flags:1
call jd_dereg batch deregister-job-definition --job-definition jd-flags:1
call jd_active batch describe-job-definitions --job-definition-name jd-flags --status ACTIVE
call submit_inactive batch submit-job --job-name x --job-queue q1 --job-definition jd-flags:1
# --- jobs
J1=$(val batch submit-job --job-name plain --job-queue q1 --job-definition jd-cli --query jobId)
AR=$(val batch submit-job --job-name arr --job-queue q1 --job-definition jd-cli --array-properties size=3 --parameters msg=hello --tags a=b --propagate-tags --query jobId)
N2N=$(val batch submit-job --job-name arr-n2n --job-queue "$ARN:job-queue/q1" --job-definition jd-cli --array-properties size=3 --depends-on "jobId=$AR,type=N_TO_N" --query jobId)
DEP=$(val batch submit-job --job-name dep --job-queue q1 --job-definition "$ARN:job-definition/jd-flags:2" --depends-on "jobId=$J1" --query jobId)
OVR=$(val batch submit-job --job-name ovr --job-queue q1 --job-definition jd-cli --container-overrides '{"command":["sh","-c","echo over $FOO $BAR; exit 3"],"environment":[{"name":"BAR","value":"baz"}],"resourceRequirements":[{"type":"MEMORY","value":"64"}]}' --retry-strategy '{"attempts":3,"evaluateOnExit":[{"onExitCode":"3","action":"RETRY"},{"onExitCode":"*","action":"EXIT"}]}' --timeout attemptDurationSeconds=60 --query jobId)
echo "=== ids 0"; echo "{\"J1\":\"$J1\",\"AR\":\"$AR\",\"N2N\":\"$N2N\",\"DEP\":\"$DEP\",\"OVR\":\"$OVR\"}"
settle "$J1" "$AR" "$N2N" "$DEP" "$OVR"
call describe batch describe-jobs --jobs "$J1" "$AR" "$AR:1" "$N2N" "$N2N:2" "$DEP" "$OVR"
call list_succeeded batch list-jobs --job-queue q1 --job-status SUCCEEDED
call list_failed batch list-jobs --job-queue q1 --job-status FAILED
call list_default batch list-jobs --job-queue q1
call list_children batch list-jobs --array-job-id "$AR" --job-status SUCCEEDED
call list_name batch list-jobs --job-queue q1 --filters 'name=JOB_NAME,values=ARR*'
call list_jd batch list-jobs --job-queue q1 --filters name=JOB_DEFINITION,values=jd-flags
call list_after batch list-jobs --job-queue q1 --filters "name=AFTER_CREATED_AT,values=$(val batch describe-jobs --jobs "$DEP" --query 'jobs[0].createdAt')"
call list_items batch list-jobs --job-queue q1 --job-status SUCCEEDED --max-items 2 --page-size 1
# --- cancel / terminate on a queue with room for one job
R=$(val batch submit-job --job-name hold-run --job-queue sq --job-definition sleeper --query jobId)
until_status "$R" RUNNING
Q1=$(val batch submit-job --job-name hold-q1 --job-queue sq --job-definition sleeper --query jobId)
Q2=$(val batch submit-job --job-name hold-q2 --job-queue sq --job-definition sleeper --query jobId)
P1=$(val batch submit-job --job-name hold-p1 --job-queue sq --job-definition sleeper --depends-on "jobId=$Q1" --query jobId)
echo "=== ids2 0"; echo "{\"R\":\"$R\",\"Q1\":\"$Q1\",\"Q2\":\"$Q2\",\"P1\":\"$P1\"}"
call held batch describe-jobs --jobs "$R" "$Q1" "$Q2" "$P1" --query 'jobs[].status'
call snapshot batch get-job-queue-snapshot --job-queue sq
call cancel_running batch cancel-job --job-id "$R" --reason "cancel running"
call cancel_runnable batch cancel-job --job-id "$Q2" --reason "cancel runnable"
call cancel_pending batch cancel-job --job-id "$P1" --reason "cancel pending"
call terminate_running batch terminate-job --job-id "$R" --reason "terminate running"
until_status "$Q1" RUNNING
call terminate_q1 batch terminate-job --job-id "$Q1" --reason "terminate q1"
settle "$R" "$Q1" "$Q2" "$P1"
call stopped batch describe-jobs --jobs "$R" "$Q1" "$Q2" "$P1"
# --- tags and scheduling policies
call tag batch tag-resource --resource-arn "$ARN:job-queue/q1" --tags k1=v1,k2=v2
call untag batch untag-resource --resource-arn "$ARN:job-queue/q1" --tag-keys k1
call tags batch list-tags-for-resource --resource-arn "$ARN:job-queue/q1"
call job_tags batch list-tags-for-resource --resource-arn "$ARN:job/$AR"
call sp_create batch create-scheduling-policy --name sp1 --fairshare-policy 'shareDecaySeconds=3600,computeReservation=1,shareDistribution=[{shareIdentifier=A,weightFactor=0.5}]' --tags x=y
call sp_update batch update-scheduling-policy --arn "$ARN:scheduling-policy/sp1" --fairshare-policy shareDecaySeconds=60
call sp_desc batch describe-scheduling-policies --arns "$ARN:scheduling-policy/sp1"
call sp_list batch list-scheduling-policies
call sp_delete batch delete-scheduling-policy --arn "$ARN:scheduling-policy/sp1"
# --- logs
STREAM=$(val batch describe-jobs --jobs "$J1" --query 'jobs[0].container.logStreamName')
call log_all logs get-log-events --log-group-name /aws/batch/job --log-stream-name "$STREAM" --start-from-head
call log_first logs get-log-events --log-group-name /aws/batch/job --log-stream-name "$STREAM" --start-from-head --limit 1
FWD=$(A logs get-log-events --log-group-name /aws/batch/job --log-stream-name "$STREAM" --start-from-head --limit 1 --query nextForwardToken --output text)
call log_next logs get-log-events --log-group-name /aws/batch/job --log-stream-name "$STREAM" --limit 1 --next-token "$FWD"
call log_filter logs filter-log-events --log-group-name /aws/batch/job --log-stream-names "$STREAM" --filter-pattern line2
call log_streams logs describe-log-streams --log-group-name /aws/batch/job --log-stream-name-prefix jd-cli/
call log_missing logs get-log-events --log-group-name /aws/batch/job --log-stream-name nope/default/0
# --- a head of queue that can never fit blocks its queue until cancelled
call jq_blocked batch create-job-queue --job-queue-name bq --priority 1 --compute-environment-order order=1,computeEnvironment=small --job-state-time-limit-actions reason=MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE,state=RUNNABLE,maxTimeSeconds=600,action=CANCEL
call jq_badlimit batch create-job-queue --job-queue-name bq2 --priority 1 --compute-environment-order order=1,computeEnvironment=small --job-state-time-limit-actions reason=MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE,state=RUNNABLE,maxTimeSeconds=60,action=CANCEL
BIG=$(val batch submit-job --job-name big --job-queue bq --job-definition jd-cli --container-overrides '{"resourceRequirements":[{"type":"VCPU","value":"4"}]}' --query jobId)
BEHIND=$(val batch submit-job --job-name behind-big --job-queue bq --job-definition jd-cli --query jobId)
for i in $(seq 1 40); do [ "$(val batch describe-jobs --jobs "$BIG" --query 'jobs[0].statusReason')" != "None" ] && break; sleep 0.25; done
call blocked batch describe-jobs --jobs "$BIG" "$BEHIND" --query 'jobs[].[status,statusReason]'
call blocked_list batch list-jobs --job-queue bq --job-status RUNNABLE --query 'jobSummaryList[].[jobName,statusReason]'
call blocked_q batch describe-job-queues --job-queues bq --query 'jobQueues[0].jobStateTimeLimitActions'
call cancel_big batch cancel-job --job-id "$BIG" --reason "too big for this queue"
settle "$BIG" "$BEHIND"
call unblocked batch describe-jobs --jobs "$BIG" "$BEHIND" --query 'jobs[].[status,statusReason]'
val batch update-job-queue --job-queue bq --state DISABLED >/dev/null
val batch delete-job-queue --job-queue bq >/dev/null
# --- consumable resources: a licence of 1 runs its jobs one at a time
call cr_create batch create-consumable-resource --consumable-resource-name licence --total-quantity 1 --resource-type REPLENISHABLE
call cr_jd batch register-job-definition --job-definition-name licensed --type container --consumable-resource-properties 'consumableResourceList=[{consumableResource=licence,quantity=1}]' --container-properties '{"image":"localbatch-busybox:latest","command":["sh","-c","sleep 1"],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"64"}]}'
L1=$(val batch submit-job --job-name lic-1 --job-queue q1 --job-definition licensed --query jobId)
L2=$(val batch submit-job --job-name lic-2 --job-queue q1 --job-definition licensed --query jobId)
call cr_desc batch describe-consumable-resource --consumable-resource licence
call cr_jobs batch list-jobs-by-consumable-resource --consumable-resource licence --query 'jobs[].[jobName,quantity]'
settle "$L1" "$L2"
call cr_done batch describe-jobs --jobs "$L1" "$L2" --query 'jobs[].[status,startedAt,stoppedAt]'
call cr_list batch list-consumable-resources --filters 'name=CONSUMABLE_RESOURCE_NAME,values=LIC*'
call cr_update batch update-consumable-resource --consumable-resource licence --operation ADD --quantity 2
call cr_delete batch delete-consumable-resource --consumable-resource licence
call cr_gone batch describe-consumable-resource --consumable-resource licence
# --- multi-node: node ranges, nodes describable and listable as <jobId>#<n>
call mnp_jd batch register-job-definition --job-definition-name mnp --type multinode --node-properties '{"numNodes":3,"mainNode":0,"nodeRangeProperties":[{"targetNodes":"0","container":{"image":"localbatch-busybox:latest","command":["sh","-c","sleep 20; echo main"],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"64"}]}},{"targetNodes":"1:","container":{"image":"localbatch-busybox:latest","command":["sh","-c","echo worker $AWS_BATCH_JOB_NODE_INDEX of $AWS_BATCH_JOB_NUM_NODES; sleep 60"],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"64"}]}}]}'
MNP=$(val batch submit-job --job-name mnp --job-queue q1 --job-definition mnp --query jobId)
until_status "$MNP" RUNNING
call mnp_nodes batch list-jobs --multi-node-job-id "$MNP" --job-status RUNNING --query 'jobSummaryList[].[jobId,nodeProperties.nodeIndex,nodeProperties.isMainNode]'
call mnp_node1 batch describe-jobs --jobs "$MNP#1" --query 'jobs[0].[jobId,nodeDetails.nodeIndex,nodeDetails.isMainNode,container.command[2]]'
settle "$MNP"
call mnp_done batch describe-jobs --jobs "$MNP" --query 'jobs[0].[status,nodeProperties.numNodes]'
# --- multi-container: dependsOn order, essential exit stops the sidecar
call mc_jd batch register-job-definition --job-definition-name mc --type container --ecs-properties '{"taskProperties":[{"containers":[{"name":"init","essential":false,"image":"localbatch-busybox:latest","command":["sh","-c","sleep 2; echo init"],"dependsOn":[{"containerName":"sidecar","condition":"START"}],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"64"}]},{"name":"sidecar","essential":false,"image":"localbatch-busybox:latest","command":["sh","-c","sleep 600"],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"64"}]},{"name":"app","image":"localbatch-busybox:latest","command":["sh","-c","echo app"],"dependsOn":[{"containerName":"init","condition":"SUCCESS"},{"containerName":"sidecar","condition":"START"}],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"64"}]}]}]}'
MC=$(val batch submit-job --job-name mc --job-queue q1 --job-definition mc --query jobId)
settle "$MC"
call mc_done batch describe-jobs --jobs "$MC" --query 'jobs[0].[status,attempts[0].taskProperties[0].containers[].[name,exitCode]]'
read -r MC_INIT MC_SIDECAR MC_APP <<< "$(val batch describe-jobs --jobs "$MC" --query 'jobs[0].attempts[0].taskProperties[0].containers[].logStreamName')"
call mc_init_log logs get-log-events --log-group-name /aws/batch/job --log-stream-name "$MC_INIT" --start-from-head --query 'events[].[timestamp,message]'
call mc_app_log logs get-log-events --log-group-name /aws/batch/job --log-stream-name "$MC_APP" --start-from-head --query 'events[].[timestamp,message]'
# --- fair share: a scheduling policy on a queue, jobs with share identifiers
call fs_policy batch create-scheduling-policy --name teams --fairshare-policy 'shareDecaySeconds=0,computeReservation=0,shareDistribution=[{shareIdentifier=blue,weightFactor=0.5},{shareIdentifier=green,weightFactor=1}]'
call fs_queue batch create-job-queue --job-queue-name fsq --priority 1 --scheduling-policy-arn "$ARN:scheduling-policy/teams" --compute-environment-order order=1,computeEnvironment=ce-managed
call fs_noshare batch submit-job --job-name noshare --job-queue fsq --job-definition jd-cli
FS1=$(val batch submit-job --job-name blue-1 --job-queue fsq --job-definition jd-cli --share-identifier blue --scheduling-priority-override 5 --query jobId)
settle "$FS1"
call fs_done batch describe-jobs --jobs "$FS1" --query 'jobs[0].[status,shareIdentifier,schedulingPriority]'
call fs_list batch list-jobs --job-queue fsq --filters name=SHARE_IDENTIFIER,values=blue --job-status SUCCEEDED --query 'jobSummaryList[].jobName'
val batch update-job-queue --job-queue fsq --state DISABLED >/dev/null
val batch delete-job-queue --job-queue fsq >/dev/null
# --- errors
call err_jd batch submit-job --job-name x --job-queue q1 --job-definition nope
call err_101 batch describe-jobs --jobs $(seq 1 101)
call err_both batch list-jobs --job-queue q1 --array-job-id abc
call err_none batch list-jobs
call err_image batch register-job-definition --job-definition-name bad --type container --container-properties '{"command":["x"]}'
call err_retry batch submit-job --job-name x --job-queue q1 --job-definition jd-cli --retry-strategy '{"evaluateOnExit":[{"onExitCode":"1","action":"RETRY"}]}'
call err_size batch submit-job --job-name x --job-queue q1 --job-definition jd-cli --array-properties size=1
call err_cancel batch cancel-job --job-id nope --reason x
call err_svcjob batch describe-service-job --job-id nope
# --- teardown
call del_enabled batch delete-job-queue --job-queue sq
call del_ce_used batch delete-compute-environment --compute-environment small
val batch update-job-queue --job-queue sq --state DISABLED >/dev/null
call del_q batch delete-job-queue --job-queue sq
for i in $(seq 1 20); do [ "$(val batch describe-job-queues --job-queues sq bq --query 'length(jobQueues)')" = "0" ] && break; sleep 0.5; done
val batch update-compute-environment --compute-environment small --state DISABLED >/dev/null
call del_ce batch delete-compute-environment --compute-environment small
call gone batch describe-job-queues --job-queues sq
`;

const DOCKER = String.raw`
call reg batch register-job-definition --job-definition-name rt-hello --type container --container-properties '{"image":"localbatch-busybox:latest","command":["sh","-c","echo hello from $AWS_BATCH_JOB_ID; echo bye"],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"64"}]}'
J=$(val batch submit-job --job-name rt --job-queue local --job-definition rt-hello --query jobId)
echo "=== id 0"; echo "\"$J\""
settle "$J"
call job batch describe-jobs --jobs "$J"
STREAM=$(val batch describe-jobs --jobs "$J" --query 'jobs[0].container.logStreamName')
call logs logs get-log-events --log-group-name /aws/batch/job --log-stream-name "$STREAM" --start-from-head
`;

interface Section {
  readonly code: number;
  readonly text: string;
}

function bash(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('bash', ['-c', script], { env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

function sectionsOf(stdout: string): Map<string, Section> {
  const out = new Map<string, Section>();
  let current: { name: string; code: number; lines: string[] } | undefined;
  const flush = () => current && out.set(current.name, { code: current.code, text: current.lines.join('\n').trim() });
  for (const line of stdout.split('\n')) {
    const m = /^=== (\S+) (\d+)$/.exec(line);
    if (m) {
      flush();
      current = { name: m[1], code: Number(m[2]), lines: [] };
    } else current?.lines.push(line);
  }
  flush();
  return out;
}

class Serve {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'localbatch-aws-cli-'));
  readonly state = path.join(this.dir, 'state');
  private child?: ChildProcess;
  endpoint = '';

  async start(runtime: 'scripted' | 'docker'): Promise<void> {
    this.child = spawn(process.execPath, [path.join(ROOT, 'bin/localbatch.js'), 'serve', '--runtime', runtime, '--port', '0', '--state-dir', this.state], {
      cwd: this.dir,
      stdio: 'ignore',
    });
    const file = path.join(this.state, 'endpoint.json');
    const deadline = Date.now() + 45_000;
    while (!existsSync(file)) {
      if (this.child.exitCode !== null) throw new Error(`localbatch serve exited with ${this.child.exitCode}`);
      if (Date.now() > deadline) throw new Error('localbatch serve did not write endpoint.json within 45 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    this.endpoint = (JSON.parse(readFileSync(file, 'utf8')) as { url: string }).url;
  }

  async run(body: string, timeoutMs: number): Promise<Map<string, Section>> {
    const work = path.join(this.dir, 'work');
    spawnSync('mkdir', ['-p', work]);
    writeFileSync(path.join(work, 'session.sh'), PRELUDE + body);
    const env = {
      PATH: process.env.PATH,
      HOME: this.dir,
      AWS_SHARED_CREDENTIALS_FILE: path.join(this.state, 'credentials'),
      AWS_CONFIG_FILE: path.join(this.dir, 'no-config'),
      ENDPOINT: this.endpoint,
      W: work,
      ARN,
    };
    const r = await bash(`bash "${path.join(work, 'session.sh')}"`, env, timeoutMs);
    if (r.code !== 0) throw new Error(`session exited ${r.code}: ${r.stderr.slice(-2000)}`);
    return sectionsOf(r.stdout);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function accessor(sections: Map<string, Section>) {
  const get = (name: string): Section => {
    const s = sections.get(name);
    assert.ok(s, `no output for ${name}`);
    return s;
  };
  return {
    json(name: string): Json {
      const s = get(name);
      assert.equal(s.code, 0, `${name} failed: ${s.text}`);
      return s.text === '' ? {} : (JSON.parse(s.text) as Json);
    },
    /** An AWS CLI error: non-zero exit and AWS's one-line message, never a stack trace or a 500. */
    error(name: string, op: string, message: RegExp, type = 'ClientException'): void {
      const s = get(name);
      assert.notEqual(s.code, 0, `${name} succeeded: ${s.text}`);
      assert.match(s.text, new RegExp(`An error occurred \\(${type}\\) when calling the ${op} operation: `), s.text);
      assert.match(s.text, message, s.text);
      assert.doesNotMatch(s.text, /Traceback|ServerException|\(500\)|at .+\.ts:\d+/);
    },
  };
}

const isMs = (v: unknown) => Number.isInteger(v) && (v as number) > 1.5e12 && (v as number) < 1e13;

describe('AWS CLI scenario against localbatch serve (integration)', function () {
  this.timeout(900_000);

  describe('scripted runtime', () => {
    const serve = new Serve();
    let out: ReturnType<typeof accessor>;

    before(async function () {
      this.timeout(900_000);
      buildOnce();
      await serve.start('scripted');
      out = accessor(await serve.run(SCRIPTED, 850_000));
    });
    after(() => serve.stop());

    it('creates and describes compute environments, with CLI pagination', () => {
      assert.deepEqual(out.json('ce_managed'), { computeEnvironmentName: 'ce-managed', computeEnvironmentArn: `${ARN}:compute-environment/ce-managed` });
      assert.equal(out.json('ce_un').computeEnvironmentArn, `${ARN}:compute-environment/ce-un`);
      out.error('ce_dup', 'CreateComputeEnvironment', /ce-un/);
      const ce = out.json('ce_one').computeEnvironments as Json[];
      assert.equal(ce.length, 1);
      assert.equal(ce[0].type, 'MANAGED');
      assert.equal(ce[0].state, 'ENABLED');
      assert.ok(['CREATING', 'VALID'].includes(ce[0].status as string));
      assert.deepEqual(ce[0].tags, { env: 'dev' });
      assert.equal(ce[0].serviceRole, 'arn:aws:iam::123456789012:role/AWSBatchServiceRole');
      assert.deepEqual(
        { ...ce[0].computeResources },
        { type: 'EC2', minvCpus: 0, maxvCpus: 16, desiredvCpus: 0, instanceTypes: ['optimal'], subnets: ['subnet-1234'], securityGroupIds: ['sg-1234'], instanceRole: 'ecsInstanceRole' },
      );
      const p1 = out.json('ce_page1');
      const p2 = out.json('ce_page2');
      assert.equal(p1.computeEnvironments.length, 1);
      assert.equal(typeof p1.NextToken, 'string');
      assert.equal(p2.computeEnvironments.length, 1);
      assert.notEqual(p2.computeEnvironments[0].computeEnvironmentName, p1.computeEnvironments[0].computeEnvironmentName);
      assert.deepEqual(out.json('ce_pages'), ['local', 'ce-managed', 'ce-un', 'small']);
    });

    it('creates, updates and disables job queues; a DISABLED queue refuses jobs', () => {
      assert.deepEqual(out.json('jq_create'), { jobQueueName: 'q1', jobQueueArn: `${ARN}:job-queue/q1` });
      assert.deepEqual(out.json('jq_prio'), { jobQueueName: 'q1', jobQueueArn: `${ARN}:job-queue/q1` });
      out.json('jq_disable');
      const [q] = out.json('jq_desc').jobQueues as Json[];
      assert.equal(q.state, 'DISABLED');
      assert.equal(q.priority, 5);
      assert.deepEqual(q.computeEnvironmentOrder, [
        { order: 1, computeEnvironment: `${ARN}:compute-environment/ce-managed` },
        { order: 2, computeEnvironment: `${ARN}:compute-environment/ce-un` },
      ]);
      out.error('submit_disabled', 'SubmitJob', /q1/);
    });

    it('registers job definitions by flags and by --cli-input-json, with revisions', () => {
      assert.deepEqual(out.json('jd_r1'), { jobDefinitionName: 'jd-flags', jobDefinitionArn: `${ARN}:job-definition/jd-flags:1`, revision: 1 });
      assert.deepEqual(out.json('jd_r2'), { jobDefinitionName: 'jd-flags', jobDefinitionArn: `${ARN}:job-definition/jd-flags:2`, revision: 2 });
      assert.equal(out.json('jd_file').jobDefinitionArn, `${ARN}:job-definition/jd-cli:1`);
      const byName = out.json('jd_byname').jobDefinitions as Json[];
      assert.deepEqual(
        byName.map((d) => [d.revision, d.status]),
        [
          [1, 'ACTIVE'],
          [2, 'ACTIVE'],
        ],
      );
      const d = byName[0];
      assert.equal(d.type, 'container');
      assert.deepEqual(d.parameters, {});
      assert.deepEqual(d.containerProperties.command, ['echo', 'hello']);
      for (const k of ['volumes', 'environment', 'mountPoints', 'ulimits', 'secrets']) assert.deepEqual(d.containerProperties[k], [], k);
      assert.deepEqual(
        (out.json('jd_rev').jobDefinitions as Json[]).map((x) => x.jobDefinitionArn),
        [`${ARN}:job-definition/jd-flags:1`],
      );
      assert.deepEqual(out.json('jd_dereg'), {});
      assert.deepEqual(
        (out.json('jd_active').jobDefinitions as Json[]).map((x) => x.revision),
        [2],
      );
      out.error('submit_inactive', 'SubmitJob', /jd-flags:1/);
    });

    it('runs plain, array, N_TO_N, dependent and retried jobs; DescribeJobs in AWS shape', () => {
      const ids = out.json('ids') as Record<string, string>;
      const jobs = out.json('describe').jobs as Json[];
      const byId = new Map(jobs.map((j) => [j.jobId as string, j]));
      assert.equal(jobs.length, 7);
      for (const j of jobs) {
        assert.equal(j.jobArn, `${ARN}:job/${j.jobId}`);
        assert.equal(j.jobQueue, `${ARN}:job-queue/q1`);
        assert.ok(isMs(j.createdAt), `createdAt ${j.createdAt}`);
        assert.ok(isMs(j.startedAt) && isMs(j.stoppedAt), `${j.jobName} startedAt/stoppedAt`);
        assert.ok(Array.isArray(j.attempts) && Array.isArray(j.dependsOn));
        assert.equal(typeof j.container?.image, 'string');
      }
      const plain = byId.get(ids.J1)!;
      assert.equal(plain.status, 'SUCCEEDED');
      assert.equal(plain.statusReason, 'Essential container in task exited');
      assert.equal(plain.attempts.length, 1);
      assert.equal(plain.container.exitCode, 0);
      assert.match(plain.container.logStreamName, /^jd-cli\/default\/[0-9a-f]{32}$/);
      assert.equal(plain.attempts[0].container.logStreamName, plain.container.logStreamName);
      assert.match(plain.container.taskArn, /^arn:aws:ecs:us-east-1:000000000000:task\//);
      assert.ok(isMs(plain.attempts[0].startedAt) && isMs(plain.attempts[0].stoppedAt));
      assert.deepEqual(plain.parameters, { msg: 'default' });
      assert.deepEqual(plain.retryStrategy.attempts, 2);
      assert.deepEqual(plain.timeout, { attemptDurationSeconds: 120 });
      assert.equal(plain.jobDefinition, `${ARN}:job-definition/jd-cli:1`);
      assert.equal(plain.isCancelled, false);
      assert.equal(plain.isTerminated, false);

      const parent = byId.get(ids.AR)!;
      assert.equal(parent.status, 'SUCCEEDED');
      assert.equal(parent.arrayProperties.size, 3);
      assert.equal(parent.arrayProperties.statusSummary.SUCCEEDED, 3);
      assert.ok(isMs(parent.arrayProperties.statusSummaryLastUpdatedAt));
      assert.deepEqual(parent.attempts, []);
      assert.deepEqual(parent.parameters, { msg: 'hello' });
      assert.equal(parent.propagateTags, true);
      assert.equal(parent.tags.a, 'b');
      assert.equal(parent.container.exitCode, undefined);
      const child = byId.get(`${ids.AR}:1`)!;
      assert.deepEqual(child.arrayProperties, { index: 1 });
      assert.equal(child.status, 'SUCCEEDED');

      const n2nChild = byId.get(`${ids.N2N}:2`)!;
      assert.deepEqual(n2nChild.dependsOn, [{ jobId: `${ids.AR}:2`, type: 'N_TO_N' }]);
      assert.deepEqual(byId.get(ids.N2N)!.dependsOn, [{ jobId: ids.AR, type: 'N_TO_N' }]);
      assert.deepEqual(byId.get(ids.DEP)!.dependsOn, [{ jobId: ids.J1 }]);
      assert.equal(byId.get(ids.DEP)!.jobDefinition, `${ARN}:job-definition/jd-flags:2`);

      const ovr = byId.get(ids.OVR)!;
      assert.equal(ovr.status, 'FAILED');
      assert.equal(ovr.attempts.length, 3);
      assert.equal(ovr.container.exitCode, 3);
      assert.deepEqual(ovr.container.command, ['sh', '-c', 'echo over $FOO $BAR; exit 3']);
      assert.deepEqual(ovr.container.environment, [
        { name: 'FOO', value: 'bar' },
        { name: 'BAR', value: 'baz' },
      ]);
      assert.deepEqual(ovr.container.resourceRequirements, [
        { value: '1', type: 'VCPU' },
        { value: '64', type: 'MEMORY' },
      ]);
      assert.deepEqual(ovr.timeout, { attemptDurationSeconds: 60 });
      assert.equal(ovr.retryStrategy.attempts, 3);
    });

    it('lists jobs by status (RUNNING by default), array children, filters and CLI pagination', () => {
      const ids = out.json('ids') as Record<string, string>;
      const names = (name: string) => (out.json(name).jobSummaryList as Json[]).map((j) => j.jobName as string);
      assert.deepEqual(new Set(names('list_succeeded')), new Set(['plain', 'arr', 'arr-n2n', 'dep']));
      assert.deepEqual(names('list_failed'), ['ovr']);
      assert.deepEqual(names('list_default'), []);
      const summary = (out.json('list_failed').jobSummaryList as Json[])[0];
      assert.equal(summary.jobArn, `${ARN}:job/${ids.OVR}`);
      assert.deepEqual(summary.container, { exitCode: 3 });
      assert.ok(isMs(summary.createdAt) && isMs(summary.stoppedAt));
      const children = out.json('list_children').jobSummaryList as Json[];
      assert.deepEqual(
        children.map((c) => [c.jobId, c.arrayProperties.index]),
        [0, 1, 2].map((i) => [`${ids.AR}:${i}`, i]),
      );
      const arr = (out.json('list_succeeded').jobSummaryList as Json[]).find((j) => j.jobName === 'arr')!;
      // ArrayPropertiesSummary: the size, and (in the current model) the children's status counts.
      assert.deepEqual({ ...arr.arrayProperties, statusSummaryLastUpdatedAt: undefined }, { size: 3, statusSummary: { SUBMITTED: 0, PENDING: 0, RUNNABLE: 0, STARTING: 0, RUNNING: 0, SUCCEEDED: 3, FAILED: 0 }, statusSummaryLastUpdatedAt: undefined });
      assert.ok(isMs(arr.arrayProperties.statusSummaryLastUpdatedAt));
      assert.deepEqual(names('list_name'), ['arr-n2n', 'arr']);
      assert.deepEqual(names('list_jd'), ['dep']);
      assert.deepEqual(names('list_after'), ['ovr']);
      const items = out.json('list_items');
      assert.equal(items.jobSummaryList.length, 2);
      assert.equal(typeof items.NextToken, 'string');
    });

    it('cancels SUBMITTED/PENDING/RUNNABLE jobs but not RUNNING ones, which terminate-job stops', () => {
      const ids = out.json('ids2') as Record<string, string>;
      assert.deepEqual(out.json('held'), ['RUNNING', 'RUNNABLE', 'RUNNABLE', 'PENDING']);
      const snap = out.json('snapshot').frontOfQueue;
      assert.deepEqual(
        (snap.jobs as Json[]).map((j) => j.jobArn),
        [`${ARN}:job/${ids.Q1}`, `${ARN}:job/${ids.Q2}`],
      );
      assert.ok((snap.jobs as Json[]).every((j) => isMs(j.earliestTimeAtPosition)) && isMs(snap.lastUpdatedAt));
      for (const n of ['cancel_running', 'cancel_runnable', 'cancel_pending', 'terminate_running', 'terminate_q1']) assert.deepEqual(out.json(n), {});
      const byId = new Map((out.json('stopped').jobs as Json[]).map((j) => [j.jobId as string, j]));
      const r = byId.get(ids.R)!;
      assert.deepEqual([r.status, r.statusReason, r.isTerminated, r.isCancelled], ['FAILED', 'terminate running', true, false]);
      assert.equal(r.attempts.length, 1);
      const q2 = byId.get(ids.Q2)!;
      assert.deepEqual([q2.status, q2.statusReason, q2.isCancelled, q2.attempts.length], ['FAILED', 'cancel runnable', true, 0]);
      const p1 = byId.get(ids.P1)!;
      assert.deepEqual([p1.status, p1.isCancelled, p1.attempts.length], ['FAILED', true, 0]);
      const q1 = byId.get(ids.Q1)!;
      assert.deepEqual([q1.status, q1.statusReason, q1.isTerminated], ['FAILED', 'terminate q1', true]);
    });

    it('tags resources and manages scheduling policies', () => {
      assert.deepEqual(out.json('tag'), {});
      assert.deepEqual(out.json('untag'), {});
      assert.deepEqual(out.json('tags'), { tags: { k2: 'v2' } });
      assert.equal(out.json('job_tags').tags.a, 'b');
      assert.deepEqual(out.json('sp_create'), { name: 'sp1', arn: `${ARN}:scheduling-policy/sp1` });
      assert.deepEqual(out.json('sp_update'), {});
      const [sp] = out.json('sp_desc').schedulingPolicies as Json[];
      assert.equal(sp.name, 'sp1');
      assert.deepEqual(sp.fairsharePolicy, { shareDecaySeconds: 60 });
      assert.deepEqual(sp.tags, { x: 'y' });
      assert.deepEqual(out.json('sp_list'), { schedulingPolicies: [{ arn: `${ARN}:scheduling-policy/sp1` }] });
      assert.deepEqual(out.json('sp_delete'), {});
    });

    it('serves the job logs through aws logs', () => {
      const all = out.json('log_all');
      assert.deepEqual(
        (all.events as Json[]).map((e) => e.message),
        ['default', 'line2', 'attempt=1 idx= FOO=bar'],
      );
      assert.ok((all.events as Json[]).every((e) => isMs(e.timestamp) && isMs(e.ingestionTime)));
      assert.match(all.nextForwardToken, /^f\//);
      assert.match(all.nextBackwardToken, /^b\//);
      assert.deepEqual(
        (out.json('log_first').events as Json[]).map((e) => e.message),
        ['default'],
      );
      assert.deepEqual(
        (out.json('log_next').events as Json[]).map((e) => e.message),
        ['line2'],
      );
      const filtered = out.json('log_filter');
      assert.deepEqual(
        (filtered.events as Json[]).map((e) => e.message),
        ['line2'],
      );
      assert.equal(typeof (filtered.events as Json[])[0].logStreamName, 'string');
      const streams = out.json('log_streams').logStreams as Json[];
      assert.ok(streams.length >= 5);
      assert.ok(streams.every((s) => (s.logStreamName as string).startsWith('jd-cli/') && (s.arn as string).startsWith('arn:aws:logs:us-east-1:000000000000:log-group:/aws/batch/job:log-stream:')));
      out.error('log_missing', 'GetLogEvents', /log stream does not exist/, 'ResourceNotFoundException');
    });

    it('blocks a queue behind a head that can never fit (AWS\'s reason), validates jobStateTimeLimitActions, and moves on once it is cancelled', () => {
      const MAX = 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the CPU requirement of the job.';
      assert.equal(out.json('jq_blocked').jobQueueName, 'bq');
      out.error('jq_badlimit', 'CreateJobQueue', /maxTimeSeconds must be between 600 and 86400/);
      assert.deepEqual(out.json('blocked'), [['RUNNABLE', MAX], ['RUNNABLE', null]]);
      assert.deepEqual(out.json('blocked_list'), [['big', MAX], ['behind-big', null]]);
      assert.deepEqual(out.json('blocked_q'), [{ reason: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE', state: 'RUNNABLE', maxTimeSeconds: 600, action: 'CANCEL' }]);
      assert.deepEqual(out.json('cancel_big'), {});
      assert.deepEqual(out.json('unblocked'), [['FAILED', 'too big for this queue'], ['SUCCEEDED', 'Essential container in task exited']]);
    });

    it('runs jobs that need a consumable resource only while some is available', () => {
      assert.equal(out.json('cr_create').consumableResourceArn, `${ARN}:consumable-resource/licence`);
      assert.equal(out.json('cr_jd').jobDefinitionName, 'licensed');
      const desc = out.json('cr_desc');
      assert.deepEqual([desc.consumableResourceName, desc.totalQuantity, desc.resourceType], ['licence', 1, 'REPLENISHABLE']);
      assert.deepEqual(out.json('cr_jobs'), [['lic-1', 1], ['lic-2', 1]]);
      const [[s1, , stop1], [s2, start2]] = out.json('cr_done') as Array<[string, number, number]>;
      assert.deepEqual([s1, s2], ['SUCCEEDED', 'SUCCEEDED']);
      assert.ok(start2 >= stop1, 'the second licensed job started after the first released the licence');
      const [listed] = out.json('cr_list').consumableResources as Json[];
      assert.deepEqual([listed.consumableResourceName, listed.inUseQuantity], ['licence', 0]);
      assert.equal(out.json('cr_update').totalQuantity, 3);
      assert.deepEqual(out.json('cr_delete'), {});
      out.error('cr_gone', 'DescribeConsumableResource', /licence does not exist/);
    });

    it('runs a multi-node job whose nodes are listable and describable as <jobId>#<n>', () => {
      const id = out.json('mnp_nodes')[0][0].split('#')[0];
      assert.deepEqual(out.json('mnp_nodes'), [[`${id}#0`, 0, true], [`${id}#1`, 1, false], [`${id}#2`, 2, false]]);
      assert.deepEqual(out.json('mnp_node1'), [`${id}#1`, 1, false, 'echo worker $AWS_BATCH_JOB_NODE_INDEX of $AWS_BATCH_JOB_NUM_NODES; sleep 60']);
      assert.deepEqual(out.json('mnp_done'), ['SUCCEEDED', 3], 'the main node decides; the workers are stopped');
    });

    it('runs every container of a multi-container job in dependsOn order; the essential one decides', () => {
      assert.equal(out.json('mc_jd').jobDefinitionName, 'mc');
      const [status, containers] = out.json('mc_done') as [string, Array<[string, number]>];
      assert.equal(status, 'SUCCEEDED');
      assert.deepEqual(containers.map(([n]) => n), ['init', 'sidecar', 'app']);
      assert.deepEqual([containers[0][1], containers[2][1]], [0, 0]);
      assert.notEqual(containers[1][1], 0, 'the sidecar was stopped when the essential app exited');
      // init starts once the sidecar runs and prints after 2 s; the app prints as it starts. An app
      // not held back by init's SUCCESS condition would print first.
      const [[initAt, initMsg]] = out.json('mc_init_log') as Array<[number, string]>;
      const [[appAt, appMsg]] = out.json('mc_app_log') as Array<[number, string]>;
      assert.deepEqual([initMsg, appMsg], ['init', 'app']);
      assert.ok(initAt <= appAt, `init printed (${initAt}) before the app started (${appAt})`);
    });

    it('schedules a fair-share queue by share identifier and requires one', () => {
      assert.equal(out.json('fs_policy').name, 'teams');
      assert.equal(out.json('fs_queue').jobQueueName, 'fsq');
      out.error('fs_noshare', 'SubmitJob', /shareIdentifier/);
      assert.deepEqual(out.json('fs_done'), ['SUCCEEDED', 'blue', 5]);
      assert.deepEqual(out.json('fs_list'), ['blue-1']);
    });

    it('answers bad requests with AWS-style ClientException messages', () => {
      out.error('err_jd', 'SubmitJob', /nope/);
      out.error('err_101', 'DescribeJobs', /100/);
      out.error('err_both', 'ListJobs', /jobQueue|arrayJobId/);
      out.error('err_none', 'ListJobs', /jobQueue|arrayJobId/);
      out.error('err_image', 'RegisterJobDefinition', /image/);
      out.error('err_retry', 'SubmitJob', /attempts|RetryAttempts/i);
      out.error('err_size', 'SubmitJob', /size/i);
      out.error('err_cancel', 'CancelJob', /nope/);
      out.error('err_svcjob', 'DescribeServiceJob', /nope/);
    });

    it('deletes queues only once DISABLED, then their compute environments', () => {
      out.error('del_enabled', 'DeleteJobQueue', /sq/);
      out.error('del_ce_used', 'DeleteComputeEnvironment', /small/);
      assert.deepEqual(out.json('del_q'), {});
      assert.deepEqual(out.json('del_ce'), {});
      assert.deepEqual(out.json('gone'), { jobQueues: [] });
    });
  });

  describe('Docker runtime', () => {
    const serve = new Serve();
    let out: ReturnType<typeof accessor>;

    before(async function () {
      this.timeout(300_000);
      const docker = new Docker();
      try {
        await checkDocker(docker);
      } catch (err) {
        if (process.env.CI) throw new Error(`CI is set but Docker is unavailable: ${(err as Error).message}`, { cause: err });
        console.log(`    (skipped: Docker is unavailable: ${(err as Error).message})`);
        this.skip();
      }
      await ensureTestImage(docker);
      buildOnce();
      await serve.start('docker');
      out = accessor(await serve.run(DOCKER, 280_000));
    });
    after(() => serve.stop());

    it('runs a job in a container and serves its log', () => {
      const id = out.json('id') as unknown as string;
      const [job] = out.json('job').jobs as Json[];
      assert.equal(job.jobId, id);
      assert.equal(job.status, 'SUCCEEDED');
      assert.equal(job.container.exitCode, 0);
      assert.match(job.container.logStreamName, /^rt-hello\/default\/[0-9a-f]{32}$/);
      assert.deepEqual(
        (out.json('logs').events as Json[]).map((e) => e.message),
        [`hello from ${id}`, 'bye'],
      );
    });
  });
});
