import { fromBase64Url, toBase64Url } from '@spreekuur/crypto/encoding';
import type { DeviceIdentity } from '@spreekuur/crypto/identity';
import { signMembershipAddition, verifyMembershipAddition } from '@spreekuur/crypto/membership';
import type { ChannelEvent, ChannelRole, MembershipProof } from '@spreekuur/protocol/chat';
import type { DeviceDirectory } from './device-directory.ts';
import type { MembershipView } from './membership-view.ts';

type MemberAdded = Extract<ChannelEvent, { kind: 'member_added' }>;

/** Why an addition is not verified (SPEC §13.5); `verified` when an owner's or moderator's device signed it. */
export type AdditionVerdict =
  'verified' | 'unsigned' | 'not-a-moderator' | 'replayed' | 'unknown-signer' | 'bad-signature';

/** This device signs a member it adds, after the last entry it knows of (SPEC §13.5). */
export function proveAddition(
  self: { personId: string; deviceId: string; identity: DeviceIdentity },
  addition: { channelId: string; personId: string; role: ChannelRole; afterSeq: number },
): MembershipProof {
  const signature = signMembershipAddition(self.identity, {
    ...addition,
    actorPersonId: self.personId,
    actorDeviceId: self.deviceId,
  });
  return { deviceId: self.deviceId, afterSeq: addition.afterSeq, signature: toBase64Url(signature) };
}

/**
 * Checks a `member_added` entry against our own view, before it is applied: the proof must be
 * signed by a trusted device of the person the entry names as actor, who is owner or moderator by
 * our view, and it must not be older than this person's last change (a replayed "added" after a
 * removal) nor name a later entry than itself.
 */
export async function checkAddition(
  event: MemberAdded,
  deps: {
    membership: MembershipView;
    devices: DeviceDirectory;
    self: { deviceId: string; identityKey: Uint8Array };
  },
): Promise<AdditionVerdict> {
  const { proof, byPersonId } = event;
  if (!proof || !byPersonId) return 'unsigned';
  const records = await deps.membership.records(event.channelId);
  const actorRole = records[byPersonId]?.role;
  if (actorRole !== 'owner' && actorRole !== 'moderator') return 'not-a-moderator';
  const lastChange = records[event.personId]?.seq ?? 0;
  if (proof.afterSeq >= event.seq || proof.afterSeq < lastChange) return 'replayed';
  let signerKey: Uint8Array;
  if (proof.deviceId === deps.self.deviceId) {
    signerKey = deps.self.identityKey;
  } else {
    const signer = await deps.devices.senderOf(event.channelId, proof.deviceId);
    if (!signer || signer.state !== 'trusted' || signer.personId !== byPersonId) return 'unknown-signer';
    signerKey = fromBase64Url(signer.identityKey);
  }
  const addition = {
    channelId: event.channelId,
    personId: event.personId,
    role: event.role,
    actorPersonId: byPersonId,
    actorDeviceId: proof.deviceId,
    afterSeq: proof.afterSeq,
  };
  let signature: Uint8Array;
  try {
    signature = fromBase64Url(proof.signature);
  } catch {
    return 'bad-signature';
  }
  return verifyMembershipAddition(signerKey, addition, signature) ? 'verified' : 'bad-signature';
}
