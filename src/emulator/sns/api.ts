/**
 * The SNS API (query protocol, signing name `sns`): form-encoded `Action=...` requests answered
 * with SNS's XML (`<XResponse><XResult>...</XResult><ResponseMetadata>`), errors as
 * `<ErrorResponse><Error><Type>Sender</Type><Code>...`. Changes answer once journaled.
 */
import type { EdgeRequest, EdgeResponse, EdgeService } from '../edge/service';
import { ApiError, queryErrorCode, type ErrorResponse } from '../edge/errors';
import { keysetPage } from '../keyset-page';
import { SnsCore, SnsError, type MessageAttributes } from './core';

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function xml(action: string, result: string, requestId: string): EdgeResponse {
  return { status: 200, headers: { 'content-type': 'text/xml' }, body: `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>` };
}

/** `Prefix.entry.N.key/value` maps (Attributes) and `MessageAttributes.entry.N.Name/Value.*`. */
function entries(p: URLSearchParams, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; p.has(`${prefix}.entry.${i}.key`); i++) out[p.get(`${prefix}.entry.${i}.key`)!] = p.get(`${prefix}.entry.${i}.value`) ?? '';
  return out;
}

function messageAttributes(p: URLSearchParams): MessageAttributes {
  const out: MessageAttributes = {};
  for (let i = 1; p.has(`MessageAttributes.entry.${i}.Name`); i++) {
    const base = `MessageAttributes.entry.${i}`;
    out[p.get(`${base}.Name`)!] = { DataType: p.get(`${base}.Value.DataType`) ?? '', StringValue: p.get(`${base}.Value.StringValue`) ?? undefined, BinaryValue: p.get(`${base}.Value.BinaryValue`) ?? undefined };
  }
  return out;
}

function need(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (v === null) throw new SnsError('InvalidParameter', 400, `Invalid parameter: ${name} is required`);
  return v;
}

/** ListTopics and ListSubscriptions answer up to 100 items a page (the API reference). */
const PAGE = 100;
const badToken = () => new SnsError('InvalidParameter', 400, 'Invalid parameter: NextToken');
const tokenXml = (token: string | undefined) => (token ? `<NextToken>${esc(token)}</NextToken>` : '');

/** Actions answered once their changes are on disk (a Publish: its http(s) deliveries, journaled until they end). */
const CHANGES = new Set(['CreateTopic', 'DeleteTopic', 'Subscribe', 'Unsubscribe', 'ConfirmSubscription', 'SetTopicAttributes', 'SetSubscriptionAttributes', 'Publish']);

