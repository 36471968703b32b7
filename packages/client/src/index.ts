export { SpreekuurClient, type ClientOptions, type RegisterOptions, type SentMessage } from './client.ts';
export { OperatorClient, type OperatorClientOptions } from './operator.ts';
export { SpreekuurError, isSpreekuurError, type ClientErrorCode } from './errors.ts';
export { MemoryStore, type KeyValueStore } from './storage/key-value-store.ts';
export type { FileSource } from './files.ts';
export type { ChatMessage, ClientEvents, MembershipChange, OutgoingUpdate, UploadProgress } from './types.ts';
export { generateRecoveryKey } from './backup/sealed-backup.ts';
export type { KdfParams } from './backup/sealed-backup.ts';
export type { BackupSummary, KeyBackupClient, RestoreSummary } from './backup/key-backup.ts';
