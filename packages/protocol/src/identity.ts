import { z } from 'zod';
import {
  base64Url,
  base64UrlOfLength,
  concatBytes,
  displayName,
  id,
  idParams,
  isoDateTime,
  locale,
  utf8,
} from './common.ts';
import { endpoint } from './endpoint.ts';

export const role = z.enum(['admin', 'worker', 'resident']);
export type Role = z.infer<typeof role>;

/** Invite codes are typed by people: Crockford base32 (no I, L, O, U), grouped as XXXX-XXXX-XXXX-XXXX. */
export const inviteCode = z
  .string()
  .trim()
  .transform((code) => code.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^[0-9A-HJKMNP-TV-Z]{16}$/, { error: 'must be a 16-character invite code' }));

/** Ed25519 public key (32 bytes) / signature (64 bytes). */
export const ed25519PublicKey = base64UrlOfLength(32);
export const ed25519Signature = base64UrlOfLength(64);

const deviceName = z.string().trim().min(1).max(100);

// ---- Operator (deployment-wide) -------------------------------------------------------

export const organisationSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, { error: 'must be 2-63 lower-case letters, digits or dashes' });

export const createOrganisationBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slug: organisationSlug,
});

export const organisation = z.object({ id, name: z.string(), slug: z.string(), createdAt: isoDateTime });
export type Organisation = z.infer<typeof organisation>;

// ---- Invites --------------------------------------------------------------------------

export const createInviteBody = z.strictObject({
  role,
  /** Required for workers and residents: the team they join. */
  teamId: id.optional(),
  expiresInDays: z.number().int().min(1).max(30).optional(),
});

/** A device-link code made for someone else (they lost their only phone): at most a week. */
export const createPersonDeviceInviteBody = z.strictObject({
  expiresInDays: z.number().int().min(1).max(7).optional(),
});

export const invite = z.object({
  id,
  kind: z.enum(['person', 'device']),
  role: role.nullable(),
  teamId: id.nullable(),
  expiresAt: isoDateTime,
  usedAt: isoDateTime.nullable(),
  revokedAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
});
export type Invite = z.infer<typeof invite>;

/** Returned once, when an invite is made: the code itself is never stored or shown again. */
export const createdInvite = invite.extend({
  code: z.string(),
  /** A link (and QR content) that opens the web app with the code filled in. */
  joinUrl: z.url(),
});
export type CreatedInvite = z.infer<typeof createdInvite>;

export const createOrganisationResult = z.object({ organisation, adminInvite: createdInvite });

// ---- Registration and login -----------------------------------------------------------

export const registerBody = z.strictObject({
  inviteCode,
  identityKey: ed25519PublicKey,
  deviceName,
  /** Required when the invite makes a new person; ignored for a device link. */
  displayName: displayName.optional(),
  locale: locale.optional(),
  /** Signature over {@link registrationPayload}: proves the caller holds the identity key. */
  proof: ed25519Signature,
});
export type RegisterBody = z.infer<typeof registerBody>;

export const registerResult = z.object({
  organisationId: id,
  personId: id,
  deviceId: id,
  role,
});
export type RegisterResult = z.infer<typeof registerResult>;

export const challengeBody = z.strictObject({ deviceId: id });
export const challengeResult = z.object({
  challengeId: id,
  nonce: base64UrlOfLength(32),
  expiresAt: isoDateTime,
});
export type ChallengeResult = z.infer<typeof challengeResult>;

export const loginBody = z.strictObject({
  deviceId: id,
  challengeId: id,
  signature: ed25519Signature,
});
export const loginResult = z.object({
  accessToken: z.string(),
  expiresAt: isoDateTime,
  organisationId: id,
  personId: id,
  deviceId: id,
  role,
});
export type LoginResult = z.infer<typeof loginResult>;

const SEPARATOR = new Uint8Array([0]);

/**
 * What a device signs to register: binds the invite code to the key, with a label so the
 * signature can never be replayed as a login or a message signature.
 */
export function registrationPayload(code: string, identityKey: Uint8Array): Uint8Array {
  return concatBytes(utf8('spreekuur/register/v1'), SEPARATOR, utf8(code), SEPARATOR, identityKey);
}

/** What a device signs to log in: a fresh server nonce bound to the challenge and device ids. */
export function loginPayload(challengeId: string, deviceId: string, nonce: Uint8Array): Uint8Array {
  return concatBytes(
    utf8('spreekuur/login/v1'),
    SEPARATOR,
    utf8(challengeId),
    SEPARATOR,
    utf8(deviceId),
    SEPARATOR,
    nonce,
  );
}

// ---- People, teams, devices -----------------------------------------------------------

