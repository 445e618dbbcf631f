/**
 * The extension's lazy boundary. Code behind an `await import()` of a project file here is built
 * into its own bundle (dist/lazy-<name>.js, see scripts/build.mjs) and loaded on first use, so
 * activation does not pay for it. Import only types of such modules elsewhere (`import type`).
 * (The AWS SDK packages are lazy on their own: the build turns their imports into stubs that load
 * dist/lazy-aws-sdk.js on first use.)
 */
export type DeployFlows = typeof import('../deploy/flows');

let deployFlows: Promise<DeployFlows> | undefined;

/** src/deploy (plans, apply, image pushes, submit to AWS) and dockerode. */
export function loadDeployFlows(): Promise<DeployFlows> {
  return (deployFlows ??= import('../deploy/flows'));
}
