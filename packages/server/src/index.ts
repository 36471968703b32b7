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
export {
  emitTo,
  type AppServer,
  type AppSocket,
  type EventHandler,
  type Realtime,
  type RealtimeContext,
} from './realtime/realtime.ts';
export { actorOf, recordAudit, type AuditEntry } from './audit.ts';
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
export {
  routeGroup,
  type RouteContext,
  type RouteGroup,
  type RouteHandler,
  type RouteOptions,
} from './http/routes.ts';
