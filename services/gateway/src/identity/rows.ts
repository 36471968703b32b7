import type { Invite, Role } from '@spreekuur/protocol/identity';

export const iso = (date: Date) => date.toISOString();
export const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

export interface InviteRow extends Record<string, unknown> {
  id: string;
  org_id: string;
  kind: 'person' | 'device';
  role: Role | null;
  team_id: string | null;
  person_id: string | null;
  created_by: string | null;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

export function toInvite(row: InviteRow): Invite {
  return {
    id: row.id,
    kind: row.kind,
    role: row.role,
    teamId: row.team_id,
    expiresAt: iso(row.expires_at),
    usedAt: isoOrNull(row.used_at),
    revokedAt: isoOrNull(row.revoked_at),
    createdAt: iso(row.created_at),
  };
}
