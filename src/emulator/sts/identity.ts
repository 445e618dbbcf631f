/**
 * Who a request's credentials are, as STS GetCallerIdentity tells it. The emulator's own key is an
 * IAM user named `localbatch` of the emulator's account. A running job's key (one the emulator
 * handed to an attempt of a job with a jobRoleArn) is that role assumed, in the session the
 * attempt's credentials are named for, in the role's account: what the job would read on AWS.
 */
import { createHash } from 'node:crypto';

export interface CallerIdentity {
  readonly Account: string;
  readonly Arn: string;
  readonly UserId: string;
}

/** The role and session of a running job's access key. */
export interface JobSession {
  readonly roleArn: string;
  readonly sessionName: string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Ids already made: S3's events ask for the writer's identity on every write that has listeners. */
const madeIds = new Map<string, string>();
const MADE_IDS_KEPT = 256;

/** A unique id as IAM writes them: a four-letter prefix and 17 upper-case letters and digits, the same for the same seed. */
export function uniqueId(prefix: 'AIDA' | 'AROA', seed: string): string {
  const memoKey = `${prefix}:${seed}`;
  const made = madeIds.get(memoKey);
  if (made !== undefined) return made;
  const bytes = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; i < 17; i++) out += BASE32[bytes[i] % 32];
  if (madeIds.size >= MADE_IDS_KEPT) madeIds.clear();
  madeIds.set(memoKey, out);
  return out;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `arn:aws:iam::123456789012:role/path/name` as its parts, or undefined when it is not a role ARN. */
function roleParts(roleArn: string): { partition: string; account: string; name: string } | undefined {
  const m = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  return m ? { partition: m[1], account: m[2], name: m[3] } : undefined;
}

export function callerIdentity(accessKeyId: string, o: { account: string; region: string; job?: JobSession }): CallerIdentity {
  const role = o.job ? roleParts(o.job.roleArn) : undefined;
  if (o.job && role) {
    return {
      Account: role.account,
      Arn: `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${o.job.sessionName}`,
      UserId: `${uniqueId('AROA', o.job.roleArn)}:${o.job.sessionName}`,
    };
  }
  return { Account: o.account, Arn: `arn:${partitionOf(o.region)}:iam::${o.account}:user/localbatch`, UserId: uniqueId('AIDA', accessKeyId) };
}
