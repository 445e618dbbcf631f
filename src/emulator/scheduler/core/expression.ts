/** Moved to src/model/events/schedule-expression.ts (validation uses it too); kept here for the emulator's imports. */
export * from '../../../model/events/schedule-expression';
