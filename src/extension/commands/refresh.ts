import type { Ctx } from '../ctx';

export function refresh(ctx: Ctx): void {
  void ctx.views.local.reload();
  ctx.views.definitions.refresh();
  ctx.views.aws.refresh();
}
