-- Invites remember the device that made them, so a code cannot outlive that device: revoking a
-- device voids its pending invites and device links, and redemption refuses a code whose
-- creating device is revoked. NULL for invites made by the operator (no device).

ALTER TABLE invites ADD COLUMN created_by_device uuid;
-- A device is deleted only with its person or organisation; what it made goes with it.
ALTER TABLE invites ADD CONSTRAINT invites_created_by_device_fkey
  FOREIGN KEY (org_id, created_by_device) REFERENCES devices (org_id, id) ON DELETE CASCADE;
CREATE INDEX invites_created_by_device_idx ON invites (created_by_device)
  WHERE created_by_device IS NOT NULL;

-- Invites made before this migration: the audit log names the device that made each one.
UPDATE invites i
   SET created_by_device = a.actor_device_id
  FROM audit_log a
 WHERE a.subject_type = 'invite'
   AND a.subject_id = i.id::text
   AND a.action IN ('invite.created', 'device.link_created')
   AND a.org_id = i.org_id
   AND a.actor_device_id IS NOT NULL
   AND EXISTS (SELECT 1 FROM devices d WHERE d.id = a.actor_device_id AND d.org_id = i.org_id);

-- Pending invites of devices that were revoked already stop working now.
UPDATE invites i
   SET revoked_at = now()
  FROM devices d
 WHERE d.id = i.created_by_device
   AND d.revoked_at IS NOT NULL
   AND i.used_at IS NULL
   AND i.revoked_at IS NULL;
