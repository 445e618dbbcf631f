import type { DefinitionKind } from '../../kinds';
import type { Reporter } from '../reporter';

/** Semantic rules that one file can break on its own. (Being written: see issue 2.) */
export function checkFileRules(_kind: DefinitionKind, _value: unknown, _reporter: Reporter): void {}
