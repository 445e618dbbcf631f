import type { Ctx } from '../ctx';
import type { MoreNode } from '../views/jobNodes';

export function loadMore(ctx: Ctx, node: unknown): void {
  const more = node as MoreNode | undefined;
  if (more?.kind !== 'more') return;
  if (more.view === 'local') ctx.views.local.loadMore(more.listKey);
  else ctx.views.aws.loadMore(more.listKey);
}
