import type { FastifyInstance } from 'fastify';
import { chatEndpoints as endpoints } from '@spreekuur/protocol/chat';
import { routeGroup } from '@spreekuur/server';
import type { ChatServices } from '../services.ts';

/** Channels: direct conversations and groups, their members, devices and settings. */
export async function channelRoutes(app: FastifyInstance, { channels }: ChatServices) {
  const routes = routeGroup(app);
  routes.add(endpoints.listChannels, async ({ principal }) => ({ channels: await channels.list(principal) }));
  routes.add(endpoints.openDirect, ({ principal, body }) => channels.openDirect(principal, body.personId));
  routes.add(endpoints.createGroup, ({ principal, body }) =>
    channels.createGroup(principal, body.name, body.memberIds, body),
  );
  routes.add(endpoints.getChannel, ({ principal, params }) => channels.get(principal, params.id));
  routes.add(endpoints.channelDevices, async ({ principal, params }) => ({
    devices: await channels.devices(principal, params.id),
  }));
  routes.add(endpoints.changeSettings, ({ principal, params, body }) =>
    channels.changeSettings(principal, params.id, body.disappearingSeconds),
  );
  routes.add(endpoints.addMember, ({ principal, params, body }) =>
    channels.addMember(principal, params.id, body.personId, body.role, body.proof),
  );
  routes.add(endpoints.removeMember, ({ principal, params }) =>
    channels.removeMember(principal, params.id, params.personId),
  );
}
