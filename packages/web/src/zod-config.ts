import { config } from 'zod';

// Zod compiles fast parsers with `new Function` when it may; the CSP forbids eval, and even its
// probe is reported as a violation. Imported first by the chunks that bring zod (state/sdk-entry.ts,
// ui/screens.tsx), so it runs before any schema is made; the first screen has no zod at all.
config({ jitless: true });
