// The SDK chunk's entry: zod is told not to compile parsers before any schema of the SDK or the
// protocol is made (the CSP forbids eval; see ../zod-config.ts), then the SDK itself.
import '../zod-config.ts';

export * from '@spreekuur/client';
export { inviteCode } from '@spreekuur/protocol/identity';
