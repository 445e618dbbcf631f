/**
 * A state machine's or execution's name as Step Functions documents it: 1 to 80 characters, none of
 * them white space, < > { } [ ], ? *, " # % \ ^ | ~ ` $ & , ; : /, a control character
 * (U+0000-001F, U+007F-009F), U+FFFE-FFFF or a lone surrogate. (Periods, for one, are allowed.)
 * The emulator's CreateStateMachine / StartExecution and `localbatch deploy` check names with it.
 */
// eslint-disable-next-line no-control-regex
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff\ud800-\udfff]{1,80}$/u;

export function isStateMachineName(name: string): boolean {
  return NAME.test(name);
}

/** The rule in words, for error messages. */
export const STATE_MACHINE_NAME_RULE = '1-80 characters, no white space, brackets, wildcards, control characters or any of " # % \\ ^ | ~ ` $ & , ; : /';
