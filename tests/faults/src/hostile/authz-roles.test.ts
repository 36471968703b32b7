import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addResident,
  addWorker,
  api,
  expectOk,
  seedOrganisation,
  startGateway,
  type Actor,
  type TestGateway,
} from '@spreekuur/gateway/testing';
import {
  channelDevices,
  opaque,
  openDirect,
  pairwiseEnvelope,
  publishKeys,
  uploadFile,
} from '@spreekuur/testing/chat';
import { ALWAYS_OPEN, localDate } from '@spreekuur/testing/scheduling';
import { errorCatalog } from '@spreekuur/protocol/errors';
import { clientEvents, type ClientEventName } from '@spreekuur/protocol/realtime';
import { connect, waitFor } from '@spreekuur/testing/socket';
import { catalogue, routeKey } from './catalogue.ts';
import { databaseFingerprint } from './snapshot.ts';

/**
 * The authorisation matrix, its two roles of people inside the organisation: for every device
 * endpoint of the protocol's catalogue, "a resident where a worker (or an admin) is needed" and
 * "someone who is not a member of the channel or team". The endpoint declarations say only that
 * a device is needed (the roles are the services' rules), so the table below says per route who
 * may call it and gives a well-formed request aimed at real things of the team (a request the
 * schema refuses would prove nothing). A route of the catalogue without a row fails the test, as
 * does a row without a route. Every attempt must be refused (403 or 404) and change nothing.
 */
let gateway: TestGateway;
let f: Awaited<ReturnType<typeof prepare>>;
const endpoints = (await catalogue()).filter(({ endpoint }) => endpoint.access === 'device');

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const lp = (bytes: Uint8Array) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
const mac = (key: Uint8Array, label: string, parts: Uint8Array[]) =>
  createHmac('sha512', key)
    .update(Buffer.concat([lp(Buffer.from(`Spreekuur-v1/${label}`)), ...parts.map(lp)]))
    .digest()
    .subarray(0, 32);
