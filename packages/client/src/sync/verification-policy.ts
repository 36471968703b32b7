import { identityEndpoints as identity, type Role } from '@spreekuur/protocol/identity';
import type { TrustStore } from '../crypto/trust-store.ts';
import { isRetryable, SpreekuurError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';
import type { RecipientDevice } from './device-directory.ts';

/** A team this device holds as sensitive (SPEC §13.7). */
export interface SensitiveTeam {
  teamId: string;
  name: string;
  /** Since when this device holds it sensitive. */
  since: string;
  /** What the server said last: `false` while this device keeps it on against the server's word. */
  server: boolean;
}

/** A resident this device saw listed in a sensitive team: protected until every such team is off here. */
interface ProtectedPerson {
  teamIds: string[];
}

const TEAM = 'verify-teams/';
const PERSON = 'verify-people/';

/**
 * Sensitive teams (crypto SPEC §13.7): a worker's device sends nothing readable to a resident of
 * such a team before the worker verified that resident's devices by safety number. What the
 * server says can switch a team on, never off: a team once seen as sensitive, and a resident once
 * seen in it, stay so on this device until this device switches the team off itself.
 */
export class VerificationPolicy {
  /** People classified since the last full reading (after connecting): no new reading for them. */
  private classified = new Set<string>();
  private reading: Promise<void> | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly store: KeyValueStore,
    private readonly self: { personId: string; role: Role },
    private readonly trust: TrustStore,
  ) {}

  /** Residents send freely; the rule binds workers and admins. */
  private get enforced(): boolean {
    return this.self.role !== 'resident';
  }

  /** The teams this device holds as sensitive. */
  async teams(): Promise<SensitiveTeam[]> {
    const teams: SensitiveTeam[] = [];
    for (const key of await this.store.keys(TEAM)) {
      const team = await this.store.get<SensitiveTeam>(key);
      if (team) teams.push(team);
    }
    return teams.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Reads the teams and the residents of the sensitive ones again (after connecting, and on demand). */
  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const { teams } = await this.http.call(identity.listTeams);
    const listed = new Map(teams.map((team) => [team.id, team]));
    const now = new Date().toISOString();
    for (const team of teams) {
      const known = await this.store.get<SensitiveTeam>(`${TEAM}${team.id}`);
      if (team.verifiedDevicesRequired || known)
        await this.store.set(`${TEAM}${team.id}`, {
          teamId: team.id,
          name: team.name,
          since: known?.since ?? now,
          server: team.verifiedDevicesRequired,
        } satisfies SensitiveTeam);
    }
    const classified = new Set<string>();
    for (const team of await this.teams()) {
      // Left out of the listing (or reported off): kept, and said so.
      if (!listed.has(team.teamId) && team.server)
        await this.store.set(`${TEAM}${team.teamId}`, { ...team, server: false });
      if (!this.enforced) continue;
      const people = await this.http
        .call(identity.listPeople, { query: { teamId: team.teamId, role: 'resident' } })
        .then(({ people }) => people)
        // A team the server no longer lets us read keeps the residents seen before.
        .catch(() => []);
      for (const person of people) {
        if (person.role !== 'resident') continue;
        classified.add(person.id);
        const known = await this.store.get<ProtectedPerson>(`${PERSON}${person.id}`);
        if (!known?.teamIds.includes(team.teamId))
          await this.store.set(`${PERSON}${person.id}`, {
            teamIds: [...(known?.teamIds ?? []), team.teamId].sort(),
          } satisfies ProtectedPerson);
      }
    }
    for (const personId of classified) this.classified.add(personId);
  }

  /**
   * After connecting: everyone is classified again before the next message to them, and a worker's
   * device reads its teams at once (a resident's has nothing to enforce, so it reads only on demand).
   */
  async connected(): Promise<void> {
    this.classified = new Set();
    if (this.enforced) await this.refresh();
  }

  /**
   * Throws ERR_CLIENT_UNVERIFIED_DEVICE when a readable copy would go to a protected resident this
   * device has not verified (SPEC §13.7). Someone not classified since the last reading makes it read
   * the teams first, so a resident who joined a sensitive team is known before the first message.
   */
  async check(recipients: readonly RecipientDevice[]): Promise<void> {
    if (!this.enforced) return;
    const readable = recipients.filter((device) => device.state === 'trusted');
    const people = [...new Set(readable.map((device) => device.personId))];
    if (people.some((personId) => !this.classified.has(personId))) {
      // Network trouble: the outbox tries again. A refusal counts as an empty answer (no worse
      // than a server that lies): what this device remembers still holds.
      await this.refresh().catch((error: unknown) => {
        if (isRetryable(error)) throw error;
      });
      for (const personId of people) this.classified.add(personId);
    }
    const unverified: string[] = [];
    for (const personId of people) {
      if (personId === this.self.personId) continue;
      if (!(await this.store.get<ProtectedPerson>(`${PERSON}${personId}`))) continue;
      if (!(await this.trust.verifiedAt(personId))) unverified.push(personId);
    }
    if (unverified.length === 0) return;
    throw new SpreekuurError(
      'ERR_CLIENT_UNVERIFIED_DEVICE',
      'in this team the safety number must be compared with this resident first: verify, and the message goes',
      {
        personIds: unverified.sort(),
        deviceIds: readable
          .filter((device) => unverified.includes(device.personId))
          .map((device) => device.deviceId)
          .sort(),
      },
    );
  }

  /**
   * This device stops holding the team sensitive (the worker's own decision, never the server's):
   * its residents are protected only by their other sensitive teams.
   */
  async forget(teamId: string): Promise<void> {
    await this.store.delete(`${TEAM}${teamId}`);
    for (const key of await this.store.keys(PERSON)) {
      const person = await this.store.get<ProtectedPerson>(key);
      if (!person?.teamIds.includes(teamId)) continue;
      const teamIds = person.teamIds.filter((id) => id !== teamId);
      if (teamIds.length === 0) await this.store.delete(key);
      else await this.store.set(key, { teamIds } satisfies ProtectedPerson);
    }
  }
}
