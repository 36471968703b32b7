export { SpreekuurClient, type ClientOptions, type RegisterOptions, type SentMessage } from './client.ts';
export { OperatorClient, type OperatorClientOptions } from './operator.ts';
export type { ModerationClient, OpenedReport, ReportInput } from './moderation.ts';
export { SpreekuurError, isSpreekuurError, type ClientErrorCode } from './errors.ts';
export { MemoryStore, type KeyValueStore } from './storage/key-value-store.ts';
export { EncryptedStore, type StateCipher } from './storage/encrypted-store.ts';
export type { DeviceTrust, PersonTrustSummary, TrustPolicy } from './crypto/trust-store.ts';
export type { SensitiveTeam } from './sync/verification-policy.ts';
export type { TrustPolicyState } from './sync/trust-policy.ts';
export { MAX_DOWNLOAD_BYTES, type FileSource } from './files.ts';
export type {
  ChatMessage,
  ClientEvents,
  MembershipChange,
  OutgoingUpdate,
  TrustChange,
  UnverifiedAddition,
  UploadProgress,
} from './types.ts';
export { generateRecoveryKey } from './backup/sealed-backup.ts';
export type { KdfParams } from './backup/sealed-backup.ts';
export type { BackupSummary, KeyBackupClient, RestoreSummary } from './backup/key-backup.ts';
export type { HistoryReceived, HistorySent } from './backup/history-transfer.ts';
