import { fromBase64Url, toBase64Url } from '@spreekuur/crypto/encoding';
import {
  generateIdentity,
  identityFromJSON,
  identityToJSON,
  sign,
  type DeviceIdentity,
} from '@spreekuur/crypto/identity';
import {
  authEndpoints,
  inviteCode as inviteCodeSchema,
  loginPayload,
  registrationPayload,
  type LoginResult,
  type Role,
} from '@spreekuur/protocol/identity';
import { SpreekuurError } from './errors.ts';
import type { HttpClient } from './http.ts';
import type { KeyValueStore } from './storage/key-value-store.ts';

/** Who this device is: kept in the store under `account`. */
export interface Account {
  serverUrl: string;
  organisationId: string;
  personId: string;
  deviceId: string;
  role: Role;
  identity: DeviceIdentity;
}

interface StoredAccount extends Omit<Account, 'identity'> {
  identity: unknown;
}

export async function loadAccount(store: KeyValueStore): Promise<Account | null> {
  const stored = await store.get<StoredAccount>('account');
  return stored ? { ...stored, identity: identityFromJSON(stored.identity) } : null;
}

/**
 * Registers this device with an invite code: a fresh Ed25519 identity key, a signature that
 * proves we hold it, and the account saved locally. The private key never leaves the device.
 */
export async function registerDevice(
  http: HttpClient,
  store: KeyValueStore,
  request: {
    serverUrl: string;
    inviteCode: string;
    displayName: string;
    deviceName: string;
    locale: 'nl' | 'en';
  },
): Promise<Account> {
  const parsed = inviteCodeSchema.safeParse(request.inviteCode);
  if (!parsed.success) {
    throw new SpreekuurError(
      'ERR_BAD_REQUEST',
      'invite code must be 16 characters, e.g. ABCD-EFGH-JKMN-PQRS',
      {
        issues: [{ path: ['inviteCode'], message: parsed.error.issues[0]?.message ?? 'invalid' }],
      },
    );
  }
  const identity = generateIdentity();
  const result = await http.call(authEndpoints.register, {
    body: {
      inviteCode: parsed.data,
      identityKey: toBase64Url(identity.publicKey),
      deviceName: request.deviceName,
      displayName: request.displayName,
      locale: request.locale,
      proof: toBase64Url(sign(identity, registrationPayload(parsed.data, identity.publicKey))),
    },
  });
  const account: Account = { serverUrl: request.serverUrl, ...result, identity };
  await store.set('account', { ...account, identity: identityToJSON(identity) } satisfies StoredAccount);
  return account;
}

/** Device-key login: sign the server's single-use challenge; returns a short-lived token. */
export async function logIn(http: HttpClient, account: Account): Promise<LoginResult> {
  const challenge = await http.call(authEndpoints.challenge, { body: { deviceId: account.deviceId } });
  const signature = sign(
    account.identity,
    loginPayload(challenge.challengeId, account.deviceId, fromBase64Url(challenge.nonce)),
  );
  return http.call(authEndpoints.login, {
    body: {
      deviceId: account.deviceId,
      challengeId: challenge.challengeId,
      signature: toBase64Url(signature),
    },
  });
}
