/**
 * The editing engine: validation (schemas, compiled validators, rules) and the schema-driven editor
 * help (hover, completion, quick fixes), all pure src/model code. The extension loads it on first use
 * (`loadEditingEngine()` in ../lazy.ts, its own bundle), right after activation, so activation does
 * not pay for parsing ~600 KB of validators and schemas.
 */
export { validateDocument } from '../../model/validation';
export { checkWorkspaceRules } from '../../model/validation/workspace-rules';
export { Workspace } from '../../model/workspace';
export { completionsAt } from '../../model/editing/completion';
export { cursorAt } from '../../model/editing/cursor';
export { quickFixesFor } from '../../model/editing/quick-fixes';
export { hoverMarkdown } from '../../model/editing/schema-docs';
export { aslHoverAt } from '../../model/asl/editing';
