import { expectBytes } from './bytes.ts';
import { idBytes } from './encoding.ts';
import { checkIdentityPublicKey, sign, verifyContext, type DeviceIdentity } from './identity.ts';
import { encodeContext, Label } from './kdf.ts';

/**
 * Device certificates (SPEC §13.2): a device vouches that another device (or itself, for a
 * person's first device) belongs to the same person. A person's device list is then the set
 * of devices reachable by certificates from a device the reader already trusts, so a server
 * can withhold a device but cannot add one.
 */
export interface CertifiedDevice {
  /** The person the device belongs to, and the device (ids as the server assigned them). */
  readonly personId: string;
  readonly deviceId: string;
  /** Ed25519 identity public key of the certified device, 32 bytes. */
  readonly identityKey: Uint8Array;
}

/** Context("device/certificate", UTF8(personId), UTF8(deviceId), IK.pk). */
export function deviceCertificateContext(subject: CertifiedDevice): Uint8Array {
  expectBytes(subject.identityKey, 'identity key');
  return encodeContext(Label.deviceCertificate, [
    idBytes(subject.personId, 'person id'),
    idBytes(subject.deviceId, 'device id'),
    checkIdentityPublicKey(subject.identityKey),
  ]);
}

/** The signer's signature over `subject` (64 bytes). A first device signs itself. */
export function signDeviceCertificate(signer: DeviceIdentity, subject: CertifiedDevice): Uint8Array {
  return sign(signer, deviceCertificateContext(subject));
}

/** Whether `signature` by `signerKey` certifies `subject`. Never throws on malformed input. */
export function verifyDeviceCertificate(
  signerKey: Uint8Array,
  subject: CertifiedDevice,
  signature: Uint8Array,
): boolean {
  return verifyContext(signerKey, () => deviceCertificateContext(subject), signature);
}
