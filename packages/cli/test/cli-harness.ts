import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { runCli } from '../src/main.ts';

/**
 * What the CLI suites share: a real gateway on this run's backends, a folder for profiles,
 * the CLI run in-process as a person at a terminal would (what it prints, its exit code), and
 * an organisation made through the CLI only (operator, admin, team, worker, residents).
 */

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export interface Person {
  name: string;
  profile: string;
  personId: string;
  deviceId: string;
}

export interface CliSuite {
  gateway: TestGateway;
  dir: string;
  /** Runs `spreekuur …` with this profile (null: none) against the suite's gateway. */
  run(profile: string | null, ...args: string[]): Promise<CliResult>;
  /** Runs with `--json` and parses the answer; a non-zero exit throws with what was printed. */
  json<T>(profile: string | null, ...args: string[]): Promise<T>;
  close(): Promise<void>;
}

export async function startCliSuite(): Promise<CliSuite> {
  const gateway = await startGateway();
  const dir = await mkdtemp(join(tmpdir(), 'spreekuur-cli-'));
  const run = async (profile: string | null, ...args: string[]): Promise<CliResult> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      [
        ...args,
        '--server',
        gateway.url,
        '--token',
        gateway.operatorToken,
        ...(profile ? ['--profile', join(dir, profile)] : []),
      ],
      (line) => out.push(line),
      (line) => err.push(line),
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  return {
    gateway,
    dir,
    run,
    async json<T>(profile: string | null, ...args: string[]) {
      const result = await run(profile, ...args, '--json');
      if (result.code !== 0) throw new Error(`spreekuur ${args.join(' ')} (exit ${result.code}): ${result.err}`);
      return JSON.parse(result.out) as T;
    },
    async close() {
      await gateway.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function registerPerson(suite: CliSuite, code: string, name: string, slug: string): Promise<Person> {
  const profile = `${slug}-${name.toLowerCase()}.json`;
  const account = await suite.json<{ personId: string; deviceId: string }>(
    profile,
    'register',
    '--invite',
    code,
    '--name',
    name,
  );
  return { name, profile, personId: account.personId, deviceId: account.deviceId };
}

/** An organisation made the way the README walks through it: admin Anouk, worker Sanne, residents. */
export async function cliOrganisation(suite: CliSuite, slug: string, residentNames: string[]) {
  const org = await suite.json<{ organisation: { id: string }; adminInvite: { code: string } }>(
    null,
    'operator',
    'create-org',
    '--name',
    `Organisatie ${slug}`,
    '--slug',
    slug,
  );
  const admin = await registerPerson(suite, org.adminInvite.code, 'Anouk', slug);
  const team = await suite.json<{ id: string }>(admin.profile, 'team', 'create', '--name', 'Team Noord');
  const workerInvite = await suite.json<{ code: string }>(
    admin.profile,
    'invite',
    'create',
    '--role',
    'worker',
    '--team',
    team.id,
  );
  const worker = await registerPerson(suite, workerInvite.code, 'Sanne', slug);
  const residents: Person[] = [];
  for (const name of residentNames) {
    const invite = await suite.json<{ code: string }>(worker.profile, 'invite', 'create', '--role', 'resident');
    residents.push(await registerPerson(suite, invite.code, name, slug));
  }
  return { organisationId: org.organisation.id, teamId: team.id, admin, worker, residents };
}
