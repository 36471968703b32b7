import type { Config } from '@spreekuur/config';
import type { Database } from '@spreekuur/db';
import type { Realtime } from '@spreekuur/server';
import { DeviceService } from './device-service.ts';
import { InviteService } from './invite-service.ts';
import { LoginService } from './login-service.ts';
import { OrganisationService } from './organisation-service.ts';
import { OrganisationSettingsService } from './organisation-settings-service.ts';
import { PeopleService } from './people-service.ts';
import { TeamService } from './team-service.ts';

export interface IdentityDeps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly realtime: Realtime;
  readonly config: Pick<Config, 'PUBLIC_URL' | 'INVITE_TTL_DAYS' | 'ACCESS_TOKEN_TTL_SECONDS'>;
  /** After someone left a team (chat's presence). */
  readonly teamLeft?: (orgId: string, teamId: string, personId: string) => Promise<void>;
}

export interface IdentityServices {
  readonly invites: InviteService;
  readonly login: LoginService;
  readonly devices: DeviceService;
  readonly people: PeopleService;
  readonly teams: TeamService;
  readonly organisations: OrganisationService;
  readonly settings: OrganisationSettingsService;
}

/** Wires the identity services together (no I/O happens here). */
export function createIdentityServices(deps: IdentityDeps): IdentityServices {
  const { db, clock, realtime, config } = deps;
  const invites = new InviteService({
    db,
    clock,
    settings: { publicUrl: config.PUBLIC_URL, defaultTtlDays: config.INVITE_TTL_DAYS },
  });
  return {
    invites,
    login: new LoginService({ db, clock, tokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS }),
    devices: new DeviceService({ db, clock, realtime, invites }),
    people: new PeopleService(db),
    teams: new TeamService({ db, realtime, ...(deps.teamLeft ? { teamLeft: deps.teamLeft } : {}) }),
    organisations: new OrganisationService({ db, clock, invites }),
    settings: new OrganisationSettingsService(db),
  };
}
