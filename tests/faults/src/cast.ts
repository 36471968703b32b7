import { MemoryStore, OperatorClient, SpreekuurClient } from '@spreekuur/client';
import { identityEndpoints, operatorEndpoints } from '@spreekuur/protocol/identity';

/** One device in the play: its SDK client and a name for the report. */
export interface Player {
  name: string;
  client: SpreekuurClient;
}

export interface Cast {
  worker: Player;
  residents: Player[];
  /** Every conversation and who is in it: a direct channel per resident and one group of all. */
  channels: Array<{ id: string; members: Player[] }>;
  everyone: Player[];
  close(): Promise<void>;
}

/**
 * An organisation built through the SDK, as people would: the operator creates it, the admin
 * makes a team and invites a worker, the worker invites residents. `urlFor(i)` is the address
 * the i-th device talks to (a proxy pinned to one node, so the devices are spread over nodes).
 */
export async function castOrganisation(options: {
  url: string;
  operatorToken: string;
  slug: string;
  residents: number;
  urlFor: (index: number) => string;
}): Promise<Cast> {
  const operator = new OperatorClient({ serverUrl: options.url, operatorToken: options.operatorToken });
  const { adminInvite } = await operator.call(operatorEndpoints.createOrganisation, {
    body: { name: `Organisatie ${options.slug}`, slug: options.slug },
  });
  let index = 0;
  const join = async (code: string, name: string): Promise<Player> => {
    const client = await SpreekuurClient.register({
      serverUrl: options.urlFor(index++),
      store: new MemoryStore(),
      inviteCode: code,
      displayName: name,
      deviceName: `${name}s telefoon`,
      ackTimeoutMs: 3_000,
    });
    await client.connect();
    return { name, client };
  };
  const admin = await join(adminInvite.code, 'Beheerder');
  const team = await admin.client.call(identityEndpoints.createTeam, { body: { name: 'Wijkteam' } });
  const workerInvite = await admin.client.call(identityEndpoints.createInvite, {
    body: { role: 'worker', teamId: team.id },
  });
  const worker = await join(workerInvite.code, 'Werker');
  const residents: Player[] = [];
  for (let i = 0; i < options.residents; i++) {
    const invite = await worker.client.call(identityEndpoints.createInvite, {
      body: { role: 'resident', teamId: team.id },
    });
    residents.push(await join(invite.code, `Inwoner ${i + 1}`));
  }
  const channels: Cast['channels'] = [];
  for (const resident of residents) {
    const direct = await worker.client.openDirect(resident.client.account.personId);
    channels.push({ id: direct.id, members: [worker, resident] });
  }
  const group = await worker.client.createGroup(
    'Groep',
    residents.map((r) => r.client.account.personId),
  );
  channels.push({ id: group.id, members: [worker, ...residents] });
  const everyone = [worker, ...residents];
  return {
    worker,
    residents,
    channels,
    everyone,
    async close() {
      for (const player of [admin, ...everyone]) await player.client.close();
    },
  };
}
