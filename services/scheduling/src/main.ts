import { startService } from '@spreekuur/server';
import { buildApp } from './app.ts';

// The scheduling service as its own process (`pnpm --filter @spreekuur/scheduling start`).
await startService('Spreekuur scheduling', (deps) => buildApp(deps));
