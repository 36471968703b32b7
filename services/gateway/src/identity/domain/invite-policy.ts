import type { Role } from '@spreekuur/protocol/identity';

export interface Inviter {
  role: Role;
  teamIds: readonly string[];
}

export interface InviteRequest {
  role: Role;
  teamId?: string | undefined;
}

export type InviteDecision =
  { allowed: true } | { allowed: false; reason: 'role_not_allowed' | 'team_required' | 'not_in_team' };

/**
 * Who may invite whom. Admins invite anyone (workers and residents into a team);
 * workers invite residents into a team they belong to; residents invite nobody.
 */
export function decideInvite(inviter: Inviter, request: InviteRequest): InviteDecision {
  switch (inviter.role) {
    case 'resident':
      return { allowed: false, reason: 'role_not_allowed' };
    case 'worker':
      if (request.role !== 'resident') return { allowed: false, reason: 'role_not_allowed' };
      if (!request.teamId) return { allowed: false, reason: 'team_required' };
      if (!inviter.teamIds.includes(request.teamId)) return { allowed: false, reason: 'not_in_team' };
      return { allowed: true };
    case 'admin':
      if (request.role !== 'admin' && !request.teamId) return { allowed: false, reason: 'team_required' };
      return { allowed: true };
  }
}

export interface LinkTarget {
  role: Role;
  teamIds: readonly string[];
}

export type DeviceLinkDecision =
  { allowed: true } | { allowed: false; reason: 'role_not_allowed' | 'not_a_resident' | 'not_in_team' };

/**
 * Who may make a device-link code for someone else (they lost their only phone): an admin for
 * anyone of the organisation; a worker for a resident who shares one of their teams; a resident
 * for nobody. The caller has already checked that the person exists in the same organisation.
 */
export function decideDeviceLinkFor(issuer: Inviter, target: LinkTarget): DeviceLinkDecision {
  switch (issuer.role) {
    case 'resident':
      return { allowed: false, reason: 'role_not_allowed' };
    case 'worker':
      if (target.role !== 'resident') return { allowed: false, reason: 'not_a_resident' };
      if (!target.teamIds.some((teamId) => issuer.teamIds.includes(teamId)))
        return { allowed: false, reason: 'not_in_team' };
      return { allowed: true };
    case 'admin':
      return { allowed: true };
  }
}
