import type { Ctx } from '../ctx';

/** LocalBatch: Refresh (the palette): every view. */
export function refresh(ctx: Ctx): void {
  void ctx.views.local.reload();
  void refreshDefinitions(ctx);
  ctx.views.aws.refresh();
}

/**
 * A view's own Refresh button re-reads that view alone: the other two views' reads (the AWS view
 * loads credentials and calls AWS) would share the extension host's one thread with it.
 */
export const refreshLocal = (ctx: Ctx): void => void ctx.views.local.reload();
/** The Definitions view reads the workspace's files again first (what the file watcher missed). */
export async function refreshDefinitions(ctx: Ctx): Promise<void> {
  await ctx.index.rescan();
  ctx.views.definitions.refresh();
}
export const refreshAws = (ctx: Ctx): void => ctx.views.aws.refresh();
