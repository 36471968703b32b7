import { config } from 'zod';

// Zod compiles fast parsers with `new Function` when it may; the CSP forbids eval, and even its
// probe is reported as a violation. Imported first by main.tsx, so it runs before any module
// that parses at load time.
config({ jitless: true });
