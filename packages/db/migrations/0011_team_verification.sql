-- Sensitive teams (docs/chat.md, "Verified devices"): the team's workers and admins may require
-- that workers compare safety numbers with each resident before writing to them. The server only
-- stores and reports the setting; the workers' clients enforce it and remember it once seen
-- (crypto SPEC §13.7), so clearing it here does not switch it off on a worker's device.
ALTER TABLE teams ADD COLUMN verified_devices_required boolean NOT NULL DEFAULT false;