export const team = z.object({
  id,
  name: z.string(),
  createdAt: isoDateTime,
  /**
   * A sensitive team: its workers' clients send nothing readable to a resident's device before
   * the worker compared safety numbers with that resident (crypto SPEC §13.7). The server only
   * reports it; absent (an older server) means off.
   */
  verifiedDevicesRequired: z.boolean().default(false),
});
export type Team = z.infer<typeof team>;
/** Switches a team's "residents' devices must be verified" setting (the team's workers, admins). */
export const teamVerificationBody = z.strictObject({ verifiedDevicesRequired: z.boolean() });
export const createTeamBody = z.strictObject({ name: z.string().trim().min(1).max(200) });
export const teamMemberBody = z.strictObject({ personId: id });

export const person = z.object({
  id,
  role,
  displayName: z.string(),
  teamIds: z.array(id),
});
export type Person = z.infer<typeof person>;

export const device = z.object({
  id,
  name: z.string(),
  identityKey: base64Url,
  createdAt: isoDateTime,
  lastSeenAt: isoDateTime.nullable(),
  revokedAt: isoDateTime.nullable(),
  current: z.boolean(),
});
export type Device = z.infer<typeof device>;

export const me = z.object({
  person: person.extend({ locale }),
  organisation,
  deviceId: id,
});
export type Me = z.infer<typeof me>;

/**
 * What a member's devices do when a contact's key changes or a device is added (SPEC §13.8):
 * `block` sending until the person accepts it, or `warn` and carry on. The server only reports
 * it; each device decides (a device that has seen `block` does not follow `warn` by itself).
 */
export const trustPolicy = z.enum(['block', 'warn']);
export type OrganisationTrustPolicy = z.infer<typeof trustPolicy>;
export const organisationSettings = z.object({ trustPolicy });
export type OrganisationSettings = z.infer<typeof organisationSettings>;
export const changeOrganisationSettingsBody = z.strictObject({ trustPolicy });

export const peopleQuery = z.strictObject({ teamId: id.optional(), role: role.optional() });
export const teamMemberParams = z.strictObject({ id, personId: id });
export const personDeviceParams = z.strictObject({ id, deviceId: id });

// ---- Endpoints ------------------------------------------------------------------------

const account = ['account'];
const organisationTags = ['organisation'];

/** Registration and device-key login: public, rate-limited per client address. */
export const authEndpoints = {
  register: endpoint({
    method: 'POST',
    path: '/v1/auth/register',
    access: 'public',
    tags: ['auth'],
    summary: 'Register a device with an invite code (creates the person, or links a device)',
    body: registerBody,
    status: 201,
    response: registerResult,
  }),
  challenge: endpoint({
    method: 'POST',
    path: '/v1/auth/challenge',
    access: 'public',
    tags: ['auth'],
    summary: 'Get a single-use login challenge for a device (valid 60 s)',
    body: challengeBody,
    response: challengeResult,
  }),
  login: endpoint({
    method: 'POST',
    path: '/v1/auth/login',
    access: 'public',
    tags: ['auth'],
    summary: 'Sign the challenge with the device identity key and get an access token',
    body: loginBody,
    response: loginResult,
  }),
} as const;

