export { createServer, type App, type CreateServerOptions, type RouteEntry } from './create-server.ts';
export type { ServerDeps } from './infrastructure.ts';
export { createRedis } from './redis.ts';
export { redactUrl, redactPaths } from './logging.ts';
export { errorBody } from './http/error-handler.ts';
export { preferredLocale } from './http/locale.ts';
export { perDevice, perDeviceRateLimit } from './http/rate-limit.ts';
export type { Principal } from './auth/principal.ts';
export { principalOf, requireRole, bearerToken } from './auth/authenticate.ts';
export {
  hashToken,
  issueAccessToken,
  purgeExpiredCredentials,
  resolveAccessToken,
  revokeAccessToken,
  revokeDeviceTokens,
} from './auth/access-tokens.ts';
export { rooms } from './realtime/rooms.ts';
export type { AppSocket, Realtime, RealtimeContext } from './realtime/realtime.ts';
export { recordAudit, type AuditEntry } from './audit.ts';
export {
  createRateLimiter,
  MemoryRateLimiter,
  perMinute,
  RedisRateLimiter,
  type RateDecision,
  type RateLimiter,
  type RateLimiterOptions,
  type RatePolicy,
  type RedisRateLimiterOptions,
} from './limits/index.ts';
export { installGracefulShutdown } from './shutdown.ts';
export { startService, type StartedService } from './start-service.ts';
