export type { Database, DatabaseKind, PoolStats, Queryable, QueryResult, Row, Session } from './database.ts';
export { isExclusionViolation, isSerializationFailure, isUniqueViolation } from './errors.ts';
export { migrate, MigrationError, type MigrationReport } from './migrate.ts';
export { loadMigrations, migrationsDirectory, type Migration } from './migrations.ts';
export { createPostgresDatabase } from './postgres.ts';
export { createEmbeddedDatabase, restrictToOwner } from './embedded.ts';
export { DataDirLockedError } from './data-dir-lock.ts';
export { databaseTargetFromConfig, openDatabase, type DatabaseTarget, type OpenedDatabase } from './open.ts';
export {
  backupEmbedded,
  inspectBackup,
  restoreEmbedded,
  snapshotEmbedded,
  writeFileAtomically,
  type BackupManifest,
} from './embedded-backup.ts';
