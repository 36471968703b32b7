export * from './retention.ts';
export * from './audit.ts';
export * from './export.ts';
export * from './backup.ts';
export * from './history-transfer.ts';
export { privacyEndpoints } from './endpoints.ts';
