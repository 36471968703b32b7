import { verifyDeviceCertificate } from '@spreekuur/crypto/device-certificate';
import { fromBase64Url } from '@spreekuur/crypto/encoding';
import type { ChannelDevice, DeviceCertificate } from '@spreekuur/protocol/chat';

/** A device of the person we already trust: the anchor a new device must chain to. */
export interface TrustAnchor {
  deviceId: string;
  identityKey: string;
}

/** Whether `signature` by the device with `signerKey` vouches for `device` (never throws). */
export const verifies = (signerKey: string, device: ChannelDevice, signature: string): boolean => {
  try {
    return verifyDeviceCertificate(
      fromBase64Url(signerKey),
      {
        personId: device.personId,
        deviceId: device.deviceId,
        identityKey: fromBase64Url(device.identityKey),
      },
      fromBase64Url(signature),
    );
  } catch {
    return false; // a key or signature that is not even base64url
  }
};

/**
 * Which devices of one person the certificates vouch for (SPEC §13.2). With anchors (devices
 * of the person we trust already), a device counts when its certificate was signed by an
 * anchor or by a device that counts; without anchors (first contact) a self-signed device
 * counts too, as trust on first use. Everything else is uncertified: the server can withhold
 * a device, not add one.
 */
export function certifiedDeviceIds(
  devices: readonly ChannelDevice[],
  certificates: ReadonlyMap<string, DeviceCertificate>,
  anchors: readonly TrustAnchor[],
): Set<string> {
  const keys = new Map(anchors.map((anchor) => [anchor.deviceId, anchor.identityKey]));
  const certified = new Set<string>();
  for (const device of devices)
    if (keys.get(device.deviceId) === device.identityKey) certified.add(device.deviceId);
  if (anchors.length === 0) {
    for (const device of devices) {
      const certificate = certificates.get(device.deviceId);
      if (
        certificate?.signerDeviceId === device.deviceId &&
        verifies(device.identityKey, device, certificate.signature)
      )
        certified.add(device.deviceId);
    }
  }
  for (const device of devices)
    if (certified.has(device.deviceId)) keys.set(device.deviceId, device.identityKey);
  // Follow the chains: each pass certifies devices signed by a device certified before.
  for (let changed = true; changed;) {
    changed = false;
    for (const device of devices) {
      if (certified.has(device.deviceId)) continue;
      const certificate = certificates.get(device.deviceId);
      const signerKey =
        certificate && certificate.signerDeviceId !== device.deviceId && keys.get(certificate.signerDeviceId);
      if (signerKey && verifies(signerKey, device, certificate.signature)) {
        certified.add(device.deviceId);
        keys.set(device.deviceId, device.identityKey);
        changed = true;
      }
    }
  }
  return certified;
}
