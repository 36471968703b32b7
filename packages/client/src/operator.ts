import type { EndpointDefinition, EndpointResult } from '@spreekuur/protocol/endpoint';
import { HttpClient, type CallArguments } from './http.ts';

export interface OperatorClientOptions {
  serverUrl: string;
  /** The deployment's operator token (`DATA_DIR/operator-token` or `OPERATOR_TOKEN`). */
  operatorToken: string;
  locale?: 'nl' | 'en';
}

/**
 * Deployment-wide actions (creating organisations and their first admin invite) with the
 * operator token instead of a device: the same typed calls as {@link SpreekuurClient.call}.
 */
export class OperatorClient {
  private readonly http: HttpClient;

  constructor(options: OperatorClientOptions) {
    this.http = new HttpClient({
      baseUrl: options.serverUrl,
      locale: options.locale ?? 'nl',
      token: () => null,
      refresh: async () => undefined,
      headers: { 'x-operator-token': options.operatorToken },
    });
  }

  call<E extends EndpointDefinition & { access: 'operator' }>(
    endpoint: E,
    ...input: CallArguments<E>
  ): Promise<EndpointResult<E>> {
    return this.http.call(endpoint, ...input);
  }
}
