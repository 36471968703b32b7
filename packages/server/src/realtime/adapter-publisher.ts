import type { Redis } from 'ioredis';

/**
 * The Redis client the socket.io Streams adapter publishes with, as the adapter needs it.
 *
 * The adapter sends its ephemeral messages (`serverSideEmit`, which the room directory uses,
 * and fetch-sockets requests) with a PUBLISH whose promise it drops. A PUBLISH that fails —
 * Redis gone, or a socket that disconnects while the node shuts down and its client has
 * quit — would then be an unhandled rejection, which takes a Node process down. This client
 * is the same connection; only its `publish` gets a handler, and the failure is reported.
 * Whoever awaits the promise still sees the error.
 */
export function adapterPublisher(redis: Redis, onError: (error: Error) => void): Redis {
  const publish: Redis['publish'] = (...args: Parameters<Redis['publish']>) => {
    const sent = redis.publish(...args);
    sent.catch((error: unknown) => onError(error instanceof Error ? error : new Error(String(error))));
    return sent;
  };
  return new Proxy(redis, {
    get: (target, property) =>
      property === 'publish' ? publish : (Reflect.get(target, property, target) as unknown),
  });
}
