import type { Queryable } from '@spreekuur/db';
import type { GroupLink, JoinRequest } from '@spreekuur/protocol/chat';

/** Group links and requests to join (tables of migration 0009). Tokens are never stored, only their hash. */

interface LinkRow extends Record<string, unknown> {
  id: string;
  org_id: string;
  channel_id: string;
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
  uses: number;
}

const toLink = (row: LinkRow): GroupLink => ({
  id: row.id,
  channelId: row.channel_id,
  createdAt: row.created_at.toISOString(),
  createdByPersonId: row.created_by,
  revokedAt: row.revoked_at?.toISOString() ?? null,
  uses: Number(row.uses),
});

export async function insertLink(
  tx: Queryable,
  link: { id: string; channel: { id: string; org_id: string }; tokenHash: Uint8Array; by: string; at: Date },
): Promise<GroupLink> {
  const { rows } = await tx.query<LinkRow>(
    `INSERT INTO channel_links (id, org_id, channel_id, token_hash, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [link.id, link.channel.org_id, link.channel.id, link.tokenHash, link.by, link.at],
  );
  return toLink(rows[0]!);
}

export async function countOpenLinks(db: Queryable, channelId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM channel_links WHERE channel_id = $1 AND revoked_at IS NULL',
    [channelId],
  );
  return rows[0]!.n;
}

export async function listLinks(db: Queryable, channelId: string): Promise<GroupLink[]> {
  const { rows } = await db.query<LinkRow>(
    'SELECT * FROM channel_links WHERE channel_id = $1 ORDER BY created_at, id',
    [channelId],
  );
  return rows.map(toLink);
}

export async function findLink(db: Queryable, channelId: string, linkId: string): Promise<GroupLink | null> {
  const { rows } = await db.query<LinkRow>('SELECT * FROM channel_links WHERE id = $1 AND channel_id = $2', [
    linkId,
    channelId,
  ]);
  return rows[0] ? toLink(rows[0]) : null;
}

/** The link a token opens, in any organisation (the caller compares). */
export async function findLinkByToken(
  db: Queryable,
  tokenHash: Uint8Array,
): Promise<(GroupLink & { orgId: string }) | null> {
  const { rows } = await db.query<LinkRow>('SELECT * FROM channel_links WHERE token_hash = $1', [tokenHash]);
  return rows[0] ? { ...toLink(rows[0]), orgId: rows[0].org_id } : null;
}

/** True if the link was open and is revoked now. */
export async function revokeLink(
  tx: Queryable,
  channelId: string,
  linkId: string,
  by: string,
  at: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE channel_links SET revoked_at = $4, revoked_by = $3
      WHERE id = $1 AND channel_id = $2 AND revoked_at IS NULL`,
    [linkId, channelId, by, at],
  );
  return (rowCount ?? 0) > 0;
}

export async function countLinkUse(tx: Queryable, linkId: string): Promise<void> {
  await tx.query('UPDATE channel_links SET uses = uses + 1 WHERE id = $1', [linkId]);
}

export async function approvalRequired(db: Queryable, channelId: string): Promise<boolean> {
  const { rows } = await db.query<{ approval_required: boolean }>(
    'SELECT approval_required FROM channel_moderation WHERE channel_id = $1',
    [channelId],
  );
  return rows[0]?.approval_required ?? false;
}

export async function setApprovalRequired(
  tx: Queryable,
  channel: { id: string; org_id: string },
  required: boolean,
): Promise<void> {
  await tx.query(
    `INSERT INTO channel_moderation (channel_id, org_id, approval_required) VALUES ($1, $2, $3)
     ON CONFLICT (channel_id) DO UPDATE SET approval_required = EXCLUDED.approval_required`,
    [channel.id, channel.org_id, required],
  );
}

/** True if a new request was added (false: this person already waits). */
export async function addJoinRequest(
  tx: Queryable,
  channel: { id: string; org_id: string },
  personId: string,
  linkId: string,
  at: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO channel_join_requests (channel_id, org_id, person_id, link_id, requested_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [channel.id, channel.org_id, personId, linkId, at],
  );
  return (rowCount ?? 0) > 0;
}

export async function hasJoinRequest(db: Queryable, channelId: string, personId: string): Promise<boolean> {
  const { rows } = await db.query(
    'SELECT 1 FROM channel_join_requests WHERE channel_id = $1 AND person_id = $2',
    [channelId, personId],
  );
  return rows.length > 0;
}

/** True if there was a request to remove. */
export async function deleteJoinRequest(
  tx: Queryable,
  channelId: string,
  personId: string,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    'DELETE FROM channel_join_requests WHERE channel_id = $1 AND person_id = $2',
    [channelId, personId],
  );
  return (rowCount ?? 0) > 0;
}

export async function listJoinRequests(db: Queryable, channelId: string): Promise<JoinRequest[]> {
  const { rows } = await db.query<{ person_id: string; display_name: string; requested_at: Date }>(
    `SELECT r.person_id, p.display_name, r.requested_at
       FROM channel_join_requests r JOIN people p ON p.id = r.person_id AND p.org_id = r.org_id
      WHERE r.channel_id = $1 ORDER BY r.requested_at, r.person_id`,
    [channelId],
  );
  return rows.map((row) => ({
    personId: row.person_id,
    displayName: row.display_name,
    requestedAt: row.requested_at.toISOString(),
  }));
}
