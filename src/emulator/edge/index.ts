/** The emulator's HTTP API: what `localbatch serve` and in-process clients need. */
export { startApiServer, type ApiServer, type ApiServerOptions } from './server';
export { loadOrCreateCredentials, credentialsPath, CREDENTIALS_PROFILE, type ApiCredentials } from './credentials';
export { ALL_OPERATIONS, type BatchHandler, type BatchHandlers, type OperationName } from '../batch/api/routes';
export { ClientException, ServerException } from './errors';
export type { BatchEvent, EventSource } from './events';
export type { LogsBackend } from '../logs/api';
export type { EdgeRequest, EdgeResponse, EdgeService } from './service';
