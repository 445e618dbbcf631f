/**
 * At the end of `localbatch run` of a state machine: which children of its distributed Maps failed,
 * and why (each named by its input), so a failed item is found without the AWS CLI.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { childRows, inputLine } from '../../client/map-run-children';
import { mapRunStateName } from '../../client/map-run-watch';

/** Failed children said by name (the newest), per map run; the rest are counted. */
const SHOWN = 5;

/**
 * Lines for the map runs that had failed children (`failed`: their count, by map run ARN).
 * `listCommand`: the AWS CLI command that lists a run's failed children (its ARN given).
 */
export async function mapRunFailureLines(sfn: SFNClient, failed: ReadonlyMap<string, number>, listCommand: (mapRunArn: string) => string): Promise<string[]> {
  const lines: string[] = [];
  for (const [arn, count] of failed) {
    if (count <= 0) continue;
    const state = mapRunStateName(arn);
    const rows = await childRows(sfn, arn, { statuses: ['FAILED', 'TIMED_OUT'], limit: SHOWN }).catch(() => []);
    for (const c of rows.slice(0, SHOWN)) {
      const why = [c.error, c.cause].filter(Boolean).join(': ');
      lines.push(`  map run ${state}: item ${inputLine(c.input) || c.name} ${c.status}${why ? `: ${why.length > 300 ? `${why.slice(0, 300)}…` : why}` : ''}`);
    }
    const more = count - Math.min(rows.length, SHOWN);
    if (more > 0) lines.push(`  map run ${state}: ${more} more failed: ${listCommand(arn)}`);
  }
  return lines;
}
