import type { IsolationCase, IsolationContext } from './isolation-context.ts';

/**
 * Cross-organisation cases for the scheduling routes, merged into
 * organisation-isolation.test.ts (which fails for any route without a case).
 */
export async function prepareSchedulingIsolation(_context: IsolationContext): Promise<void> {
  // Scheduling has no routes yet; its data for organisation B is created here when it does.
}

export const schedulingIsolationCases: Record<string, IsolationCase> = {};
