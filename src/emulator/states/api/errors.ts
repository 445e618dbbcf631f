/** Step Functions' API errors (awsJson1_0: `__type` in the body). */
import { ApiError } from '../../edge/errors';

export const sfnError = (type: string, message: string, status = 400) => new ApiError(type, status, message);
