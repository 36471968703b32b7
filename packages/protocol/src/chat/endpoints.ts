import { z } from 'zod';
import { idParams } from '../common.ts';
import { endpoint } from '../endpoint.ts';
import {
  addMemberBody,
  channel,
  channelDevice,
  channelMemberParams,
  channelSettingsBody,
  createGroupBody,
  openDirectBody,
} from './channels.ts';
import { createFileBody, fileChunkBody, fileChunkParams, fileStatus } from './files.ts';
import {
  fetchBundlesBody,
  keyStatus,
  prekeyBundle,
  uploadOneTimePrekeysBody,
  uploadSignedPrekeysBody,
} from './keys.ts';
import { historyPage, historyQuery, messageParams, sendAck, sendMessageBody } from './messages.ts';
import { receiptEvent, receiptsBody } from './receipts.ts';

const receiptList = z.object({ receipts: z.array(receiptEvent) });

/** The key directory: a device publishes its prekeys; others fetch bundles to start a session. */
export const keyEndpoints = {
  publishSignedPrekeys: endpoint({
    method: 'PUT',
    path: '/v1/keys/signed-prekeys',
    access: 'device',
    tags: ['keys'],
    body: uploadSignedPrekeysBody,
    status: 204,
  }),
  addOneTimePrekeys: endpoint({
    method: 'POST',
    path: '/v1/keys/one-time-prekeys',
    access: 'device',
    tags: ['keys'],
    body: uploadOneTimePrekeysBody,
    response: z.object({ oneTimePrekeys: z.number().int() }),
  }),
  status: endpoint({
    method: 'GET',
    path: '/v1/keys/status',
    access: 'device',
    tags: ['keys'],
    response: keyStatus,
  }),
  fetchBundles: endpoint({
    method: 'POST',
    path: '/v1/keys/bundles',
    access: 'device',
    tags: ['keys'],
    summary: 'Prekey bundles of devices you may talk to; each hands out one one-time prekey',
    body: fetchBundlesBody,
    response: z.object({ bundles: z.array(prekeyBundle) }),
  }),
} as const;

/** Channels, their log and members, messages and receipts. */
export const chatEndpoints = {
  listChannels: endpoint({
    method: 'GET',
    path: '/v1/channels',
    access: 'device',
    tags: ['chat'],
    response: z.object({ channels: z.array(channel) }),
  }),
  openDirect: endpoint({
    method: 'POST',
    path: '/v1/channels/direct',
    access: 'device',
    tags: ['chat'],
    summary: 'Open (or find) the direct conversation with a person',
    body: openDirectBody,
    response: channel,
  }),
  createGroup: endpoint({
    method: 'POST',
    path: '/v1/channels/groups',
    access: 'device',
    tags: ['chat'],
    body: createGroupBody,
    status: 201,
    response: channel,
  }),
  getChannel: endpoint({
    method: 'GET',
    path: '/v1/channels/:id',
    access: 'device',
    tags: ['chat'],
    params: idParams,
    response: channel,
  }),
  channelDevices: endpoint({
    method: 'GET',
    path: '/v1/channels/:id/devices',
    access: 'device',
    tags: ['chat'],
    summary: 'The devices a message in this channel must be encrypted for',
    params: idParams,
    response: z.object({ devices: z.array(channelDevice) }),
  }),
  changeSettings: endpoint({
    method: 'PUT',
    path: '/v1/channels/:id/settings',
    access: 'device',
    tags: ['chat'],
    params: idParams,
    body: channelSettingsBody,
    response: channel,
  }),
  addMember: endpoint({
    method: 'POST',
    path: '/v1/channels/:id/members',
    access: 'device',
    tags: ['chat'],
    params: idParams,
    body: addMemberBody,
    response: channel,
  }),
  removeMember: endpoint({
    method: 'DELETE',
    path: '/v1/channels/:id/members/:personId',
    access: 'device',
    tags: ['chat'],
    summary: 'Remove a member, or leave (your own id)',
    params: channelMemberParams,
    status: 204,
  }),
  history: endpoint({
    method: 'GET',
    path: '/v1/channels/:id/events',
    access: 'device',
    tags: ['chat'],
    summary: 'The channel log after a sequence number, as this device sees it',
    params: idParams,
    query: historyQuery,
    response: historyPage,
  }),
  receiptCursors: endpoint({
    method: 'GET',
    path: '/v1/channels/:id/receipts',
    access: 'device',
    tags: ['chat'],
    params: idParams,
    response: receiptList,
  }),
  send: endpoint({
    method: 'POST',
    path: '/v1/messages',
    access: 'device',
    tags: ['chat'],
    summary: 'Send an encrypted envelope (the socket event chat:send does the same)',
    body: sendMessageBody,
    response: sendAck,
  }),
  deleteMessage: endpoint({
    method: 'DELETE',
    path: '/v1/channels/:id/messages/:seq',
    access: 'device',
    tags: ['chat'],
    summary: 'Delete a message for everyone (its ciphertext is removed)',
    params: messageParams,
    response: z.object({ seq: z.number().int() }),
  }),
  recordReceipts: endpoint({
    method: 'POST',
    path: '/v1/receipts',
    access: 'device',
    tags: ['chat'],
    body: receiptsBody,
    response: receiptList,
  }),
} as const;

/** Encrypted files: ciphertext only, in chunks; an interrupted upload resumes from `status`. */
export const fileEndpoints = {
  create: endpoint({
    method: 'POST',
    path: '/v1/files',
    access: 'device',
    tags: ['files'],
    body: createFileBody,
    status: 201,
    response: fileStatus,
  }),
  status: endpoint({
    method: 'GET',
    path: '/v1/files/:id',
    access: 'device',
    tags: ['files'],
    summary: 'Upload progress: which chunks the server holds',
    params: idParams,
    response: fileStatus,
  }),
  putChunk: endpoint({
    method: 'PUT',
    path: '/v1/files/:id/chunks/:index',
    access: 'device',
    tags: ['files'],
    summary: 'Upload one chunk of ciphertext (application/octet-stream); repeating a chunk replaces it',
    params: fileChunkParams,
    body: fileChunkBody,
    contentType: 'application/octet-stream',
    status: 204,
  }),
  complete: endpoint({
    method: 'POST',
    path: '/v1/files/:id/complete',
    access: 'device',
    tags: ['files'],
    params: idParams,
    response: fileStatus,
  }),
  content: endpoint({
    method: 'GET',
    path: '/v1/files/:id/content',
    access: 'device',
    tags: ['files'],
    summary: 'Download the ciphertext (members of the channel only)',
    params: idParams,
    responseContentType: 'application/octet-stream',
  }),
} as const;
