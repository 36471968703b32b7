import type { FastifyInstance } from 'fastify';

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting, close sockets, finish in-flight
 * requests, then close pools. If that takes longer than `timeoutMs`, exit anyway so an
 * orchestrator is never left waiting.
 */
export function installGracefulShutdown(
  app: FastifyInstance,
  options: { timeoutMs: number; closeResources: () => Promise<void> },
): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      app.log.error({ timeoutMs: options.timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, options.timeoutMs);
    deadline.unref();
    app
      .close()
      .then(options.closeResources)
      .then(
        () => {
          app.log.info('shut down cleanly');
          process.exit(0);
        },
        (error: unknown) => {
          app.log.error({ err: error }, 'error during shutdown');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
