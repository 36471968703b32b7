/**
 * A malicious server for the real SDK: the real gateway, with a scripted layer in front of
 * one client's HTTP calls that rewrites what the server answers (device lists, bundles,
 * history). Whatever it does must be refused or surfaced by the client, never accepted.
 */
export type Rewrite = (path: string, body: unknown) => unknown;

export class TamperingFetch {
  private rewrites: Rewrite[] = [];

  /** Rewrites answers until `stop()` (or for ever). */
  tamper(rewrite: Rewrite): void {
    this.rewrites.push(rewrite);
  }

  stop(): void {
    this.rewrites = [];
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (this.rewrites.length === 0 || !response.headers.get('content-type')?.includes('json'))
      return response;
    let body: unknown = await response.json();
    for (const rewrite of this.rewrites) body = rewrite(url.pathname, body);
    return new Response(JSON.stringify(body), {
      status: response.status,
      headers: { 'content-type': 'application/json' },
    });
  };
}
