import type { FastifyInstance } from 'fastify';
import { identityEndpoints as endpoints } from '@spreekuur/protocol/identity';
import { routeGroup } from '@spreekuur/server';
import type { IdentityServices } from '../services.ts';

/** The caller's organisation: teams, the people they may see, invites. */
export async function organisationRoutes(
  app: FastifyInstance,
  { teams, people, invites, devices, settings }: IdentityServices,
) {
  const routes = routeGroup(app);
  routes.add(endpoints.listTeams, async ({ principal }) => ({ teams: await teams.list(principal) }));
  routes.add(endpoints.createTeam, ({ principal, body }) => teams.create(principal, body.name));
  routes.add(endpoints.setTeamVerification, ({ principal, params, body }) =>
    teams.setVerification(principal, params.id, body.verifiedDevicesRequired),
  );
  routes.add(endpoints.addTeamMember, ({ principal, params }) =>
    teams.addMember(principal, params.id, params.personId),
  );
  routes.add(endpoints.removeTeamMember, ({ principal, params }) =>
    teams.removeMember(principal, params.id, params.personId),
  );
  routes.add(endpoints.listPeople, async ({ principal, query }) => ({
    people: await people.list(principal, query),
  }));
  routes.add(endpoints.getPerson, ({ principal, params }) => people.get(principal, params.id));
  routes.add(endpoints.listPersonDevices, async ({ principal, params }) => ({
    devices: await devices.listOf(principal, params.id),
  }));
  routes.add(endpoints.revokePersonDevice, ({ principal, params }) =>
    devices.revokeFor(principal, params.id, params.deviceId),
  );
  routes.add(endpoints.createPersonDeviceInvite, ({ principal, params, body }) =>
    invites.createDeviceLinkFor(principal, params.id, body),
  );
  routes.add(endpoints.organisationSettings, ({ principal }) => settings.get(principal));
  routes.add(endpoints.changeOrganisationSettings, ({ principal, body }) => settings.change(principal, body));
  routes.add(endpoints.createInvite, ({ principal, body }) => invites.create(principal, body));
  routes.add(endpoints.listInvites, async ({ principal }) => ({ invites: await invites.list(principal) }));
  routes.add(endpoints.revokeInvite, ({ principal, params }) => invites.revoke(principal, params.id));
}