const inDays = (days: number, hours = 0) =>
  new Date(Date.now() + days * 86_400_000 + hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Team "Wijkteam" (T): a worker, a resident and a second resident, with a direct channel, a
 * moderated group, a file, a message, a report, office hours, an appointment type, a booked
 * appointment, a waiting resident and a roster shift. Team "Schuldhulp" (T2) of the same
 * organisation: its own worker and resident, who are members of none of it.
 */
async function prepare() {
  const org = await seedOrganisation(gateway, 'rollen');
  const { admin, worker, resident, team } = org;
  const resident2 = await addResident(gateway, worker, team.id, 'Tweede inwoner');
  const team2 = await expectOk<{ id: string }>(
    gateway,
    admin,
    'POST',
    '/v1/teams',
    { name: 'Schuldhulp' },
    201,
  );
  const strangerWorker = await addWorker(gateway, admin, team2.id, 'Werker schuldhulp');
  const strangerResident = await addResident(gateway, strangerWorker, team2.id, 'Inwoner schuldhulp');
  for (const actor of [worker, resident, resident2, strangerWorker, strangerResident])
    await publishKeys(gateway, actor);
  const direct = await openDirect(gateway, worker, resident.personId);
  const envelope = await pairwiseEnvelope(gateway, worker, direct.id);
  const directSeq = (await expectOk<{ seq: number }>(gateway, worker, 'POST', '/v1/messages', envelope)).seq;
  const file = await uploadFile(gateway, worker, direct.id);
  const group = await expectOk<{ id: string }>(
    gateway,
    worker,
    'POST',
    '/v1/channels/groups',
    { name: 'Training', memberIds: [resident.personId, resident2.personId] },
    201,
  );
  const key = randomBytes(32);
  const bindingKey = mac(key, 'franking/binding-key', []);
  const digest = mac(mac(key, 'franking/hiding-key', []), 'franking/digest', [Buffer.from('bericht')]);
  const groupSeq = (
    await expectOk<{ seq: number }>(gateway, worker, 'POST', '/v1/messages', {
      channelId: group.id,
      clientId: randomUUID(),
      kind: 'group',
      ciphertext: opaque(),
      recipientDeviceIds: await channelDevices(gateway, worker, group.id),
      frankingCommitment: b64(mac(bindingKey, 'franking/commitment', [digest])),
    })
  ).seq;
  await expectOk(gateway, worker, 'POST', `/v1/channels/${group.id}/moderation/pins`, { seq: groupSeq });
  const reportBody = {
    channelId: group.id,
    seq: groupSeq,
    reason: 'spam',
    opening: { bindingKey: b64(bindingKey), digest: b64(digest) },
    sealed: [{ deviceId: worker.deviceId, ciphertext: opaque(100) }],
  };
  const report = await expectOk<{ id: string }>(gateway, resident, 'POST', '/v1/reports', reportBody, 201);
  const invite = await expectOk<{ id: string }>(
    gateway,
    worker,
    'POST',
    '/v1/invites',
    { role: 'resident', teamId: team.id },
    201,
  );

  const teamUrl = `/v1/scheduling/teams/${team.id}`;
  await expectOk(gateway, worker, 'PUT', `${teamUrl}/office-hours`, ALWAYS_OPEN);
  await expectOk(gateway, worker, 'PUT', `${teamUrl}/duty`, { onDuty: true });
  await expectOk(
    gateway,
    worker,
    'PUT',
    `/v1/scheduling/workers/${worker.personId}/availability`,
    ALWAYS_OPEN,
  );
  const shiftBody = { workerId: worker.personId, start: inDays(10), end: inDays(10, 1) };
  const shift = await expectOk<{ id: string }>(gateway, worker, 'POST', `${teamUrl}/roster`, shiftBody, 201);
  const typeBody = { kind: 'phone', name: 'Bellen', durationMinutes: 30 };
  const type = await expectOk<{ id: string }>(
    gateway,
    worker,
    'POST',
    `${teamUrl}/appointment-types`,
    typeBody,
    201,
  );
  const day = localDate(2, 'UTC');
  const slotsUrl = `/v1/scheduling/slots?appointmentTypeId=${type.id}&workerId=${worker.personId}&from=${day}&to=${day}&timeZone=UTC`;
  const slots = await expectOk<{ slots: Array<{ start: string }> }>(gateway, resident, 'GET', slotsUrl);
  const booking = { appointmentTypeId: type.id, workerId: worker.personId, start: slots.slots[0]!.start };
  const appointment = await expectOk<{ id: string }>(
    gateway,
    resident,
    'POST',
    '/v1/scheduling/appointments',
    booking,
    201,
  );
  const entry = await expectOk<{ entryId: string }>(gateway, resident, 'POST', `${teamUrl}/queue`, {}, 201);
  const notifications = await expectOk<{ notifications: Array<{ id: string }> }>(
    gateway,
    worker,
    'GET',
    '/v1/scheduling/notifications',
  );
  return {
    admin,
    worker,
    resident,
    resident2,
    strangerWorker,
    strangerResident,
    team,
    teamUrl,
    direct: direct.id,
    directSeq,
    envelope,
    file: file.id,
    group: group.id,
    groupSeq,
    report: report.id,
    reportBody,
    invite: invite.id,
    shift: shift.id,
    shiftBody,
    type: type.id,
    typeBody,
    slotsUrl,
    booking: { ...booking, start: slots.slots[1]!.start },
    appointment: appointment.id,
    entry: entry.entryId,
    notification: notifications.notifications[0]?.id ?? randomUUID(),
  };
}

type Fixture = typeof f;
/** `resident2`: another resident of the same team, for what is one resident's own. */
type Who = 'resident' | 'resident2' | 'worker' | 'strangerWorker' | 'strangerResident';

/** One try: who (default: the column's), where, and a well-formed body. */
interface Attempt {
  as?: Who;
  url: string;
  body?: unknown;
  /** For a chunk upload: raw bytes. */
  bytes?: Buffer;
}

/** An attempt (or several), or, where the column does not apply, why not. */
type Column = ((f: Fixture) => Attempt | Attempt[]) | string;

interface Row {
  /** "A resident where a worker (or admin) is needed": tried as the team's own resident. */
  resident: Column;
  /** "A non-member of the channel or team": tried as the worker of the other team. */
  nonMember: Column;
}

const SELF = 'every signed-in person may, and it acts only on their own data';
const OWN_LIST =
  'lists only what the caller belongs to (organisation-isolation.test.ts checks what it leaves out)';
const NO_TARGET = 'not about a channel or team';
const MEMBERS = 'open to every member; the non-member column is the check';
const RESIDENTS_MAY = 'residents may call it (on their own team: the non-member column)';
const LINK_HOLDERS =
  'anyone of the organisation holding a group link may (services/chat/test/group-links.test.ts: bans, revoked links, other organisations)';
const moderation = (path: string, body?: unknown) => (x: Fixture) => ({
  url: `/v1/channels/${x.group}/moderation${path ? '/' : ''}${path.replace('{p}', x.resident2.personId).replace('{seq}', String(x.groupSeq))}`,
  body,
});
const asBoth = (attempt: (x: Fixture) => Attempt) => (x: Fixture) => [
  attempt(x),
  { ...attempt(x), as: 'worker' as const },
];

const TABLE: Record<string, Row> = {
  // ---- identity -----------------------------------------------------------------------
  'GET /v1/me': { resident: SELF, nonMember: SELF },
  'GET /v1/me/devices': { resident: SELF, nonMember: SELF },
  'DELETE /v1/me/devices/:id': {
    resident: SELF,
    nonMember: (x) => ({ url: `/v1/me/devices/${x.resident.deviceId}` }),
  },
  'POST /v1/me/device-links': { resident: SELF, nonMember: SELF },
  'GET /v1/teams': { resident: OWN_LIST, nonMember: OWN_LIST },
  'POST /v1/teams': {
    resident: asBoth(() => ({ url: '/v1/teams', body: { name: 'Nieuw team' } })),
    nonMember: NO_TARGET,
  },
  'PUT /v1/teams/:id/verification': {
    resident: (x) => ({
      url: `/v1/teams/${x.team.id}/verification`,
      body: { verifiedDevicesRequired: true },
    }),
    nonMember: (x) => ({
      url: `/v1/teams/${x.team.id}/verification`,
      body: { verifiedDevicesRequired: true },
    }),
  },
  'PUT /v1/teams/:id/members/:personId': {
    resident: asBoth((x) => ({ url: `/v1/teams/${x.team.id}/members/${x.strangerResident.personId}` })),
    nonMember: (x) => ({ url: `/v1/teams/${x.team.id}/members/${x.strangerWorker.personId}` }),
  },
  'DELETE /v1/teams/:id/members/:personId': {
    resident: asBoth((x) => ({ url: `/v1/teams/${x.team.id}/members/${x.resident2.personId}` })),
    nonMember: (x) => ({ url: `/v1/teams/${x.team.id}/members/${x.resident.personId}` }),
  },
  'GET /v1/people': { resident: OWN_LIST, nonMember: OWN_LIST },
  'GET /v1/people/:id': {
    resident: (x) => ({ url: `/v1/people/${x.strangerResident.personId}` }),
    nonMember: (x) => ({ as: 'strangerResident', url: `/v1/people/${x.resident.personId}` }),
  },
  'GET /v1/people/:id/devices': {
    resident: asBoth((x) => ({ url: `/v1/people/${x.resident2.personId}/devices` })),
    nonMember: (x) => ({ url: `/v1/people/${x.resident.personId}/devices` }),
  },
  'DELETE /v1/people/:id/devices/:deviceId': {
    resident: asBoth((x) => ({ url: `/v1/people/${x.resident2.personId}/devices/${x.resident2.deviceId}` })),
    nonMember: (x) => ({ url: `/v1/people/${x.resident.personId}/devices/${x.resident.deviceId}` }),
  },
  'POST /v1/people/:id/device-invites': {
    // A resident may make a device-link code for nobody, not even a neighbour or their worker.
    resident: (x) => [
      { url: `/v1/people/${x.resident2.personId}/device-invites`, body: {} },
      { url: `/v1/people/${x.worker.personId}/device-invites`, body: {} },
    ],
    nonMember: (x) => ({ url: `/v1/people/${x.resident.personId}/device-invites`, body: {} }),
  },
  'POST /v1/invites': {
    resident: (x) => ({ url: '/v1/invites', body: { role: 'resident', teamId: x.team.id } }),
    nonMember: (x) => ({ url: '/v1/invites', body: { role: 'resident', teamId: x.team.id } }),
  },
  'GET /v1/invites': { resident: OWN_LIST, nonMember: OWN_LIST },
  'GET /v1/organisation/settings': {
    resident: 'every member reads the trust policy their devices follow',
    nonMember: NO_TARGET,
  },
  'PUT /v1/organisation/settings': {
    resident: asBoth(() => ({ url: '/v1/organisation/settings', body: { trustPolicy: 'warn' } })),
    nonMember: NO_TARGET,
  },
  'DELETE /v1/invites/:id': {
    resident: (x) => ({ url: `/v1/invites/${x.invite}` }),
    nonMember: (x) => ({ url: `/v1/invites/${x.invite}` }),
  },
  // ---- keys ---------------------------------------------------------------------------
  'PUT /v1/keys/signed-prekeys': { resident: SELF, nonMember: SELF },
  'POST /v1/keys/one-time-prekeys': { resident: SELF, nonMember: SELF },
  'GET /v1/keys/status': { resident: SELF, nonMember: SELF },
  'POST /v1/keys/bundles': {
    // The two residents of the team share the group, so the resident may fetch the other's keys.
    resident: (x) => ({ url: '/v1/keys/bundles', body: { deviceIds: [x.strangerResident.deviceId] } }),
    nonMember: (x) => ({
      as: 'strangerResident',
      url: '/v1/keys/bundles',
      body: { deviceIds: [x.worker.deviceId] },
    }),
  },
  'PUT /v1/keys/certificates': {
    resident: (x) => ({
      url: '/v1/keys/certificates',
      body: { deviceId: x.worker.deviceId, signature: b64(Buffer.alloc(64, 1)) },
    }),
    nonMember: (x) => ({
      url: '/v1/keys/certificates',
      body: { deviceId: x.resident.deviceId, signature: b64(Buffer.alloc(64, 1)) },
    }),
  },
  'POST /v1/keys/certificates/query': {
    resident: 'answers only certificates of devices the caller may talk to (empty otherwise, not refused)',
    nonMember: 'answers only certificates of devices the caller may talk to (empty otherwise, not refused)',
  },
  // ---- channels, messages, files ----------------------------------------------------
  'GET /v1/channels': { resident: OWN_LIST, nonMember: OWN_LIST },
  'POST /v1/channels/direct': {
    resident: (x) => ({ url: '/v1/channels/direct', body: { personId: x.resident2.personId } }),
    nonMember: (x) => ({
      as: 'strangerResident',
      url: '/v1/channels/direct',
      body: { personId: x.worker.personId },
    }),
  },
  'POST /v1/channels/groups': {
    resident: (x) => ({
      url: '/v1/channels/groups',
      body: { name: 'Eigen groep', memberIds: [x.resident2.personId] },
    }),
    nonMember: (x) => ({
      url: '/v1/channels/groups',
      body: { name: 'Vreemde groep', memberIds: [x.resident.personId] },
    }),
  },
  'GET /v1/channels/:id': { resident: MEMBERS, nonMember: (x) => ({ url: `/v1/channels/${x.direct}` }) },
  'GET /v1/channels/:id/devices': {
    resident: MEMBERS,
    nonMember: (x) => ({ url: `/v1/channels/${x.direct}/devices` }),
  },
  'PUT /v1/channels/:id/settings': {
    resident: (x) => ({ url: `/v1/channels/${x.group}/settings`, body: { disappearingSeconds: 3600 } }),
    nonMember: (x) => ({ url: `/v1/channels/${x.direct}/settings`, body: { disappearingSeconds: 3600 } }),
  },
  'POST /v1/channels/:id/members': {
    resident: (x) => ({
      url: `/v1/channels/${x.group}/members`,
      body: { personId: x.strangerResident.personId },
    }),
    nonMember: (x) => ({
      url: `/v1/channels/${x.group}/members`,
      body: { personId: x.strangerResident.personId },
    }),
  },
  'DELETE /v1/channels/:id/members/:personId': {
    resident: (x) => ({ url: `/v1/channels/${x.group}/members/${x.resident2.personId}` }),
    nonMember: (x) => ({ url: `/v1/channels/${x.group}/members/${x.resident.personId}` }),
  },
  'GET /v1/channels/:id/events': {
    resident: MEMBERS,
    nonMember: (x) => ({ url: `/v1/channels/${x.direct}/events` }),
  },
  'GET /v1/channels/:id/receipts': {
    resident: MEMBERS,
    nonMember: (x) => ({ url: `/v1/channels/${x.direct}/receipts` }),
  },
  'POST /v1/messages': {
    resident: MEMBERS,
    nonMember: (x) => ({ url: '/v1/messages', body: { ...x.envelope, clientId: randomUUID() } }),
  },
  'DELETE /v1/channels/:id/messages/:seq': {
    resident: (x) => ({ url: `/v1/channels/${x.group}/messages/${x.groupSeq}` }),
    nonMember: (x) => ({ url: `/v1/channels/${x.direct}/messages/${x.directSeq}` }),
  },
  'POST /v1/receipts': {
    resident: MEMBERS,
    nonMember: (x) => ({
      url: '/v1/receipts',
      body: { receipts: [{ channelId: x.direct, readSeq: x.directSeq }] },
    }),
  },
  'POST /v1/files': {
    resident: MEMBERS,
    nonMember: (x) => ({ url: '/v1/files', body: { channelId: x.direct, size: 100 } }),
  },
  'GET /v1/files/:id': { resident: MEMBERS, nonMember: (x) => ({ url: `/v1/files/${x.file}` }) },
  'PUT /v1/files/:id/chunks/:index': {
    resident: MEMBERS,
    nonMember: (x) => ({ url: `/v1/files/${x.file}/chunks/0`, bytes: Buffer.alloc(16_384) }),
  },
  'POST /v1/files/:id/complete': {
    resident: MEMBERS,
    nonMember: (x) => ({ url: `/v1/files/${x.file}/complete` }),
  },
  'GET /v1/files/:id/content': {
    resident: MEMBERS,
    nonMember: (x) => ({ url: `/v1/files/${x.file}/content` }),
  },
  // ---- moderation (the resident is a plain member of the group) ---------------------
  'GET /v1/channels/:id/moderation': { resident: MEMBERS, nonMember: moderation('') },
  'POST /v1/channels/:id/moderation/mutes': {
    resident: (x) => moderation('mutes', { personId: x.resident2.personId, seconds: 600 })(x),
    nonMember: (x) => moderation('mutes', { personId: x.resident2.personId, seconds: 600 })(x),
  },
  'DELETE /v1/channels/:id/moderation/mutes/:personId': {
    resident: moderation('mutes/{p}'),
    nonMember: moderation('mutes/{p}'),
  },
  'POST /v1/channels/:id/moderation/bans': {
    resident: (x) => moderation('bans', { personId: x.resident2.personId })(x),
    nonMember: (x) => moderation('bans', { personId: x.resident2.personId })(x),
  },
  'DELETE /v1/channels/:id/moderation/bans/:personId': {
    resident: moderation('bans/{p}'),
    nonMember: moderation('bans/{p}'),
  },
  'PUT /v1/channels/:id/moderation/slow-mode': {
    resident: moderation('slow-mode', { seconds: 30 }),
    nonMember: moderation('slow-mode', { seconds: 30 }),
  },
  'PUT /v1/channels/:id/moderation/lock': {
    resident: moderation('lock', { locked: true }),
    nonMember: moderation('lock', { locked: true }),
  },
  'POST /v1/channels/:id/moderation/pins': {
    resident: (x) => moderation('pins', { seq: x.groupSeq })(x),
    nonMember: (x) => moderation('pins', { seq: x.groupSeq })(x),
  },
  'DELETE /v1/channels/:id/moderation/pins/:seq': {
    resident: moderation('pins/{seq}'),
    nonMember: moderation('pins/{seq}'),
  },
  'PUT /v1/channels/:id/moderation/roles/:personId': {
    resident: moderation('roles/{p}', { role: 'moderator' }),
    nonMember: moderation('roles/{p}', { role: 'moderator' }),
  },
  'PUT /v1/channels/:id/moderation/approval': {
    resident: moderation('approval', { required: true }),
    nonMember: moderation('approval', { required: true }),
  },
  'POST /v1/channels/:id/moderation/links': { resident: moderation('links'), nonMember: moderation('links') },
  'GET /v1/channels/:id/moderation/links': { resident: moderation('links'), nonMember: moderation('links') },
  'DELETE /v1/channels/:id/moderation/links/:linkId': {
    resident: (x) => ({ url: `/v1/channels/${x.group}/moderation/links/${randomUUID()}` }),
    nonMember: (x) => ({ url: `/v1/channels/${x.group}/moderation/links/${randomUUID()}` }),
  },
  'GET /v1/channels/:id/moderation/join-requests': {
    resident: moderation('join-requests'),
    nonMember: moderation('join-requests'),
  },
  'POST /v1/channels/:id/moderation/join-requests/:personId': {
    resident: moderation('join-requests/{p}', { decision: 'approve' }),
    nonMember: moderation('join-requests/{p}', { decision: 'approve' }),
  },
  'POST /v1/group-links/preview': { resident: LINK_HOLDERS, nonMember: LINK_HOLDERS },
  'POST /v1/group-links/join': { resident: LINK_HOLDERS, nonMember: LINK_HOLDERS },
  'POST /v1/reports': {
    resident: MEMBERS,
    nonMember: (x) => ({ url: '/v1/reports', body: x.reportBody }),
  },
  'GET /v1/channels/:id/reports': {
    resident: (x) => ({ url: `/v1/channels/${x.group}/reports` }),
    nonMember: (x) => ({ url: `/v1/channels/${x.group}/reports` }),
  },
  'POST /v1/reports/:id/resolve': {
    resident: (x) => ({ url: `/v1/reports/${x.report}/resolve`, body: { resolution: 'dismissed' } }),
    nonMember: (x) => ({ url: `/v1/reports/${x.report}/resolve`, body: { resolution: 'dismissed' } }),
  },
  'GET /v1/reports/mine': { resident: SELF, nonMember: SELF },
  'GET /v1/reports/overview': {
    resident: asBoth(() => ({ url: '/v1/reports/overview' })),
    nonMember: NO_TARGET,
  },
  // ---- scheduling ---------------------------------------------------------------------
  'GET /v1/scheduling/teams/:teamId/appointment-types': {
    resident: RESIDENTS_MAY,
    nonMember: (x) => ({ as: 'strangerResident', url: `${x.teamUrl}/appointment-types` }),
  },
  'POST /v1/scheduling/teams/:teamId/appointment-types': {
    resident: (x) => ({ url: `${x.teamUrl}/appointment-types`, body: x.typeBody }),
    nonMember: (x) => ({ url: `${x.teamUrl}/appointment-types`, body: x.typeBody }),
  },
  'PUT /v1/scheduling/appointment-types/:id': {
    resident: (x) => ({ url: `/v1/scheduling/appointment-types/${x.type}`, body: x.typeBody }),
    nonMember: (x) => ({ url: `/v1/scheduling/appointment-types/${x.type}`, body: x.typeBody }),
  },
  'DELETE /v1/scheduling/appointment-types/:id': {
    resident: (x) => ({ url: `/v1/scheduling/appointment-types/${x.type}` }),
    nonMember: (x) => ({ url: `/v1/scheduling/appointment-types/${x.type}` }),
  },
  'GET /v1/scheduling/workers/:workerId/availability': {
    resident: RESIDENTS_MAY,
    nonMember: (x) => ({
      as: 'strangerResident',
      url: `/v1/scheduling/workers/${x.worker.personId}/availability`,
    }),
  },
  'PUT /v1/scheduling/workers/:workerId/availability': {
    resident: (x) => ({ url: `/v1/scheduling/workers/${x.worker.personId}/availability`, body: ALWAYS_OPEN }),
    nonMember: (x) => ({
      url: `/v1/scheduling/workers/${x.worker.personId}/availability`,
      body: ALWAYS_OPEN,
    }),
  },
  'GET /v1/scheduling/slots': {
    resident: RESIDENTS_MAY,
    nonMember: (x) => ({ as: 'strangerResident', url: x.slotsUrl }),
  },
  'POST /v1/scheduling/appointments': {
    resident: RESIDENTS_MAY,
    nonMember: (x) => ({ as: 'strangerResident', url: '/v1/scheduling/appointments', body: x.booking }),
  },
  'GET /v1/scheduling/appointments': { resident: OWN_LIST, nonMember: OWN_LIST },
  'GET /v1/scheduling/appointments/:id': {
    resident: (x) => ({ as: 'resident2', url: `/v1/scheduling/appointments/${x.appointment}` }),
    nonMember: (x) => ({ url: `/v1/scheduling/appointments/${x.appointment}` }),
  },
  'POST /v1/scheduling/appointments/:id/reschedule': {
    resident: (x) => ({
      as: 'resident2',
      url: `/v1/scheduling/appointments/${x.appointment}/reschedule`,
      body: { start: x.booking.start },
    }),
    nonMember: (x) => ({
      url: `/v1/scheduling/appointments/${x.appointment}/reschedule`,
      body: { start: x.booking.start },
    }),
  },
  'POST /v1/scheduling/appointments/:id/cancel': {
    resident: (x) => ({ as: 'resident2', url: `/v1/scheduling/appointments/${x.appointment}/cancel` }),
    nonMember: (x) => ({ url: `/v1/scheduling/appointments/${x.appointment}/cancel` }),
  },
  'GET /v1/scheduling/appointments/:id/ics': {
    resident: (x) => ({ as: 'resident2', url: `/v1/scheduling/appointments/${x.appointment}/ics` }),
    nonMember: (x) => ({ url: `/v1/scheduling/appointments/${x.appointment}/ics` }),
  },
  'GET /v1/scheduling/settings': {
    resident: 'the organisation’s calendar settings, readable by everyone in it',
    nonMember: NO_TARGET,
  },
  'PUT /v1/scheduling/settings': {
    resident: asBoth(() => ({ url: '/v1/scheduling/settings', body: { calendarResidentNames: true } })),
    nonMember: NO_TARGET,
  },
  'GET /v1/scheduling/teams/:teamId/office-hours': {
    resident: RESIDENTS_MAY,
    nonMember: (x) => ({ as: 'strangerResident', url: `${x.teamUrl}/office-hours` }),
  },
  'PUT /v1/scheduling/teams/:teamId/office-hours': {
    resident: (x) => ({ url: `${x.teamUrl}/office-hours`, body: ALWAYS_OPEN }),
    nonMember: (x) => ({ url: `${x.teamUrl}/office-hours`, body: ALWAYS_OPEN }),
  },
  'PUT /v1/scheduling/teams/:teamId/queue-settings': {
    resident: (x) => ({ url: `${x.teamUrl}/queue-settings`, body: { autoAssign: true } }),
    nonMember: (x) => ({ url: `${x.teamUrl}/queue-settings`, body: { autoAssign: true } }),
  },
  'GET /v1/scheduling/teams/:teamId/status': {
    resident: RESIDENTS_MAY,
    nonMember: (x) => ({ as: 'strangerResident', url: `${x.teamUrl}/status` }),
  },
  'POST /v1/scheduling/teams/:teamId/queue': {
    resident: 'the residents’ own route (workers are refused: queue tests)',
    nonMember: (x) => ({ as: 'strangerResident', url: `${x.teamUrl}/queue`, body: {} }),
  },
  'GET /v1/scheduling/teams/:teamId/queue': {
    resident: (x) => ({ url: `${x.teamUrl}/queue` }),
    nonMember: (x) => ({ url: `${x.teamUrl}/queue` }),
  },
  'POST /v1/scheduling/teams/:teamId/queue/pick': {
    resident: (x) => ({ url: `${x.teamUrl}/queue/pick`, body: {} }),
    nonMember: (x) => ({ url: `${x.teamUrl}/queue/pick`, body: {} }),
  },
  'GET /v1/scheduling/queue/mine': { resident: SELF, nonMember: SELF },
  'DELETE /v1/scheduling/queue/:entryId': {
    resident: (x) => ({ as: 'resident2', url: `/v1/scheduling/queue/${x.entry}` }),
    nonMember: (x) => ({ url: `/v1/scheduling/queue/${x.entry}` }),
  },
  'POST /v1/scheduling/queue/:entryId/transfer': {
    resident: (x) => ({
      url: `/v1/scheduling/queue/${x.entry}/transfer`,
      body: { toWorkerId: x.worker.personId },
    }),
    nonMember: (x) => ({
      url: `/v1/scheduling/queue/${x.entry}/transfer`,
      body: { toWorkerId: x.strangerWorker.personId },
    }),
  },
  'POST /v1/scheduling/queue/:entryId/hold': {
    resident: (x) => ({ url: `/v1/scheduling/queue/${x.entry}/hold` }),
    nonMember: (x) => ({ url: `/v1/scheduling/queue/${x.entry}/hold` }),
  },
  'POST /v1/scheduling/queue/:entryId/resume': {
    resident: (x) => ({ url: `/v1/scheduling/queue/${x.entry}/resume` }),
    nonMember: (x) => ({ url: `/v1/scheduling/queue/${x.entry}/resume` }),
  },
  'POST /v1/scheduling/queue/:entryId/close': {
    resident: (x) => ({ url: `/v1/scheduling/queue/${x.entry}/close`, body: { outcome: 'resolved' } }),
    nonMember: (x) => ({ url: `/v1/scheduling/queue/${x.entry}/close`, body: { outcome: 'resolved' } }),
  },
  'GET /v1/scheduling/notifications': { resident: SELF, nonMember: SELF },
  'POST /v1/scheduling/notifications/read': { resident: SELF, nonMember: SELF },
  'POST /v1/scheduling/calendar-feed': {
    resident: () => ({ url: '/v1/scheduling/calendar-feed' }),
    nonMember: SELF,
  },
  'DELETE /v1/scheduling/calendar-feed': {
    resident: () => ({ url: '/v1/scheduling/calendar-feed' }),
    nonMember: SELF,
  },
  'GET /v1/scheduling/teams/:teamId/roster': {
    resident: (x) => ({ url: `${x.teamUrl}/roster?from=${inDays(9)}&to=${inDays(11)}` }),
    nonMember: (x) => ({
      as: 'strangerResident',
      url: `${x.teamUrl}/roster?from=${inDays(9)}&to=${inDays(11)}`,
    }),
  },
  'POST /v1/scheduling/teams/:teamId/roster': {
    resident: (x) => ({ url: `${x.teamUrl}/roster`, body: x.shiftBody }),
    nonMember: (x) => ({ url: `${x.teamUrl}/roster`, body: x.shiftBody }),
  },
  'DELETE /v1/scheduling/teams/:teamId/roster/:shiftId': {
    resident: (x) => ({ url: `${x.teamUrl}/roster/${x.shift}` }),
    nonMember: (x) => ({ url: `${x.teamUrl}/roster/${x.shift}` }),
  },
  'GET /v1/scheduling/teams/:teamId/duty': {
    resident: RESIDENTS_MAY,
    nonMember: (x) => ({ as: 'strangerResident', url: `${x.teamUrl}/duty` }),
  },
  'PUT /v1/scheduling/teams/:teamId/duty': {
    resident: (x) => ({ url: `${x.teamUrl}/duty`, body: { onDuty: false } }),
    nonMember: (x) => ({ url: `${x.teamUrl}/duty`, body: { onDuty: true } }),
  },
  'GET /v1/scheduling/workers/:workerId/reachability': {
    resident: RESIDENTS_MAY,
    nonMember: (x) => [
      { as: 'strangerResident', url: `/v1/scheduling/workers/${x.worker.personId}/reachability` },
      { url: `/v1/scheduling/workers/${x.worker.personId}/reachability` },
      // A resident's id is answered as a worker's is: refused, so the two are not told apart.
      { url: `/v1/scheduling/workers/${x.resident.personId}/reachability` },
    ],
  },
  // ---- privacy ------------------------------------------------------------------------
  'GET /v1/privacy/retention': {
    resident: asBoth(() => ({ url: '/v1/privacy/retention' })),
    nonMember: NO_TARGET,
  },
  'PUT /v1/privacy/retention': {
    resident: asBoth(() => ({ url: '/v1/privacy/retention', body: { officeHourDays: 30 } })),
    nonMember: NO_TARGET,
  },
  'PUT /v1/privacy/retention/teams/:id': {
    resident: asBoth((x) => ({ url: `/v1/privacy/retention/teams/${x.team.id}`, body: { queueDays: 30 } })),
    nonMember: (x) => ({ url: `/v1/privacy/retention/teams/${x.team.id}`, body: { queueDays: 30 } }),
  },
  'GET /v1/privacy/retention/notice': {
    resident: 'what is kept how long, told to everyone',
    nonMember: NO_TARGET,
  },
  'POST /v1/privacy/retention/run': {
    resident: asBoth(() => ({ url: '/v1/privacy/retention/run' })),
    nonMember: NO_TARGET,
  },
  'GET /v1/privacy/audit': { resident: asBoth(() => ({ url: '/v1/privacy/audit' })), nonMember: NO_TARGET },
  'GET /v1/privacy/audit.csv': {
    resident: asBoth(() => ({ url: '/v1/privacy/audit.csv' })),
    nonMember: NO_TARGET,
  },
  'GET /v1/me/audit': { resident: SELF, nonMember: SELF },
  'GET /v1/me/export': { resident: SELF, nonMember: SELF },
  'GET /v1/people/:id/export': {
    resident: (x) => ({ url: `/v1/people/${x.resident2.personId}/export` }),
    nonMember: (x) => ({ url: `/v1/people/${x.resident.personId}/export` }),
  },
  'POST /v1/me/erasure': { resident: SELF, nonMember: SELF },
  'POST /v1/people/:id/erasure': {
    resident: asBoth((x) => ({ url: `/v1/people/${x.resident2.personId}/erasure`, body: { confirm: true } })),
    nonMember: (x) => ({ url: `/v1/people/${x.resident.personId}/erasure`, body: { confirm: true } }),
  },
  'PUT /v1/me/key-backup': { resident: SELF, nonMember: SELF },
  'GET /v1/me/key-backup': { resident: SELF, nonMember: SELF },
  'DELETE /v1/me/key-backup': { resident: SELF, nonMember: SELF },
  // Another person's device (here: the resident's, tried by the second resident) is unknown.
  'PUT /v1/me/devices/:id/history-transfer': {
    resident: 'any role may, for another device of their own person',
    nonMember: (x) => ({
      as: 'resident2',
      url: `/v1/me/devices/${x.resident.deviceId}/history-transfer`,
      body: { ciphertext: 'QUFBQQ' },
    }),
  },
  'GET /v1/me/devices/:id/history-transfer': {
    resident: 'any role may, for this device itself',
    nonMember: (x) => ({ as: 'resident2', url: `/v1/me/devices/${x.resident.deviceId}/history-transfer` }),
  },
  'DELETE /v1/me/devices/:id/history-transfer': {
    resident: 'any role may, for this device itself',
    nonMember: (x) => ({ as: 'resident2', url: `/v1/me/devices/${x.resident.deviceId}/history-transfer` }),
  },
};

/** The same for every socket event: a payload, as whom, or why the column does not apply. */
type EventColumn = ((f: Fixture) => { as?: Who; payload: unknown }) | string;
const EVENTS: Record<ClientEventName, { resident: EventColumn; nonMember: EventColumn }> = {
  'session:refresh': { resident: SELF, nonMember: SELF },
  'chat:send': {
    resident: MEMBERS,
    nonMember: (x) => ({ payload: { ...x.envelope, clientId: randomUUID() } }),
  },
  'chat:delete': {
    resident: (x) => ({ payload: { channelId: x.group, seq: x.groupSeq } }),
    nonMember: (x) => ({ payload: { channelId: x.direct, seq: x.directSeq } }),
  },
  'chat:receipts': {
    resident: MEMBERS,
    nonMember: (x) => ({ payload: { receipts: [{ channelId: x.direct, readSeq: x.directSeq }] } }),
  },
  'chat:typing': {
    resident: MEMBERS,
    nonMember: (x) => ({ payload: { channelId: x.direct, typing: true } }),
  },
  'chat:sync': { resident: SELF, nonMember: SELF },
  'presence:set': { resident: SELF, nonMember: SELF },
  'presence:watch': {
    resident: (x) => ({ payload: { personIds: [x.strangerResident.personId] } }),
    nonMember: (x) => ({ as: 'strangerResident', payload: { personIds: [x.worker.personId] } }),
  },
  'scheduling:queue:watch': {
    resident: (x) => ({ payload: { teamId: x.team.id } }),
    nonMember: (x) => ({ payload: { teamId: x.team.id } }),
  },
  'scheduling:queue:unwatch': {
    resident: 'leaving a room one is not in changes nothing',
    nonMember: 'leaving a room one is not in changes nothing',
  },
};

beforeAll(async () => {
  gateway = await startGateway({ env: { LOG_LEVEL: 'warn' } });
  f = await prepare();
});
afterAll(() => gateway?.close());

const actorOf = (who: Who): Actor => f[who];
const pathPattern = (path: string) =>
  new RegExp(`^${path.replace(/:[A-Za-z]+/g, '[^/]+').replace(/\./g, '\\.')}$`);

describe('the authorisation matrix: residents and non-members', () => {
  it('has a row for every device endpoint of the catalogue, and none for a route that is gone', () => {
    const keys = endpoints.map(({ endpoint }) => routeKey(endpoint));
    expect(keys.filter((key) => !(key in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((key) => !keys.includes(key))).toEqual([]);
  });

  it('refuses every attempt of a resident where a worker is needed and of a non-member, and changes nothing', async () => {
    const before = await databaseFingerprint(gateway.db);
    const notRefused: string[] = [];
    const tried: Record<'resident' | 'nonMember', number> = { resident: 0, nonMember: 0 };
    for (const { endpoint } of endpoints) {
      const key = routeKey(endpoint);
      const row = TABLE[key];
      if (!row) continue;
      for (const column of ['resident', 'nonMember'] as const) {
        const cell = row[column];
        if (typeof cell === 'string') continue;
        const attempts = [cell(f)].flat();
        for (const attempt of attempts) {
          // A typo in a URL would be a 404 of no route: each URL must be the endpoint's.
          expect(attempt.url.split('?')[0], key).toMatch(pathPattern(endpoint.path));
          const who = attempt.as ?? (column === 'resident' ? 'resident' : 'strangerWorker');
          const actor = actorOf(who);
          const response = attempt.bytes
            ? await gateway.app
                .inject({
                  method: endpoint.method,
                  url: attempt.url,
                  headers: {
                    authorization: `Bearer ${actor.token}`,
                    'content-type': 'application/octet-stream',
                  },
                  payload: attempt.bytes,
                })
                .then((r) => ({ status: r.statusCode, body: r.body }))
            : await api(gateway, actor, endpoint.method, attempt.url, attempt.body).then((r) => ({
                status: r.status,
                body: JSON.stringify(r.body ?? ''),
              }));
          tried[column]++;
          if (response.status !== 403 && response.status !== 404)
            notRefused.push(`${key} as ${who}: ${response.status} ${response.body.slice(0, 160)}`);
        }
      }
    }
    console.log(
      `[faults] authorisation matrix, roles: ${tried.resident} as a resident (or worker) where more is needed, ` +
        `${tried.nonMember} as a non-member; ${notRefused.length} not refused`,
    );
    expect(notRefused).toEqual([]);
    expect(await databaseFingerprint(gateway.db)).toEqual(before);
  });

  it('refuses every socket event of a resident where a worker is needed and of a non-member', async () => {
    expect(Object.keys(EVENTS).sort()).toEqual(Object.keys(clientEvents).sort());
    const before = await databaseFingerprint(gateway.db);
    const notRefused: string[] = [];
    let tried = 0;
    for (const [event, row] of Object.entries(EVENTS)) {
      for (const column of ['resident', 'nonMember'] as const) {
        const cell = row[column];
        if (typeof cell === 'string') continue;
        const { as, payload } = cell(f);
        const who = as ?? (column === 'resident' ? 'resident' : 'strangerWorker');
        const socket = connect(gateway, actorOf(who).token);
        await waitFor(socket, 'connect');
        const ack = (await socket.emitWithAck(event, payload)) as { ok: boolean; error?: { code: string } };
        socket.close();
        tried++;
        const status = ack.error
          ? (errorCatalog as Record<string, { status: number }>)[ack.error.code]?.status
          : 200;
        if (ack.ok || (status !== 403 && status !== 404))
          notRefused.push(`${event} as ${who}: ${JSON.stringify(ack).slice(0, 160)}`);
      }
    }
    console.log(
      `[faults] authorisation matrix, roles: ${tried} socket events, ${notRefused.length} not refused`,
    );
    expect(notRefused).toEqual([]);
    expect(await databaseFingerprint(gateway.db)).toEqual(before);
  });
});
