/**
 * The Topics group of the Local view: SNS ListTopics and ListSubscriptionsByTopic, and the messages
 * published since the emulator started (`POST /localbatch/v1/sns-messages`: SNS's API keeps none).
 */
import { ListSubscriptionsByTopicCommand, ListTopicsCommand } from '@aws-sdk/client-sns';
import { recentMessages } from '../../../client/sns-messages';
import type { EmulatorConnection } from '../../emulator/manager';
import { pipelineClients } from './clients';
import { noteNode, type NodeOf, type PipelineNode, type RowText, type SubscriptionView } from './nodes';
import { messageRow, subscriptionRow, topicChildren, topicRow } from './topicRows';

export async function topicChildrenOf(conn: EmulatorConnection, node: NodeOf<'group'> | NodeOf<'topic'>): Promise<PipelineNode[]> {
  const { sns } = pipelineClients(conn);
  if (node.type === 'group') {
    const arns: string[] = [];
    let token: string | undefined;
    do {
      const page = await sns.send(new ListTopicsCommand({ NextToken: token }));
      for (const t of page.Topics ?? []) if (t.TopicArn) arns.push(t.TopicArn);
      token = page.NextToken;
    } while (token);
    if (arns.length === 0) return [noteNode(node.id, 'No topics: declare AWS::SNS::Topic in a template, or aws sns create-topic --name NAME')];
    return arns.sort().map((topicArn): PipelineNode => ({ kind: 'pipeline', type: 'topic', id: `sns:${topicArn}`, topicArn }));
  }
  const subs: SubscriptionView[] = [];
  let token: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: node.topicArn, NextToken: token }));
    for (const s of page.Subscriptions ?? []) subs.push({ SubscriptionArn: s.SubscriptionArn ?? '', Protocol: s.Protocol ?? '', Endpoint: s.Endpoint ?? '' });
    token = page.NextToken;
  } while (token);
  const messages = await recentMessages(conn.endpoint, node.topicArn);
  const nodes = topicChildren(node.topicArn, subs, messages);
  return nodes.length > 0 ? nodes : [noteNode(node.id, 'No subscriptions and no messages yet (the editor is notified of every message)')];
}

export function topicRowOf(node: NodeOf<'topic'> | NodeOf<'subscription'> | NodeOf<'message'>, now: number): RowText {
  if (node.type === 'topic') return topicRow(node);
  if (node.type === 'subscription') return subscriptionRow(node);
  return messageRow(node, now);
}
