import { errorBodySchema } from '@spreekuur/protocol/errors';

export const errors = { '4xx': errorBodySchema, '5xx': errorBodySchema };
export const security = [{ bearer: [] }];
