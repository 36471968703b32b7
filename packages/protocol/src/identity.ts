import { z } from 'zod';
import {
  base64Url,
  base64UrlOfLength,
  concatBytes,
  displayName,
  id,
  isoDateTime,
  locale,
  utf8,
} from './common.ts';

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

export const team = z.object({ id, name: z.string(), createdAt: isoDateTime });
export type Team = z.infer<typeof team>;
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

export const idParams = z.strictObject({ id });
export const peopleQuery = z.strictObject({ teamId: id.optional(), role: role.optional() });
