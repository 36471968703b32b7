// Regenerates the documentation that is derived from code (`pnpm docs:generate`).
import { writeFile } from 'node:fs/promises';
import { renderErrorDocs } from '../packages/protocol/src/errors-doc.ts';

await writeFile(new URL('../docs/errors.md', import.meta.url), renderErrorDocs());
console.log('docs/errors.md written');
