import type { Role } from '@spreekuur/protocol/identity';

/** Who is calling: resolved from an access token, scoped to one organisation. */
export interface Principal {
  orgId: string;
  personId: string;
  deviceId: string;
  role: Role;
  tokenExpiresAt: Date;
}
