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

  /**
   * Calls an operator endpoint that answers with bytes rather than JSON (the online backup)
   * and hands back the body as it arrives, so a large answer is never held in memory whole.
   */
  async stream<E extends EndpointDefinition & { access: 'operator'; responseContentType: string }>(
    endpoint: E,
  ): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.http.raw(endpoint.method, endpoint.path, { auth: false });
    const body = response.body;
    if (!body) return (async function* () {})();
    return body as unknown as AsyncIterable<Uint8Array>;
  }
}
