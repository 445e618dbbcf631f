/**
 * Every Batch request checked against its operation's input shape in the service model
 * `@aws-sdk/client-batch` ships (edge/model-shapes.ts), at any depth: a member of the wrong JSON
 * type is a ClientException naming it (`containerOverrides.command[1] must be a string`), before
 * any handler or the engine sees it.
 */
import * as batchModel from '@aws-sdk/client-batch';
import { ClientException } from '../../edge/errors';
import { modelShapes, type ModelShapeCheck } from '../../edge/model-shapes';

/** Throws a ClientException for the first member of `input` whose JSON type is not the model's. */
export const checkRequestShape: ModelShapeCheck = modelShapes(batchModel, (m) => new ClientException(m));

/** The message of the first member of `input` of the wrong type for the operation, or undefined when none is. */
export function requestShapeProblem(operation: string, input: unknown): string | undefined {
  try {
    checkRequestShape(operation, input);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
