import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { createdInvite, createOrganisationResult, organisation } from '@spreekuur/protocol/identity';
import { CliError, request, type HttpTarget } from './http.ts';
import type { Texts } from './i18n.ts';

export interface OperatorOptions {
  server: string;
  lang: 'nl' | 'en';
  token?: string | undefined;
  dataDir: string;
  texts: Texts;
  print: (line: string) => void;
}

async function operatorToken(options: OperatorOptions): Promise<string> {
  if (options.token) return options.token;
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  const file = join(options.dataDir, 'operator-token');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new CliError(options.texts.noOperatorToken(file));
  }
}

async function target(options: OperatorOptions): Promise<HttpTarget> {
  return {
    server: options.server,
    lang: options.lang,
    headers: { 'x-operator-token': await operatorToken(options) },
    unreachable: options.texts.serverUnreachable,
  };
}

function printInvite(options: OperatorOptions, invite: z.infer<typeof createdInvite>) {
  const expires = new Date(invite.expiresAt).toLocaleString(options.lang === 'nl' ? 'nl-NL' : 'en-GB', {
    timeZone: 'Europe/Amsterdam',
  });
  options.print(`${options.texts.adminInvite} ${expires}):`);
  options.print(`  ${options.texts.inviteCode}: ${invite.code}`);
  options.print(`  ${options.texts.inviteLink}: ${invite.joinUrl}`);
}

export async function createOrganisationCommand(options: OperatorOptions, name: string, slug: string) {
  const result = await request(
    await target(options),
    'POST',
    '/v1/operator/organisations',
    createOrganisationResult,
    {
      name,
      slug,
    },
  );
  options.print(
    `${options.texts.organisationCreated}: ${result.organisation.name} (${result.organisation.slug}, ${result.organisation.id})`,
  );
  printInvite(options, result.adminInvite);
}

export async function listOrganisationsCommand(options: OperatorOptions) {
  const result = await request(
    await target(options),
    'GET',
    '/v1/operator/organisations',
    z.object({ organisations: z.array(organisation) }),
  );
  if (result.organisations.length === 0) options.print(options.texts.noOrganisations);
  for (const org of result.organisations) options.print(`${org.id}  ${org.slug}  ${org.name}`);
}

export async function adminInviteCommand(options: OperatorOptions, organisationId: string) {
  const invite = await request(
    await target(options),
    'POST',
    `/v1/operator/organisations/${encodeURIComponent(organisationId)}/admin-invites`,
    createdInvite,
  );
  printInvite(options, invite);
}
