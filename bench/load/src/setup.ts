import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import { inviteCode, loginPayload, registrationPayload } from '@spreekuur/protocol/identity';

/**
 * Sets up the organisation, people, devices and channels of a load run through the public
 * API, as real clients would: an operator creates the organisation, the admin invites
 * workers, a worker invites residents, each registers a device key and logs in by signing
 * the server's challenge, and workers open the channels.
 */

export interface Actor {
  personId: string;
  deviceId: string;
  token: string;
}

interface Caller {
  token?: string;
  operatorToken?: string;
}

async function call<T>(
  base: string,
  caller: Caller,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (caller.token) headers.authorization = `Bearer ${caller.token}`;
  if (caller.operatorToken) headers['x-operator-token'] = caller.operatorToken;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

const signWith = (key: KeyObject, message: Uint8Array) => toBase64Url(sign(null, message, key));

async function registerAndLogin(base: string, code: string, displayName: string): Promise<Actor> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const identityKey = fromBase64Url(publicKey.export({ format: 'jwk' }).x!);
  const normalised = inviteCode.parse(code);
  const registered = await call<{ deviceId: string; personId: string }>(
    base,
    {},
    'POST',
    '/v1/auth/register',
    {
      inviteCode: code,
      identityKey: toBase64Url(identityKey),
      deviceName: 'Loadtest',
      displayName,
      proof: signWith(privateKey, registrationPayload(normalised, identityKey)),
    },
  );
  const challenge = await call<{ challengeId: string; nonce: string }>(
    base,
    {},
    'POST',
    '/v1/auth/challenge',
    {
      deviceId: registered.deviceId,
    },
  );
  const login = await call<{ accessToken: string }>(base, {}, 'POST', '/v1/auth/login', {
    deviceId: registered.deviceId,
    challengeId: challenge.challengeId,
    signature: signWith(
      privateKey,
      loginPayload(challenge.challengeId, registered.deviceId, fromBase64Url(challenge.nonce)),
    ),
  });
  return { personId: registered.personId, deviceId: registered.deviceId, token: login.accessToken };
}

async function invitePerson(
  base: string,
  inviter: Actor,
  role: 'worker' | 'resident',
  teamId: string,
  name: string,
): Promise<Actor> {
  const { code } = await call<{ code: string }>(base, inviter, 'POST', '/v1/invites', { role, teamId });
  return registerAndLogin(base, code, name);
}

