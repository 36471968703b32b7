import type { Realtime } from '@spreekuur/server';
import type { ChatServices } from '../services.ts';

/** The chat's socket.io events (payloads and acks are typed from `@spreekuur/protocol/chat`). */
export function registerSocketHandlers(realtime: Realtime, services: ChatServices): void {
  const { messages, receipts, typing, presence, keys } = services;
  realtime.onConnection((socket) => presence.connected(socket));
  realtime.onConnection((socket) =>
    keys.remindIfLow(socket.data.principal.deviceId, (remaining) => socket.emit('keys:low', { remaining })),
  );
  realtime.onDisconnect((socket) => presence.disconnected(socket));

  realtime.handle('chat:send', (envelope, { principal }) => messages.send(principal, envelope));
  realtime.handle('chat:delete', ({ channelId, seq }, { principal }) =>
    messages.deleteForEveryone(principal, channelId, seq),
  );
  realtime.handle('chat:receipts', async (body, { principal }) => ({
    receipts: await receipts.record(principal, body.receipts),
  }));
  realtime.handle('chat:sync', (_body, { principal }) => receipts.sync(principal));
  realtime.handle('chat:typing', async ({ channelId, typing: isTyping }, { principal }) => {
    await typing.set(principal, channelId, isTyping);
    return {};
  });
  realtime.handle('presence:set', (body, { socket }) => presence.set(socket, body));
  realtime.handle('presence:watch', ({ personIds }, { socket, principal }) =>
    presence.watch(socket, principal, personIds),
  );
}
