/**
 * The errors the engine throws, named as AWS Batch names them so the HTTP layer can map each to its
 * status code and `X-Amzn-Errortype` in one place.
 */

/** The request is invalid or names something that does not exist (HTTP 400). */
export class ClientException extends Error {
  override readonly name = 'ClientException';
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
  }
}

/** The engine failed on its own (HTTP 500). */
export class ServerException extends Error {
  override readonly name = 'ServerException';
  readonly statusCode = 500;
  constructor(message: string) {
    super(message);
  }
}

export function invalid(message: string): never {
  throw new ClientException(message);
}
