/**
 * The extension's lazy boundary. Code behind an `await import()` of a project file here is built
 * into its own bundle (dist/lazy-<name>.js, see scripts/build.mjs) and loaded on first use, so
 * activation does not pay for it. Import only types of such modules elsewhere (`import type`).
 * (The AWS SDK packages are lazy on their own: the build turns their imports into stubs that load
 * dist/lazy-aws-sdk.js on first use.)
 */
export type DeployFlows = typeof import('../deploy/flows');
export type EditingEngine = typeof import('./editing/engine');

let deployFlows: Promise<DeployFlows> | undefined;

/** src/deploy (plans, apply, image pushes, submit to AWS) and dockerode. */
export function loadDeployFlows(): Promise<DeployFlows> {
  return (deployFlows ??= import('../deploy/flows'));
}

let editingEngine: Promise<EditingEngine> | undefined;

/** Validation and the schema-driven editor help (src/model/validation, src/model/editing). */
export function loadEditingEngine(): Promise<EditingEngine> {
  return (editingEngine ??= import('./editing/engine'));
}
