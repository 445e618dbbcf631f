/**
 * A template bucket's notification configurations checked as S3 checks them when they are put
 * (src/model/s3/notifications.ts), at the template's lines: each event, each filter rule, the
 * second of two overlapping configurations and the second of two with the same Id. A topic no template of the workspace declares is a
 * warning (the local S3 refuses a configuration whose topic does not exist when it is loaded), and
 * so is each queue or Lambda configuration, which there is no local SQS or Lambda to deliver to.
 */
import type { JsonPath } from '../../document';
import { CONFIGURATION_LISTS } from '../../iac/bucket-notifications';
import type { PipelineResource } from '../../iac/pipeline-types';
import { DUPLICATE_ID_MESSAGE, firstDuplicateId, firstOverlap, isFilterProblem, keyFilterOf, OVERLAP_MESSAGE, S3_NOTIFICATION_EVENTS, type KeyFilter } from '../../s3/notifications';
import { asStr, isObj } from '../../values';
import { closestName, didYouMean, type WorkspaceRuleContext } from './context';

const INVALID = 's3-notification-invalid';

export function checkBucketNotifications(ctx: WorkspaceRuleContext, bucket: PipelineResource, topics: ReadonlySet<string | undefined>): void {
  const label = `Bucket '${bucket.name}'`;
  const all: Array<KeyFilter & { events: string[]; at: JsonPath }> = [];
  const ids: Array<{ id: string | undefined; at: JsonPath }> = [];
  for (const { list, arn } of CONFIGURATION_LISTS) {
    const configs = bucket.value[list];
    if (!Array.isArray(configs)) continue;
    configs.forEach((c, i) => {
      if (!isObj(c)) return;
      const at: JsonPath = [list, i];
      // (a configuration the template reader could not take: not loaded, see iac/bucket-notifications.ts)
      if (typeof c.Problem === 'string') {
        ctx.report('error', bucket.doc, at, INVALID, `${label}: ${c.Problem}; this configuration is not loaded`);
        return;
      }
      ids.push({ id: asStr(c.Id), at });
      const target = asStr(c[arn]);
      if (list === 'TopicConfigurations' && target?.endsWith('.fifo')) {
        ctx.report('error', bucket.doc, [...at, arn], INVALID, `${label}: S3 event notifications go to standard topics; '${target.split(':').pop()}' is a FIFO topic, which S3 refuses as a destination`);
      } else if (list === 'TopicConfigurations' && target !== undefined && !topics.has(target)) {
        ctx.report('warning', bucket.doc, [...at, arn], INVALID, `${label}: ${topicProblem(target, topics)}`);
      }
      if (list !== 'TopicConfigurations') {
        ctx.report('warning', bucket.doc, [...at, arn], 's3-notification-not-loaded', `${label}: its ${list === 'QueueConfigurations' ? 'SQS queue' : 'Lambda function'} notifications are not loaded (there is no local ${list === 'QueueConfigurations' ? 'SQS' : 'Lambda'}); only its topic and EventBridge notifications are delivered locally`);
      }
      const events = (Array.isArray(c.Events) ? c.Events : []).map((e) => (typeof e === 'string' ? e : ''));
      if (events.length === 0) ctx.report('error', bucket.doc, [...at, 'Events'], INVALID, `${label}: a notification configuration needs at least one event`);
      events.forEach((e, k) => {
        if (S3_NOTIFICATION_EVENTS.has(e)) return;
        const best = closestName(e, S3_NOTIFICATION_EVENTS);
        ctx.report('error', bucket.doc, [...at, 'Events', k], INVALID, `${label}: the event '${e}' is not supported for notifications${didYouMean(best)}`, 'value', best);
      });
      const rules = isObj(c.Filter) && isObj(c.Filter.Key) && Array.isArray(c.Filter.Key.FilterRules) ? c.Filter.Key.FilterRules : [];
      const filter = keyFilterOf(rules.map((r) => ({ name: isObj(r) ? (asStr(r.Name) ?? '') : '', value: isObj(r) ? (asStr(r.Value) ?? '') : '' })));
      if (isFilterProblem(filter)) {
        ctx.report('error', bucket.doc, [...at, 'Filter', 'Key', 'FilterRules', filter.index], INVALID, `${label}: ${filter.message}`);
        return;
      }
      all.push({ ...filter, events: events.filter((e) => S3_NOTIFICATION_EVENTS.has(e)), at });
    });
  }
  const overlap = firstOverlap(all);
  if (overlap) {
    const first = bucket.doc.rangeOf([...all[overlap.first]!.at, 'Events'], 'value').start.line + 1;
    ctx.report('error', bucket.doc, [...all[overlap.second]!.at, 'Events'], INVALID, `${label}: ${OVERLAP_MESSAGE} (${overlap.event}, with the configuration at line ${first}, whose filter a key can match as well)`);
  }
  const duplicate = firstDuplicateId(ids.map((x) => x.id));
  if (duplicate) {
    const first = bucket.doc.rangeOf([...ids[duplicate.first]!.at, 'Id'], 'value').start.line + 1;
    ctx.report('error', bucket.doc, [...ids[duplicate.second]!.at, 'Id'], INVALID, `${label}: ${DUPLICATE_ID_MESSAGE} ('${ids[duplicate.second]!.id}' is also the Id of the configuration at line ${first})`);
  }
}

/** Why a topic configuration's `TopicArn` names no topic of the workspace (its value is not one of theirs). */
function topicProblem(target: string, topics: ReadonlySet<string | undefined>): string {
  // (an intrinsic that did not resolve is reported where it is, by the template reader)
  if (!/^arn:aws[\w-]*:sns:[^:]+:\d{12}:[\w.-]+$/.test(target)) return `the topic must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), not '${target.slice(0, 80)}'`;
  const name = target.split(':').pop()!;
  const same = [...topics].find((t) => t?.split(':').pop() === name);
  if (same) return `it notifies '${target}', but the workspace's topic ${name} is '${same}' (another region or account)`;
  return `it notifies the topic '${name}', which no template of the workspace declares: the local S3 refuses the configuration unless the topic exists when it is loaded`;
}
