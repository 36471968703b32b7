import { isUint32, u32be } from './bytes.ts';
import { idBytes, utf8Encode } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { sign, verifyContext, type DeviceIdentity } from './identity.ts';
import { encodeContext, Label } from './kdf.ts';

/**
 * Signed membership additions (SPEC §13.5): the owner's or moderator's device signs who it
 * adds to which channel, with which role, after which log entry. The server stores the
 * signature with the `member_added` entry and relays it; a client checks it against the
 * signer's pinned key and role, so the server cannot add a reader unnoticed.
 */
export interface MembershipAddition {
  readonly channelId: string;
  readonly personId: string;
  readonly role: 'owner' | 'moderator' | 'member';
  readonly actorPersonId: string;
  readonly actorDeviceId: string;
  /**
   * The last log entry the actor had seen (0 for the founding members of a new channel): the
   * entry must come after it, and no change of this person may lie between (no replay).
   */
  readonly afterSeq: number;
}

const ROLES = ['owner', 'moderator', 'member'] as const;

/**
 * Context("membership/added", UTF8(channelId), UTF8(personId), UTF8(role), UTF8(actorPersonId),
 * UTF8(actorDeviceId), u32be(afterSeq)).
 */
export function membershipAdditionContext(addition: MembershipAddition): Uint8Array {
  if (!ROLES.includes(addition.role))
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'role must be owner, moderator or member');
  if (!isUint32(addition.afterSeq))
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'afterSeq must be an integer 0..2^32-1');
  return encodeContext(Label.membershipAdded, [
    idBytes(addition.channelId, 'channel id'),
    idBytes(addition.personId, 'person id'),
    utf8Encode(addition.role),
    idBytes(addition.actorPersonId, 'actor person id'),
    idBytes(addition.actorDeviceId, 'actor device id'),
    u32be(addition.afterSeq),
  ]);
}

/** The actor device's signature over `addition` (64 bytes). */
export function signMembershipAddition(actor: DeviceIdentity, addition: MembershipAddition): Uint8Array {
  return sign(actor, membershipAdditionContext(addition));
}

/** Whether `signature` by `actorKey` signs `addition`. Never throws on malformed input. */
export function verifyMembershipAddition(
  actorKey: Uint8Array,
  addition: MembershipAddition,
  signature: Uint8Array,
): boolean {
  return verifyContext(actorKey, () => membershipAdditionContext(addition), signature);
}
