import type { Role } from '@spreekuur/protocol/identity';
import { openDirect, publishKeys } from '@spreekuur/testing/chat';
import { startTestApp, type TestApp } from '@spreekuur/testing/app';
import { seedDevice, seedOrganisation, seedPerson, type SeededPerson } from '@spreekuur/testing/identity';
import { buildApp } from '../src/app.ts';

/**
 * The chat service on its own (the shared platform plus chat, no identity routes) on the
 * backends this run uses. People are seeded into the identity tables: chat reads who is who,
 * the gateway's suites cover how they get there (invites, device links, login).
 */
export type ChatApp = Awaited<ReturnType<typeof buildApp>>;
export type TestChat = TestApp<ChatApp>;
export type Person = SeededPerson;

/** Small limits, so the suites can reach them. */
export const LIMITS = {
  MAX_ENVELOPE_BYTES: '4096',
  MAX_FILE_BYTES: '100000',
  ORG_STORAGE_QUOTA_BYTES: '150000',
};

export function startChat(env: Record<string, string> = LIMITS): Promise<TestChat> {
  return startTestApp({ build: buildApp, env });
}

export type ErrorBody = { error: { code: string; mismatch?: { missing: string[]; extra: string[] } } };
export type Event = {
  kind: string;
  seq: number;
  ciphertext?: string | null;
  deleted?: boolean;
  personId?: string;
  targetSeq?: number;
};

export const count = async (chat: TestChat, sql: string, params: unknown[] = []) =>
  (await chat.db.query<{ n: number }>(sql, params)).rows[0]!.n;

/** An organisation's cast (admin, worker, resident) with published keys, and the worker's direct channel with the resident. */
export async function cast(chat: TestChat, slug: string) {
  const org = await seedOrganisation(chat, slug);
  for (const person of [org.worker, org.resident, org.admin]) await publishKeys(chat, person);
  const direct = await openDirect(chat, org.worker, org.resident.personId);
  return { ...org, direct };
}

/** Another person of the organisation's team (no keys published). */
export function addPerson(
  chat: TestChat,
  org: { organisation: { id: string }; team: { id: string } },
  role: Role,
  name: string,
): Promise<Person> {
  return seedPerson(chat, { orgId: org.organisation.id, role, name, teamId: org.team.id });
}

/** A second device of `owner` (a tablet beside the phone), with its keys published. */
export async function linkDevice(chat: TestChat, owner: Person): Promise<Person> {
  const linked = await seedDevice(chat, owner, 'Tablet');
  await publishKeys(chat, linked);
  return linked;
}
