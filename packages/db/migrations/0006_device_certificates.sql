-- Device certificates (packages/crypto SPEC §13.2): which device of the same person vouches
-- for a device, and its Ed25519 signature. A person's first device signs itself. The server
-- stores and hands them out; clients verify them before they encrypt to a device.
CREATE TABLE device_certificates (
  device_id uuid PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  signer_device_id uuid NOT NULL,
  signature bytea NOT NULL CHECK (length(signature) = 64),
  created_at timestamptz NOT NULL DEFAULT now()
);
