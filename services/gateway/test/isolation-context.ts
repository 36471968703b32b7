import type { seedOrganisation, TestGateway } from './harness.ts';

/** What every organisation-isolation case gets: one gateway, organisations A and B. */
export interface IsolationContext {
  gateway: TestGateway;
  a: Awaited<ReturnType<typeof seedOrganisation>>;
  b: Awaited<ReturnType<typeof seedOrganisation>>;
}

export type IsolationCase = (context: IsolationContext) => Promise<void>;
