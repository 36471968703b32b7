import { z } from 'zod';
import { operatorEndpoints as operator, organisationSlug } from '@spreekuur/protocol/identity';
import { command, output } from '../spec.ts';
import { inviteLines, nonEmpty, uuid } from './shared.ts';

export const operatorCommands = [
  command({
    name: 'operator create-org',
    summary: {
      nl: 'Organisatie maken, met uitnodiging voor de eerste beheerder',
      en: 'Create an organisation, with an invite for its first admin',
    },
    example: 'operator create-org --name "Welzijn Noord" --slug welzijn-noord',
    args: z.object({ name: nonEmpty.max(200), slug: organisationSlug }),
    options: {
      name: { help: { nl: 'Naam van de organisatie', en: 'Name of the organisation' }, placeholder: 'name' },
      slug: {
        help: {
          nl: 'Korte naam: kleine letters, cijfers, streepjes',
          en: 'Short name: lower-case letters, digits, dashes',
        },
      },
    },
    async run(ctx, args) {
      const result = await (await ctx.operator()).call(operator.createOrganisation, { body: args });
      const org = result.organisation;
      return output(result, [
        ctx.say(
          `Organisatie aangemaakt: ${org.name} (${org.slug}, ${org.id})`,
          `Organisation created: ${org.name} (${org.slug}, ${org.id})`,
        ),
        ...inviteLines(
          ctx,
          result.adminInvite,
          ctx.say('Uitnodiging voor de eerste beheerder', 'Invite for the first admin'),
        ),
      ]);
    },
  }),
  command({
    name: 'operator list-orgs',
    summary: { nl: 'Alle organisaties', en: 'All organisations' },
    example: 'operator list-orgs',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const { organisations } = await (await ctx.operator()).call(operator.listOrganisations);
      if (organisations.length === 0)
        return output([], [ctx.say('Nog geen organisaties.', 'No organisations yet.')]);
      return output(
        organisations,
        organisations.map((org) => `${org.id}  ${org.slug}  ${org.name}`),
      );
    },
  }),
  command({
    name: 'operator admin-invite',
    summary: { nl: 'Nieuwe uitnodiging voor een beheerder', en: 'Another invite for an admin' },
    example: 'operator admin-invite --org 5d1e…',
    args: z.object({ org: uuid }),
    options: {
      org: {
        help: {
          nl: 'Organisatie-id (zie: operator list-orgs)',
          en: 'Organisation id (see: operator list-orgs)',
        },
        placeholder: 'id',
      },
    },
    async run(ctx, args) {
      const invite = await (
        await ctx.operator()
      ).call(operator.createAdminInvite, { params: { id: args.org } });
      return output(
        invite,
        inviteLines(ctx, invite, ctx.say('Uitnodiging voor een beheerder', 'Invite for an admin')),
      );
    },
  }),
];
