import { startService } from '@spreekuur/server';
import { buildApp } from './app.ts';

// The chat service as its own process (`pnpm --filter @spreekuur/chat start`).
await startService('Spreekuur chat', buildApp);
