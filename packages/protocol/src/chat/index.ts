/**
 * Chat on the wire (`@spreekuur/protocol/chat`). Every byte string here is ciphertext or a
 * public key: the server routes and stores it without being able to read it
 * (packages/crypto/SPEC.md).
 *
 * | Module         | What it holds                                                       |
 * | -------------- | ------------------------------------------------------------------- |
 * | `bytes.ts`     | `opaqueBytes`: bounded base64url byte strings                       |
 * | `keys.ts`      | prekeys, key status, prekey bundles                                 |
 * | `channels.ts`  | channels, members, their devices; sequence numbers                  |
 * | `messages.ts`  | envelopes, acks, the channel log (events, history pages)            |
 * | `receipts.ts`  | delivered/read cursors, catch-up summaries (`chat:sync`)            |
 * | `presence.ts`  | typing and presence                                                 |
 * | `files.ts`     | encrypted file uploads                                              |
 * | `events.ts`    | socket.io events, client → server and server → client               |
 * | `endpoints.ts` | every REST endpoint: `keyEndpoints`, `chatEndpoints`, `fileEndpoints` |
 * | `moderation.ts` | moderation state and actions, reports (`moderationEndpoints`)       |
 */
export * from './bytes.ts';
export * from './keys.ts';
export * from './channels.ts';
export * from './messages.ts';
export * from './receipts.ts';
export * from './presence.ts';
export * from './files.ts';
export * from './events.ts';
export * from './endpoints.ts';
export * from './moderation.ts';
