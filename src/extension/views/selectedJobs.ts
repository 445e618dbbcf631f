/** The VS Code side of JobSelection (jobSelection.ts) for the Local and AWS views' jobs and service jobs. */
import * as vscode from 'vscode';
import { jobContextValue } from '../../client/job-display';
import { serviceJobContextValue } from '../../client/service-job-display';
import { isJobNode, type JobNode } from './jobNodes';
import { JobSelection } from './jobSelection';
import { isServiceJobNode, type ServiceJobNode } from './serviceJobNodes';

export type AnyJobNode = JobNode | ServiceJobNode;

export function createJobSelection(): JobSelection<AnyJobNode> {
  return new JobSelection<AnyJobNode>({
    accepts: (x): x is AnyJobNode => isJobNode(x) || isServiceJobNode(x),
    contextOf: (n) => (isJobNode(n) ? jobContextValue(n.job) : serviceJobContextValue(n.job)),
    choose: async (candidates) => {
      const picked = await vscode.window.showQuickPick(
        candidates.map((c) => ({
          label: jobLabel(c.node),
          description: `${c.view} view · ${c.node.job.status ?? ''}`,
          detail: c.node.job.jobId,
          node: c.node,
        })),
        { title: 'A job is selected in each view: act on which?' },
      );
      if (!picked) throw new vscode.CancellationError();
      return picked.node;
    },
  });
}

function jobLabel(n: AnyJobNode): string {
  const name = n.job.jobName ?? n.job.jobId ?? '?';
  const index = isJobNode(n) ? n.job.arrayProperties?.index : undefined;
  return index !== undefined ? `${name} [${index}]` : name;
}
