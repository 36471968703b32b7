import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { toBase64Url } from '@spreekuur/protocol/common';
import { api, type Injectable } from './http.ts';

/**
 * The chat API as a client drives it, with opaque bytes for ciphertext: the server cannot tell
 * the difference. For suites that test the server (chat's, the gateway's, scheduling's); SDK
 * suites encrypt for real.
 */

/** A signed-in device: who sends, and whose own device is never a recipient. */
export interface ChatActor {
  token: string;
  deviceId: string;
}

/** Opaque bytes standing in for ciphertext. */
export const opaque = (bytes = 64) => toBase64Url(randomBytes(bytes));

export async function publishKeys(target: Injectable, actor: ChatActor, oneTimePrekeys = 5): Promise<void> {
  const signed = await api(target, actor, 'PUT', '/v1/keys/signed-prekeys', {
    signedPrekey: { id: 1, publicKey: opaque(32), signature: opaque(64) },
    kemPrekey: { id: 1, publicKey: opaque(1184), signature: opaque(64) },
  });
  if (signed.status !== 204) throw new Error(`publish keys: ${signed.text}`);
  const prekeys = Array.from({ length: oneTimePrekeys }, (_, i) => ({ id: i + 1, publicKey: opaque(32) }));
  await api(target, actor, 'POST', '/v1/keys/one-time-prekeys', { prekeys });
}

export async function openDirect(
  target: Injectable,
  actor: ChatActor,
  personId: string,
): Promise<{ id: string }> {
  const response = await api<{ id: string }>(target, actor, 'POST', '/v1/channels/direct', { personId });
  if (response.status !== 200) throw new Error(`open direct: ${response.text}`);
  return response.body;
}

/** The channel's devices other than the actor's own. */
export async function channelDevices(
  target: Injectable,
  actor: ChatActor,
  channelId: string,
): Promise<string[]> {
  const response = await api<{ devices: Array<{ deviceId: string }> }>(
    target,
    actor,
    'GET',
    `/v1/channels/${channelId}/devices`,
  );
  return response.body.devices
    .map((device) => device.deviceId)
    .filter((deviceId) => deviceId !== actor.deviceId);
}

/** A pairwise envelope for every other member device, as a client would send it. */
export async function pairwiseEnvelope(
  target: Injectable,
  actor: ChatActor,
  channelId: string,
  clientId = randomUUID(),
) {
  const devices = await channelDevices(target, actor, channelId);
  return {
    channelId,
    clientId,
    kind: 'pairwise' as const,
    payloads: devices.map((deviceId) => ({ deviceId, ciphertext: opaque() })),
  };
}

export async function sendPairwise(target: Injectable, actor: ChatActor, channelId: string) {
  const response = await api<{ seq: number }>(
    target,
    actor,
    'POST',
    '/v1/messages',
    await pairwiseEnvelope(target, actor, channelId),
  );
  if (response.status !== 200) throw new Error(`send: ${response.text}`);
  return response.body;
}

/** Uploads `size` random bytes as a complete file in a channel. */
export async function uploadFile(target: Injectable, actor: ChatActor, channelId: string, size = 40_000) {
  const created = await api<{ id: string; chunkSize: number }>(target, actor, 'POST', '/v1/files', {
    channelId,
    size,
    chunkSize: 16_384,
  });
  if (created.status !== 201) throw new Error(`create file: ${created.text}`);
  const bytes = randomBytes(size);
  for (let index = 0; index * 16_384 < size; index++) {
    const response = await target.app.inject({
      method: 'PUT',
      url: `/v1/files/${created.body.id}/chunks/${index}`,
      headers: { authorization: `Bearer ${actor.token}`, 'content-type': 'application/octet-stream' },
      payload: bytes.subarray(index * 16_384, (index + 1) * 16_384),
    });
    if (response.statusCode !== 204) throw new Error(`chunk ${index}: ${response.body}`);
  }
  await api(target, actor, 'POST', `/v1/files/${created.body.id}/complete`);
  return { id: created.body.id, bytes };
}

const lengthPrefixed = (bytes: Uint8Array) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};
/** The SPEC's franking MAC (§14: HMAC-SHA-512 cut to 32 bytes over length-prefixed parts). */
function frankingMac(key: Uint8Array, label: string, parts: Uint8Array[]): Buffer {
  const input = Buffer.concat([
    lengthPrefixed(Buffer.from(`Spreekuur-v1/${label}`)),
    ...parts.map(lengthPrefixed),
  ]);
  return createHmac('sha512', key).update(input).digest().subarray(0, 32);
}

/**
 * A group message with a franking commitment, sent as a client would (opaque ciphertext), and
 * the opening a recipient would report it with.
 */
export async function sendFrankedGroupMessage(target: Injectable, actor: ChatActor, channelId: string) {
  const key = randomBytes(32);
  const bindingKey = frankingMac(key, 'franking/binding-key', []);
  const digest = frankingMac(frankingMac(key, 'franking/hiding-key', []), 'franking/digest', [
    randomBytes(40),
  ]);
  const response = await api<{ seq: number }>(target, actor, 'POST', '/v1/messages', {
    channelId,
    clientId: randomUUID(),
    kind: 'group',
    ciphertext: opaque(),
    recipientDeviceIds: await channelDevices(target, actor, channelId),
    frankingCommitment: toBase64Url(frankingMac(bindingKey, 'franking/commitment', [digest])),
  });
  if (response.status !== 200) throw new Error(`send franked: ${response.text}`);
  return {
    seq: response.body.seq,
    opening: { bindingKey: toBase64Url(bindingKey), digest: toBase64Url(digest) },
  };
}