export function snsService(core: SnsCore, committed: () => Promise<void>): EdgeService {
  return {
    name: 'sns',
    signingNames: ['sns'],
    queryVersion: '2010-03-31',
    // The SubscribeURL of a SubscriptionConfirmation is visited with a plain GET, as on AWS: the token confirms.
    acceptsUnsigned(method, rawQuery) {
      if (method !== 'GET') return false;
      const p = new URLSearchParams(rawQuery);
      // The SubscribeURL and UnsubscribeURL of SNS's messages work unsigned, as on AWS.
      return (p.get('Action') === 'ConfirmSubscription' && p.has('Token') && p.has('TopicArn')) || (p.get('Action') === 'Unsubscribe' && p.has('SubscriptionArn'));
    },
    async handle(req: EdgeRequest): Promise<EdgeResponse> {
      const p = new URLSearchParams(req.body.length > 0 ? req.body.toString('utf8') : req.rawQuery);
      const action = p.get('Action') ?? '';
      let result: string;
      switch (action) {
        case 'CreateTopic': {
          const attrs = entries(p, 'Attributes');
          result = `<TopicArn>${esc(core.createTopic(need(p, 'Name'), attrs))}</TopicArn>`;
          break;
        }
        case 'ListTopics': {
          const { page, nextToken } = keysetPage(core.listTopics(), (a) => a, PAGE, p.get('NextToken') ?? undefined, badToken);
          result = `<Topics>${page.map((a) => `<member><TopicArn>${esc(a)}</TopicArn></member>`).join('')}</Topics>${tokenXml(nextToken)}`;
          break;
        }
        case 'DeleteTopic':
          core.deleteTopic(need(p, 'TopicArn'));
          result = '';
          break;
        case 'GetTopicAttributes':
          result = `<Attributes>${Object.entries(core.topicAttributes(need(p, 'TopicArn'))).map(([k, v]) => `<entry><key>${esc(k)}</key><value>${esc(v)}</value></entry>`).join('')}</Attributes>`;
          break;
        case 'SetTopicAttributes':
          core.setTopicAttribute(need(p, 'TopicArn'), need(p, 'AttributeName'), p.get('AttributeValue') ?? '');
          result = '';
          break;
        case 'GetSubscriptionAttributes':
          result = `<Attributes>${Object.entries(core.subscriptionAttributes(need(p, 'SubscriptionArn'))).map(([k, v]) => `<entry><key>${esc(k)}</key><value>${esc(v)}</value></entry>`).join('')}</Attributes>`;
          break;
        case 'SetSubscriptionAttributes':
          core.setSubscriptionAttribute(need(p, 'SubscriptionArn'), need(p, 'AttributeName'), p.get('AttributeValue') ?? '');
          result = '';
          break;
        case 'Subscribe':
          result = `<SubscriptionArn>${esc(core.subscribe(need(p, 'TopicArn'), need(p, 'Protocol'), p.get('Endpoint') ?? '', entries(p, 'Attributes'), p.get('ReturnSubscriptionArn') === 'true'))}</SubscriptionArn>`;
          break;
        case 'ConfirmSubscription':
          // (a plain GET of the SubscribeURL is unsigned: ConfirmationWasAuthenticated stays false)
          result = `<SubscriptionArn>${esc(core.confirm(need(p, 'TopicArn'), need(p, 'Token'), req.caller.accessKeyId !== ''))}</SubscriptionArn>`;
          break;
        case 'Unsubscribe':
          core.unsubscribe(need(p, 'SubscriptionArn'));
          result = '';
          break;
        case 'ListSubscriptionsByTopic':
        case 'ListSubscriptions': {
          const all = core.subscriptions(action === 'ListSubscriptionsByTopic' ? need(p, 'TopicArn') : undefined);
          const { page: subs, nextToken } = keysetPage(all, (s) => s.id, PAGE, p.get('NextToken') ?? undefined, badToken);
          result = `<Subscriptions>${subs.map((s) => `<member><SubscriptionArn>${esc(s.SubscriptionArn)}</SubscriptionArn><Owner>${s.Owner}</Owner><Protocol>${esc(s.Protocol)}</Protocol><Endpoint>${esc(s.Endpoint)}</Endpoint><TopicArn>${esc(s.TopicArn)}</TopicArn></member>`).join('')}</Subscriptions>${tokenXml(nextToken)}`;
          break;
        }
        case 'Publish': {
          if (p.get('PhoneNumber') !== null) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: PhoneNumber: localbatch\'s SNS sends no SMS; publish to a topic (TopicArn)');
          const topicArn = p.get('TopicArn') ?? p.get('TargetArn') ?? need(p, 'TopicArn');
          checkFifoPublish(core.topic(topicArn), p);
          result = `<MessageId>${core.publish(topicArn, need(p, 'Message'), p.get('Subject') ?? undefined, messageAttributes(p), p.get('MessageStructure') ?? undefined)}</MessageId>`;
          break;
        }
        default:
          throw new SnsError('InvalidAction', 400, `localbatch's SNS does not serve ${action || 'this request'}; it serves CreateTopic, ListTopics, DeleteTopic, GetTopicAttributes, SetTopicAttributes, Subscribe, GetSubscriptionAttributes, SetSubscriptionAttributes, ConfirmSubscription, Unsubscribe, ListSubscriptions, ListSubscriptionsByTopic and Publish.`);
      }
      if (CHANGES.has(action)) await committed();
      return xml(action, result, req.requestId);
    },
    errorResponse(err: unknown, requestId: string): ErrorResponse {
      const e = err instanceof SnsError ? err : undefined;
      const code = e?.code ?? (err instanceof ApiError ? queryErrorCode(err) : err instanceof Error && 'type' in err ? String((err as { type: unknown }).type) : 'InternalError');
      const status = e?.status ?? (err instanceof Error && 'status' in err ? Number((err as { status: unknown }).status) : 500);
      const message = err instanceof Error ? err.message : 'internal error';
      const body = `<ErrorResponse xmlns="${NS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${esc(code)}</Code><Message>${esc(status >= 500 && !e ? 'localbatch hit an internal error; see the server log.' : message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      return { status, headers: { 'content-type': 'text/xml' }, body, logLine: status >= 500 ? `sns: ${err instanceof Error ? (err.stack ?? message) : String(err)}` : undefined };
    },
  };
}

/**
 * A FIFO topic's Publish: a MessageGroupId, and a MessageDeduplicationId unless the topic
 * deduplicates by content (the API reference). A standard topic takes no MessageDeduplicationId
 * (SNS's message for it, as recorded against AWS in localstack's tests).
 */
function checkFifoPublish(topic: { Attributes: Record<string, string> }, p: URLSearchParams): void {
  if (topic.Attributes.FifoTopic !== 'true') {
    if (p.get('MessageDeduplicationId')) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
    return;
  }
  if (!p.get('MessageGroupId')) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
  if (topic.Attributes.ContentBasedDeduplication !== 'true' && !p.get('MessageDeduplicationId')) {
    throw new SnsError('InvalidParameter', 400, 'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  }
}
