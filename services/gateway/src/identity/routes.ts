import type { FastifyInstance } from 'fastify';
import { authEndpoints, identityEndpoints as endpoints } from '@spreekuur/protocol/identity';
import { rooms, routeGroup } from '@spreekuur/server';
import { createDeviceLink, listOwnDevices, revokeOwnDevice } from './devices.ts';
import { createInvite, listInvites, redeemInvite, revokeInvite } from './invites.ts';
import { createChallenge, login } from './login.ts';
import { getMe, getPerson, listPeople } from './people.ts';
import { addTeamMember, createTeam, listTeams, removeTeamMember } from './teams.ts';

/** Registration, login, and everything a person does with their account and organisation. */
export async function identityRoutes(app: FastifyInstance) {
  const { db, config, realtime } = app;
  const clock = () => app.clock();
  const inviteSettings = () => ({ publicUrl: config.PUBLIC_URL, defaultTtlDays: config.INVITE_TTL_DAYS });
  const routes = routeGroup(app);

  // ---- Public: registration and device-key login, limited per client address ----------
  const perAddress = { rateLimit: { max: config.RATE_LIMIT_AUTH_PER_MINUTE, timeWindow: '1 minute' } };
  routes.add(authEndpoints.register, ({ body }) => redeemInvite(db, body, clock()), perAddress);
  routes.add(authEndpoints.challenge, ({ body }) => createChallenge(db, body.deviceId, clock()), perAddress);
  routes.add(
    authEndpoints.login,
    ({ body }) => login(db, body, clock(), config.ACCESS_TOKEN_TTL_SECONDS),
    perAddress,
  );

  // ---- The caller's account -------------------------------------------------------------
  routes.add(endpoints.me, ({ principal }) => getMe(db, principal));
  routes.add(endpoints.listOwnDevices, async ({ principal }) => ({
    devices: await listOwnDevices(db, principal),
  }));
  routes.add(endpoints.revokeOwnDevice, async ({ principal, params }) => {
    await revokeOwnDevice(db, principal, params.id, clock());
    await realtime.disconnectDevice(params.id, 'device_revoked');
  });
  routes.add(endpoints.createDeviceLink, ({ principal }) =>
    createDeviceLink(db, principal, clock(), inviteSettings()),
  );

  // ---- The organisation: teams, people, invites -----------------------------------------
  routes.add(endpoints.listTeams, async ({ principal }) => ({ teams: await listTeams(db, principal) }));
  routes.add(endpoints.createTeam, ({ principal, body }) => createTeam(db, principal, body.name));
  routes.add(endpoints.addTeamMember, ({ principal, params }) =>
    addTeamMember(db, principal, params.id, params.personId),
  );
  routes.add(endpoints.removeTeamMember, async ({ principal, params }) => {
    await removeTeamMember(db, principal, params.id, params.personId);
    // Watching a team's queue was allowed at the time of watching: take every socket of the
    // person (on every node) out of the team's room now that they no longer belong to it.
    realtime.io.in(rooms.person(params.personId)).socketsLeave(rooms.team(params.id));
  });
  routes.add(endpoints.listPeople, async ({ principal, query }) => ({
    people: await listPeople(db, principal, query),
  }));
  routes.add(endpoints.getPerson, ({ principal, params }) => getPerson(db, principal, params.id));
  routes.add(endpoints.createInvite, ({ principal, body }) =>
    createInvite(db, principal, body, clock(), inviteSettings()),
  );
  routes.add(endpoints.listInvites, async ({ principal }) => ({ invites: await listInvites(db, principal) }));
  routes.add(endpoints.revokeInvite, ({ principal, params }) =>
    revokeInvite(db, principal, params.id, clock()),
  );
}
