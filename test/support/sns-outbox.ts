/** The email-json messages the local SNS wrote to `<state>/sns/outbox`, oldest first (none yet: empty). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface OutboxMessage {
  readonly Subject: string;
  readonly Message: string;
}

export function outboxMessages(stateDir: string): OutboxMessage[] {
  const outbox = path.join(stateDir, 'sns', 'outbox');
  let files: string[];
  try {
    files = readdirSync(outbox).sort();
  } catch {
    return [];
  }
  // Each file: mail headers, a blank line, then the email-json body.
  return files.map((f) => JSON.parse(readFileSync(path.join(outbox, f), 'utf8').split('\n\n').slice(1).join('\n\n')) as OutboxMessage);
}
