export { SpreekuurClient, type ClientOptions, type RegisterOptions } from './client.ts';
export { SpreekuurError, isSpreekuurError, type ClientErrorCode } from './errors.ts';
export { MemoryStore, type KeyValueStore } from './storage/key-value-store.ts';
export type { FileSource } from './files.ts';
export type { ChatMessage, ClientEvents, MembershipChange, UploadProgress } from './types.ts';
