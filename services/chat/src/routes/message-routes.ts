import type { FastifyInstance } from 'fastify';
import { chatEndpoints as endpoints } from '@spreekuur/protocol/chat';
import { routeGroup } from '@spreekuur/server';
import type { ChatServices } from '../services.ts';

/** The channel log: history, sending and deleting messages, delivered and read receipts. */
export async function messageRoutes(app: FastifyInstance, { messages, receipts }: ChatServices) {
  const routes = routeGroup(app);
  routes.add(endpoints.history, ({ principal, params, query }) =>
    messages.history(principal, params.id, query.after, query.limit),
  );
  routes.add(endpoints.receiptCursors, async ({ principal, params }) => ({
    receipts: await receipts.cursors(principal, params.id),
  }));
  routes.add(endpoints.send, ({ principal, body }) => messages.send(principal, body));
  routes.add(endpoints.deleteMessage, ({ principal, params }) =>
    messages.deleteForEveryone(principal, params.id, params.seq),
  );
  routes.add(endpoints.recordReceipts, async ({ principal, body }) => ({
    receipts: await receipts.record(principal, body.receipts),
  }));
}
