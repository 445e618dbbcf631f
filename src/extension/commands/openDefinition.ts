import * as vscode from 'vscode';
import type { StateMachineEntry } from '../../model/asl/types';
import type { IacResource } from '../../model/iac';
import type { Ctx } from '../ctx';
import { toVsRange } from '../editing/convert';

/** Opens a definition file, or a template at one of its resources or state machines (a Definitions view node). */
export async function openDefinition(_ctx: Ctx, arg: unknown): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : (arg as { uri?: vscode.Uri } | undefined)?.uri;
  if (!uri) return;
  const resource = (arg as { resource?: IacResource } | undefined)?.resource;
  // A template's state machine: at its definition, when the template holds it (not a SAM DefinitionUri's file).
  const machine = (arg as { kind?: string; entry?: StateMachineEntry } | undefined)?.kind === 'templateStateMachine' ? (arg as { entry: StateMachineEntry }).entry : undefined;
  const range = resource ? resource.doc.source.rangeOf(resource.path, 'key') : machine && machine.doc.file === machine.file ? machine.doc.rangeOf([]) : undefined;
  const selection = range ? toVsRange(range) : undefined;
  await vscode.window.showTextDocument(uri, { preview: true, ...(selection ? { selection } : {}) });
}
