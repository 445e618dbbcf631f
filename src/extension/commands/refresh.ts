import type { Ctx } from '../ctx';

export function refresh(ctx: Ctx): void {
  ctx.views.local.refresh();
  ctx.views.definitions.refresh();
  ctx.views.aws.refresh();
}