/** Runs `work` over `items`, `parallel` at a time (setup is not what is measured, but it should not take minutes). */
async function inParallel<T, R>(items: readonly T[], parallel: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

interface Pair {
  channelId: string;
  a: Actor;
  b: Actor;
}

interface Group {
  channelId: string;
  members: Actor[];
}

export interface Cast {
  pairs: Pair[];
  groups: Group[];
}

/** `pairs` worker–resident direct conversations and `groups` groups of `groupSize` people. */
export async function setUpCast(
  base: string,
  operatorToken: string,
  spec: { pairs: number; groups: number; groupSize: number },
): Promise<Cast> {
  const slug = `load-${Date.now().toString(36)}`;
  const { adminInvite } = await call<{ adminInvite: { code: string } }>(
    base,
    { operatorToken },
    'POST',
    '/v1/operator/organisations',
    { name: `Belasting ${slug}`, slug },
  );
  const admin = await registerAndLogin(base, adminInvite.code, 'Beheerder');
  const team = await call<{ id: string }>(base, admin, 'POST', '/v1/teams', { name: 'Wijkteam' });
  const workers = await inParallel(
    Array.from({ length: Math.max(1, spec.pairs) }, (_, i) => i),
    8,
    (i) => invitePerson(base, admin, 'worker', team.id, `Werker ${i}`),
  );
  const residentCount = spec.pairs + spec.groups * (spec.groupSize - 1);
  const residents = await inParallel(
    Array.from({ length: residentCount }, (_, i) => i),
    8,
    (i) => invitePerson(base, workers[i % workers.length]!, 'resident', team.id, `Inwoner ${i}`),
  );
  const pairs = await inParallel(
    Array.from({ length: spec.pairs }, (_, i) => i),
    8,
    async (i) => {
      const a = workers[i]!;
      const b = residents[i]!;
      const channel = await call<{ id: string }>(base, a, 'POST', '/v1/channels/direct', {
        personId: b.personId,
      });
      return { channelId: channel.id, a, b };
    },
  );
  const groups: Group[] = [];
  for (let g = 0; g < spec.groups; g++) {
    const owner = workers[g % workers.length]!;
    const start = spec.pairs + g * (spec.groupSize - 1);
    const others = residents.slice(start, start + spec.groupSize - 1);
    const channel = await call<{ id: string }>(base, owner, 'POST', '/v1/channels/groups', {
      name: `Groep ${g}`,
      memberIds: others.map((member) => member.personId),
    });
    groups.push({ channelId: channel.id, members: [owner, ...others] });
  }
  return { pairs, groups };
}

export interface SoakCast {
  /** Every device of the soak (group owners first). */
  devices: Actor[];
  /** Groups of up to `groupSize`: each soak device is a member of one. */
  groups: Group[];
}

/**
 * `devices` people with one device each, in groups of `groupSize` (a worker owns each), for
 * the connection soak and the reconnect storm: while their sockets are down the owners send,
 * so every device has something to catch up with when they come back.
 */
export async function setUpSoakCast(
  base: string,
  operatorToken: string,
  spec: { devices: number; groupSize: number },
): Promise<SoakCast> {
  const slug = `soak-${Date.now().toString(36)}`;
  const { adminInvite } = await call<{ adminInvite: { code: string } }>(
    base,
    { operatorToken },
    'POST',
    '/v1/operator/organisations',
    { name: `Verbindingen ${slug}`, slug },
  );
  const admin = await registerAndLogin(base, adminInvite.code, 'Beheerder');
  const team = await call<{ id: string }>(base, admin, 'POST', '/v1/teams', { name: 'Wijkteam' });
  const groupCount = Math.max(1, Math.ceil(spec.devices / spec.groupSize));
  const owners = await inParallel(
    Array.from({ length: groupCount }, (_, i) => i),
    16,
    (i) => invitePerson(base, admin, 'worker', team.id, `Werker ${i}`),
  );
  const residents = await inParallel(
    Array.from({ length: Math.max(0, spec.devices - groupCount) }, (_, i) => i),
    16,
    (i) => invitePerson(base, owners[i % groupCount]!, 'resident', team.id, `Inwoner ${i}`),
  );
  const groups = await inParallel(
    Array.from({ length: groupCount }, (_, i) => i),
    8,
    async (g) => {
      const owner = owners[g]!;
      const others = residents.filter((_, i) => i % groupCount === g);
      const channel = await call<{ id: string }>(base, owner, 'POST', '/v1/channels/groups', {
        name: `Groep ${g}`,
        memberIds: others.map((member) => member.personId),
      });
      return { channelId: channel.id, members: [owner, ...others] };
    },
  );
  return { devices: [...owners, ...residents], groups };
}

/** One group message over HTTP, as a device sends it when its socket is down. */
export async function sendOverHttp(
  base: string,
  sender: Actor,
  group: Group,
  clientId: string,
): Promise<void> {
  const body = {
    kind: 'group',
    channelId: group.channelId,
    clientId,
    ciphertext: toBase64Url(new Uint8Array(300)),
    recipientDeviceIds: group.members.filter((m) => m !== sender).map((m) => m.deviceId),
  };
  // Once more on a network error: a kept-alive connection may have been closed by the server
  // while the soak connected (the same clientId, so a retry never stores twice).
  await call(base, sender, 'POST', '/v1/messages', body).catch(() =>
    call(base, sender, 'POST', '/v1/messages', body),
  );
}
