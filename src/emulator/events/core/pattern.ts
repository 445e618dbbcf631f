/** Moved to src/model/events/pattern.ts (validation uses it too); kept here for the emulator's imports. */
export * from '../../../model/events/pattern';
