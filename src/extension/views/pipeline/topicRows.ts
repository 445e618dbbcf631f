/**
 * Topics in the Local view, as data: each topic, its subscriptions (ListSubscriptionsByTopic) and the
 * messages published to it since the emulator started (newest first). Pure.
 */
import { jobOfMessage, messageSummary, topicName, type SnsNotification } from '../../../client/sns-messages';
import { clockText, type NodeOf, type PipelineNode, type RowText, type SubscriptionView } from './nodes';

export function topicRow(n: NodeOf<'topic'>): RowText {
  return { label: topicName(n.topicArn), tooltip: n.topicArn, icon: 'megaphone', collapsible: 'collapsed', contextValue: 'pipelineTopic' };
}

export function subscriptionRow(n: NodeOf<'subscription'>): RowText {
  const s = n.subscription;
  const pending = s.SubscriptionArn === 'PendingConfirmation' || s.SubscriptionArn === 'pending confirmation';
  return {
    label: `${s.Protocol}: ${s.Endpoint}`,
    description: pending ? 'pending confirmation' : 'subscription',
    tooltip: `${s.Protocol} ${s.Endpoint}\n${pending ? 'Waiting for confirmation (the endpoint got a SubscriptionConfirmation message)' : s.SubscriptionArn}`,
    icon: s.Protocol.startsWith('email') ? 'mail' : 'link',
    collapsible: 'none',
    contextValue: 'pipelineSubscription',
  };
}

export function messageRow(n: NodeOf<'message'>, now: number): RowText {
  const m = n.message;
  const job = jobOfMessage(m.Message);
  return {
    label: messageSummary(m),
    description: clockText(m.Timestamp, now),
    tooltip: `${m.Subject ? `${m.Subject}\n\n` : ''}${m.Message.length > 2000 ? `${m.Message.slice(0, 2000)}…` : m.Message}\n\nMessage ${m.MessageId}${m.Timestamp ? ` at ${m.Timestamp}` : ''}`,
    icon: job?.status === 'FAILED' ? 'error' : 'mail',
    color: job?.status === 'FAILED' ? 'testing.iconFailed' : undefined,
    collapsible: 'none',
    contextValue: job ? 'pipelineMessage.job' : 'pipelineMessage',
    command: { id: 'localbatch.openMessage', title: 'Open Message' },
  };
}

/** A topic's children: subscriptions, then its recent messages (newest first). */
export function topicChildren(topicArn: string, subscriptions: readonly SubscriptionView[], messages: readonly SnsNotification[]): PipelineNode[] {
  const id = `sns:${topicArn}`;
  return [
    ...subscriptions.map((s, i): PipelineNode => ({ kind: 'pipeline', type: 'subscription', id: `${id}/sub:${s.SubscriptionArn === 'PendingConfirmation' ? `pending-${i}` : s.SubscriptionArn}`, subscription: s })),
    ...messages.filter((m) => m.TopicArn === topicArn).map((m): PipelineNode => ({ kind: 'pipeline', type: 'message', id: `${id}/msg:${m.MessageId}`, message: m })),
  ];
}

/** A message as the read-only document that opens on click: pretty JSON when it is JSON. */
export function messageDocument(m: SnsNotification): string {
  let body = m.Message;
  try {
    body = JSON.stringify(JSON.parse(m.Message), null, 2);
  } catch {
    // not JSON: as published
  }
  const head = [`Topic: ${m.TopicArn}`, `MessageId: ${m.MessageId}`, m.Timestamp ? `Timestamp: ${m.Timestamp}` : undefined, m.Subject ? `Subject: ${m.Subject}` : undefined].filter(Boolean).join('\n');
  return `${head}\n\n${body}\n`;
}
