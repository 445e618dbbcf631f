/** Builds dist/ when it is missing or older than the sources (integration-setup.js). */
export function buildOnce(): void;
export function mochaGlobalSetup(): void;
