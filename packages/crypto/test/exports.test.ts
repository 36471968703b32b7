import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The package is consumed through explicit subpaths only (no catch-all barrel); README documents
// each one. This imports every subpath by its public name, as the SDK will.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string>;
};

const expected: Record<string, string[]> = {
  './ready': ['isReady', 'ready'],
  './errors': ['CryptoError', 'isCryptoError'],
  './random': ['deterministicRng', 'systemRng'],
  './encoding': [
    'fromBase64',
    'fromBase64Url',
    'fromHex',
    'toBase64',
    'toBase64Url',
    'toHex',
    'utf8Decode',
    'utf8Encode',
  ],
  './identity': [
    'generateIdentity',
    'identityFromSeed',
    'sign',
    'verify',
    'exportIdentity',
    'importIdentity',
  ],
  './prekeys': [
    'generatePreKeys',
    'generateSignedPreKey',
    'generateKemPreKey',
    'generateOneTimePreKeys',
    'verifyBundle',
    'preKeyLookup',
    'bundleToJSON',
    'bundleFromJSON',
    'uploadToJSON',
  ],
  './session': [
    'initiateSession',
    'acceptSession',
    'Session',
    'pairwiseMessageKind',
    'parsePreKeyMessage',
    'MAX_SKIP',
    'MAX_SKIPPED_KEYS',
  ],
  './sender-keys': ['createSenderKey', 'rotateSenderKey', 'OutboundSenderKey', 'InboundSenderKeys'],
  './attachments': [
    'AttachmentEncryptor',
    'AttachmentDecryptor',
    'encryptAttachmentBytes',
    'decryptAttachmentBytes',
    'attachmentDescriptorToJSON',
    'attachmentDescriptorFromJSON',
  ],
  './safety-number': ['computeSafetyNumber', 'verifySafetyNumberQr', 'checkIdentityKey'],
  './franking': [
    'newFrankingKey',
    'frankingCommitment',
    'serverOpening',
    'verifyFranking',
    'verifyServerOpening',
    'sealReveal',
    'openReveal',
  ],
  './device-certificate': ['signDeviceCertificate', 'verifyDeviceCertificate', 'deviceCertificateContext'],
  './membership': ['signMembershipAddition', 'verifyMembershipAddition', 'membershipAdditionContext'],
  './state-encryption': ['deriveStateKey', 'newPassphraseParams', 'sealState', 'openState'],
  './history-transfer': ['sealHistoryTransfer', 'openHistoryTransfer', 'MAX_HISTORY_TRANSFER_BYTES'],
};

describe('package exports', () => {
  it('has exactly the documented subpaths, no "." barrel and no wildcard', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(Object.keys(expected).sort());
    for (const target of Object.values(pkg.exports)) expect(target).toMatch(/^\.\/src\/[a-z-]+\.ts$/);
  });

  for (const [subpath, names] of Object.entries(expected)) {
    it(`@spreekuur/crypto${subpath.slice(1)} exports ${names.length} documented names`, async () => {
      const module = (await import(`@spreekuur/crypto${subpath.slice(1)}`)) as Record<string, unknown>;
      for (const name of names) expect(module[name], name).toBeDefined();
    });
  }

  it('the ready subpath does not hand out raw libsodium', async () => {
    const module = (await import('@spreekuur/crypto/ready')) as Record<string, unknown>;
    expect(Object.keys(module).sort()).toEqual(['isReady', 'ready']);
  });
});
