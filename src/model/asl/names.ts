/**
 * A state machine's or execution's name as Step Functions documents it: 1 to 80 characters, none of
 * them white space, < > { } [ ], ? *, " # % \ ^ | ~ ` $ & , ; : /, a control character
 * (U+0000-001F, U+007F-009F), U+FFFE-FFFF or a lone surrogate. (Periods, for one, are allowed.)
 * The emulator's CreateStateMachine / StartExecution and `localbatch deploy` check names with it.
 */
/** The characters a name may not hold (a character class's inside). */
const FORBIDDEN = '\\s<>{}[\\]?*"#%\\\\^|~`$&,;:/\\u0000-\\u001f\\u007f-\\u009f\\ufffe\\uffff\\ud800-\\udfff';
const NAME = new RegExp(`^[^${FORBIDDEN}]{1,80}$`, 'u');

export function isStateMachineName(name: string): boolean {
  return NAME.test(name);
}

/** The rule in words, for error messages. */
export const STATE_MACHINE_NAME_RULE = '1-80 characters, no white space, brackets, wildcards, control characters or any of " # % \\ ^ | ~ ` $ & , ; : /';

/** A Map state's Label (it names the Map's map runs): as a name, but 1 to 40 characters. */
const LABEL = new RegExp(`^[^${FORBIDDEN}]{1,40}$`, 'u');

export function isMapLabel(label: string): boolean {
  return LABEL.test(label);
}
