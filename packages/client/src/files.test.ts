import { beforeAll, describe, expect, it } from 'vitest';
import { attachmentDescriptorToJSON, encryptAttachmentBytes } from '@spreekuur/crypto/attachments';
import { ready } from '@spreekuur/crypto/ready';
import { deterministicRng } from '@spreekuur/crypto/random';
import { attachmentDescriptor, type MessageContent } from '@spreekuur/protocol/content';
import { downloadDecrypted } from './files.ts';
import { HttpClient } from './http.ts';

// The file server is not trusted (crypto SPEC §7.4, §7.5), and neither is the size a sender
// writes into a descriptor: what arrives must be this key's ciphertext, and memory follows it.

beforeAll(ready);

type FileContent = Extract<MessageContent, { type: 'file' }>;

/** An HTTP client whose every download answers `body`, with the headers given. */
function serving(body: Uint8Array, headers: Record<string, string> = {}) {
  const asked: string[] = [];
  const http = new HttpClient({
    baseUrl: 'http://files.test',
    locale: 'nl',
    token: () => 'token',
    refresh: async () => undefined,
    fetch: async (input) => {
      asked.push(input instanceof Request ? input.url : String(input));
      return new Response(body as Uint8Array<ArrayBuffer>, { status: 200, headers });
    },
  });
  return { http, asked };
}

function fileMessage(size: number) {
  const data = deterministicRng(`file-${size}`).randomBytes(size);
  const { ciphertext, descriptor } = encryptAttachmentBytes(data, { chunkSize: 1024 });
  const content = (json = attachmentDescriptorToJSON(descriptor)): FileContent => ({
    type: 'file',
    fileId: crypto.randomUUID(),
    name: 'brief.pdf',
    mimeType: 'application/pdf',
    size,
    descriptor: attachmentDescriptor.parse(json),
  });
  return { data, ciphertext, descriptor, content };
}

describe('downloadDecrypted', () => {
  it('returns the file once it checked out', async () => {
    const { data, ciphertext, content } = fileMessage(5000);
    const { http } = serving(ciphertext, { 'content-length': String(ciphertext.length) });
    const progress: number[] = [];
    expect(await downloadDecrypted(http, content(), (p) => progress.push(p.totalBytes))).toEqual(data);
    expect(progress.every((total) => total === ciphertext.length)).toBe(true);
  });

  it('refuses a forged descriptor: the same ciphertext under another key (key commitment)', async () => {
    const { ciphertext, descriptor, content } = fileMessage(3000);
    const forged = { ...descriptor, key: deterministicRng('another key').randomBytes(32) };
    const { http } = serving(ciphertext);
    await expect(downloadDecrypted(http, content(attachmentDescriptorToJSON(forged)))).rejects.toMatchObject({
      code: 'ERR_CRYPTO_BAD_MAC',
    });
  });

  it('refuses a descriptor larger than the limit before downloading anything', async () => {
    const { ciphertext, content } = fileMessage(100);
    const huge = { ...content().descriptor, size: 0xffff_ffff };
    const { http, asked } = serving(ciphertext);
    await expect(downloadDecrypted(http, { ...content(), descriptor: huge })).rejects.toMatchObject({
      code: 'ERR_CLIENT_FILE_TOO_LARGE',
    });
    await expect(downloadDecrypted(http, content(), undefined, { maxBytes: 99 })).rejects.toMatchObject({
      code: 'ERR_CLIENT_FILE_TOO_LARGE',
    });
    expect(asked).toEqual([]);
  });

  it('a large declared size does not allocate it: memory follows the bytes that arrive', async () => {
    const { ciphertext, content } = fileMessage(2000);
    // 90 MiB claimed (under the limit), a 2 KB file served without a length header.
    const claimed = { ...content().descriptor, size: 90 * 1024 * 1024 };
    const { http } = serving(ciphertext);
    const before = process.memoryUsage().arrayBuffers;
    await expect(downloadDecrypted(http, { ...content(), descriptor: claimed })).rejects.toMatchObject({
      code: 'ERR_CRYPTO_TRUNCATED',
    });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a truncated file, and a length that cannot be the file', async () => {
    const { ciphertext, content } = fileMessage(4000);
    const short = ciphertext.subarray(0, ciphertext.length - 100);
    await expect(downloadDecrypted(serving(short).http, content())).rejects.toMatchObject({
      code: 'ERR_CRYPTO_TRUNCATED',
    });
    const announced = serving(short, { 'content-length': String(short.length) });
    await expect(downloadDecrypted(announced.http, content())).rejects.toMatchObject({
      code: 'ERR_CRYPTO_TRUNCATED',
    });
    const longer = new Uint8Array(ciphertext.length + 1);
    longer.set(ciphertext);
    await expect(downloadDecrypted(serving(longer).http, content())).rejects.toMatchObject({
      code: 'ERR_CRYPTO_BAD_LENGTH',
    });
  });
});