/** A person's own account, and the people, teams and invites of their organisation. */
export const identityEndpoints = {
  me: endpoint({ method: 'GET', path: '/v1/me', access: 'device', tags: account, response: me }),
  listOwnDevices: endpoint({
    method: 'GET',
    path: '/v1/me/devices',
    access: 'device',
    tags: account,
    response: z.object({ devices: z.array(device) }),
  }),
  revokeOwnDevice: endpoint({
    method: 'DELETE',
    path: '/v1/me/devices/:id',
    access: 'device',
    tags: account,
    summary: 'Revoke one of your devices; it is signed out everywhere at once',
    params: idParams,
    status: 204,
  }),
  createDeviceLink: endpoint({
    method: 'POST',
    path: '/v1/me/device-links',
    access: 'device',
    tags: account,
    summary: 'A one-time code (15 minutes) to link another device to your account',
    status: 201,
    response: createdInvite,
  }),
  listTeams: endpoint({
    method: 'GET',
    path: '/v1/teams',
    access: 'device',
    tags: organisationTags,
    response: z.object({ teams: z.array(team) }),
  }),
  createTeam: endpoint({
    method: 'POST',
    path: '/v1/teams',
    access: 'device',
    tags: organisationTags,
    body: createTeamBody,
    status: 201,
    response: team,
  }),
  setTeamVerification: endpoint({
    method: 'PUT',
    path: '/v1/teams/:id/verification',
    access: 'device',
    tags: organisationTags,
    summary:
      "Sensitive team: residents' devices must be verified by safety number before workers write to them (the team's workers and admins)",
    params: idParams,
    body: teamVerificationBody,
    response: team,
  }),
  addTeamMember: endpoint({
    method: 'PUT',
    path: '/v1/teams/:id/members/:personId',
    access: 'device',
    tags: organisationTags,
    params: teamMemberParams,
    status: 204,
  }),
  removeTeamMember: endpoint({
    method: 'DELETE',
    path: '/v1/teams/:id/members/:personId',
    access: 'device',
    tags: organisationTags,
    params: teamMemberParams,
    status: 204,
  }),
  listPeople: endpoint({
    method: 'GET',
    path: '/v1/people',
    access: 'device',
    tags: organisationTags,
    summary: 'People you may contact (residents never see other residents)',
    query: peopleQuery,
    response: z.object({ people: z.array(person) }),
  }),
  getPerson: endpoint({
    method: 'GET',
    path: '/v1/people/:id',
    access: 'device',
    tags: organisationTags,
    params: idParams,
    response: person,
  }),
  listPersonDevices: endpoint({
    method: 'GET',
    path: '/v1/people/:id/devices',
    access: 'device',
    tags: organisationTags,
    summary: 'A person’s devices (admins): to help someone who lost a phone',
    params: idParams,
    response: z.object({ devices: z.array(device) }),
  }),
  revokePersonDevice: endpoint({
    method: 'DELETE',
    path: '/v1/people/:id/devices/:deviceId',
    access: 'device',
    tags: organisationTags,
    summary: 'Revoke a person’s device (admins): it is signed out everywhere at once',
    params: personDeviceParams,
    status: 204,
  }),
  createPersonDeviceInvite: endpoint({
    method: 'POST',
    path: '/v1/people/:id/device-invites',
    access: 'device',
    tags: organisationTags,
    summary:
      'A device-link code for someone who lost their only phone (admins: anyone; workers: residents of their teams)',
    params: idParams,
    body: createPersonDeviceInviteBody,
    status: 201,
    response: createdInvite,
  }),
  organisationSettings: endpoint({
    method: 'GET',
    path: '/v1/organisation/settings',
    access: 'device',
    tags: organisationTags,
    summary: 'The organisation’s settings every member’s devices follow (the trust policy)',
    response: organisationSettings,
  }),
  changeOrganisationSettings: endpoint({
    method: 'PUT',
    path: '/v1/organisation/settings',
    access: 'device',
    tags: organisationTags,
    summary: 'Change the organisation’s trust policy: block or warn on a contact’s new key (admins)',
    body: changeOrganisationSettingsBody,
    response: organisationSettings,
  }),
  createInvite: endpoint({
    method: 'POST',
    path: '/v1/invites',
    access: 'device',
    tags: organisationTags,
    summary: 'Invite a person: admins invite anyone, workers invite residents into their team',
    body: createInviteBody,
    status: 201,
    response: createdInvite,
  }),
  listInvites: endpoint({
    method: 'GET',
    path: '/v1/invites',
    access: 'device',
    tags: organisationTags,
    response: z.object({ invites: z.array(invite) }),
  }),
  revokeInvite: endpoint({
    method: 'DELETE',
    path: '/v1/invites/:id',
    access: 'device',
    tags: organisationTags,
    params: idParams,
    response: invite,
  }),
} as const;

/** Deployment-wide actions for the operator (`x-operator-token`). */
export const operatorEndpoints = {
  createOrganisation: endpoint({
    method: 'POST',
    path: '/v1/operator/organisations',
    access: 'operator',
    tags: ['operator'],
    summary: 'Create an organisation and the invite for its first admin',
    body: createOrganisationBody,
    status: 201,
    response: createOrganisationResult,
  }),
  listOrganisations: endpoint({
    method: 'GET',
    path: '/v1/operator/organisations',
    access: 'operator',
    tags: ['operator'],
    response: z.object({ organisations: z.array(organisation) }),
  }),
  createAdminInvite: endpoint({
    method: 'POST',
    path: '/v1/operator/organisations/:id/admin-invites',
    access: 'operator',
    tags: ['operator'],
    params: idParams,
    status: 201,
    response: createdInvite,
  }),
  backup: endpoint({
    method: 'POST',
    path: '/v1/operator/backup',
    access: 'operator',
    tags: ['operator'],
    summary: 'A consistent backup of the embedded database while the server runs',
    responseContentType: 'application/x-tar',
    responseDescription:
      'A tar of manifest.json, postgres.tar.gz (PGlite dump) and the DATA_DIR secrets; restore with `spreekuur operator restore`. Refused (ERR_CONFLICT) on PostgreSQL: use pg_dump.',
  }),
} as const;
