/** A state machine found in the workspace: an ASL file, or one declared in a template. */
import type { Diagnostic } from '../diagnostics';
import type { SourceDocument } from '../document';
import type { Obj } from '../values';

/** Where a state machine is declared (and so, who deploys it). */
export type StateMachineSourceKind = 'file' | 'cloudformation' | 'cdk' | 'sam' | 'terraform';

export interface StateMachineEntry {
  /**
   * How commands name it: the file name without `.asl.json` / `.asl.yaml` (`pipeline` for
   * `pipeline.asl.json`), the template's logical id, or the Terraform address.
   */
  readonly id: string;
  /** Its name: the template's StateMachineName / name when given, else the id. */
  readonly name: string;
  readonly source: StateMachineSourceKind;
  /** The file declaring it: the ASL file, or the template (a SAM DefinitionUri's file is `doc.file`). */
  readonly file: string;
  /**
   * The definition as a document: its value is the definition (intrinsics and
   * DefinitionSubstitutions resolved), its ranges point into the file it was read from.
   */
  readonly doc: SourceDocument;
  /** The definition object; undefined when it could not be read (see diagnostics). */
  readonly definition: Obj | undefined;
  /** STANDARD or EXPRESS, when the template says. */
  readonly type?: string;
  /** The role ARN a template gives (resolved locally). */
  readonly roleArn?: string;
  /** Problems reading it from its template (already at their lines). */
  readonly diagnostics: readonly Diagnostic[];
  /** True when the definition is an ASL file checked as a file of its own (its structure is not checked again). */
  readonly checkedAsFile: boolean;
}

/** The id of an ASL file: its name without the `.asl.<ext>` suffix. */
export function aslFileId(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.asl\.(json|ya?ml)$/i, '');
}

/** A state machine read from an ASL file (`*.asl.json`, `*.asl.yaml`, `*.asl.yml`). */
export function fileStateMachine(doc: SourceDocument, value: Obj): StateMachineEntry {
  const id = aslFileId(doc.file);
  return { id, name: id, source: 'file', file: doc.file, doc, definition: value, diagnostics: [], checkedAsFile: true };
}
