/** A state machine a template declares, found through the workspace index by the template's file and the id. */
import type { StateMachineEntry } from '../../model/asl/types';
import type { DefinitionIndex } from '../editing/definitionIndex';

export function templateStateMachine(index: DefinitionIndex, file: string, id: string): StateMachineEntry | undefined {
  return index.workspaceOf(file).stateMachines.find((e) => e.file === file && e.id === id);
}
