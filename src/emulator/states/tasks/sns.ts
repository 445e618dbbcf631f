/**
 * SNS Publish as Step Functions calls it (`arn:aws:states:::sns:publish`, and the SDK form
 * `aws-sdk:sns:publish`): TopicArn, Message (an object is sent as its JSON) and Subject go to the
 * local SNS through the port the composition root gives; the result is `{MessageId}` with the
 * SDK metadata. An SNS error is `SNS.<Code>Exception` (`Sns.<Code>Exception` in the SDK form). The MessageId is remembered per state entry,
 * so an execution replayed after a restart does not publish the same message twice.
 */
import { StatesError } from '../core/errors';
import type { TaskInvocation } from '../core/types';
import type { TaskMemory } from './batch';

export interface SnsPort {
  /**
   * Publishes to a local topic; resolves to the MessageId once the message's deliveries are on
   * disk (the MessageId is then remembered, and a replay does not publish again); throws an error
   * with `code` (SNS's) when refused.
   */
  publish(topicArn: string, message: string, subject?: string): string | Promise<string>;
}

export { isSnsPublish } from '../../../model/asl/local-resources';

export async function runSnsPublish(inv: TaskInvocation, sns: SnsPort, memory: TaskMemory): Promise<unknown> {
  const p = (inv.parameters ?? {}) as Record<string, unknown>;
  const done = memory.get(`${inv.key}:sns`);
  const result = (id: string) => ({ MessageId: id, SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: id } });
  if (done) return result(done);
  if (typeof p.TopicArn !== 'string') throw new StatesError('SNS.InvalidParameterException', `The state '${inv.stateName}' calls sns:publish without TopicArn (a local topic's ARN; TargetArn and PhoneNumber are not delivered locally)`);
  if (p.Message === undefined) throw new StatesError('SNS.InvalidParameterException', 'Invalid parameter: Message');
  const message = typeof p.Message === 'string' ? p.Message : JSON.stringify(p.Message);
  let id: string;
  try {
    id = await sns.publish(p.TopicArn, message, typeof p.Subject === 'string' ? p.Subject : undefined);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // The optimized integration names errors `SNS.<Code>`; the SDK form as every SDK integration, `Sns.<Code>` (PascalCase service).
    const prefix = inv.resource.includes(':aws-sdk:') ? 'Sns' : 'SNS';
    throw new StatesError(typeof code === 'string' ? `${prefix}.${code.endsWith('Exception') ? code : `${code}Exception`}` : 'States.TaskFailed', err instanceof Error ? err.message : String(err));
  }
  memory.set(`${inv.key}:sns`, id);
  return result(id);
}
