import { errorBodySchema } from '@spreekuur/protocol/errors';
import type { z } from 'zod';

/** A failure to show the person at the terminal: already phrased, no stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface HttpTarget {
  server: string;
  lang: 'nl' | 'en';
  headers?: Record<string, string>;
  unreachable: (url: string) => string;
}

/** Calls the server and parses the answer with the protocol's zod schema. */
export async function request<S extends z.ZodType>(
  target: HttpTarget,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  schema: S,
  body?: unknown,
): Promise<z.output<S>> {
  let response: Response;
  try {
    response = await fetch(`${target.server}${path}`, {
      method,
      headers: {
        'accept-language': target.lang,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...target.headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new CliError(target.unreachable(target.server));
  }
  const payload: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const failure = errorBodySchema.safeParse(payload);
    if (failure.success) {
      const details =
        failure.data.error.issues?.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`) ?? [];
      throw new CliError(
        [`${failure.data.error.message} (${failure.data.error.code})`, ...details].join('\n'),
      );
    }
    throw new CliError(`HTTP ${response.status}`);
  }
  return schema.parse(payload);
}
