import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@spreekuur/client';
import type { PersonExport } from '@spreekuur/protocol/privacy';
import { buildMyData, fileZipPath, myDataZip } from './my-data-file.ts';

const channelId = '5b1f9a3c-0000-4000-8000-000000000001';

function fileMessage(seq: number, name: string): ChatMessage {
  return {
    channelId,
    seq,
    sentAt: '2026-12-01T10:00:00.000Z',
    own: false,
    senderPersonId: 'p-1',
    status: 'ok',
    content: { type: 'file', name, fileId: `f-${seq}` },
  } as unknown as ChatMessage;
}

describe('files in the "my data" zip', () => {
  it('names each file by conversation and number, without folders or control characters', () => {
    expect(fileZipPath({ channelId, seq: 7 }, 'brief.pdf')).toBe('bestanden/5b1f9a3c-7-brief.pdf');
    expect(fileZipPath({ channelId, seq: 8 }, '../../etc/passwd')).toBe(
      'bestanden/5b1f9a3c-8-__.._etc_passwd',
    );
    expect(fileZipPath({ channelId, seq: 9 }, 'C:\\a\u0000b.txt')).toBe('bestanden/5b1f9a3c-9-C__a_b.txt');
    expect(fileZipPath({ channelId, seq: 10 }, '')).toBe('bestanden/5b1f9a3c-10-bestand');
  });

  it('the JSON says where a file is only when it came along', () => {
    const history = [
      {
        conversation: 'Sanne',
        messages: [fileMessage(1, 'brief.pdf'), fileMessage(2, 'weg.pdf')],
        sender: () => 'Sanne',
      },
    ];
    const server = {} as PersonExport;
    const included = new Set([fileZipPath({ channelId, seq: 1 }, 'brief.pdf')]);
    const data = buildMyData(server, history, new Date('2026-12-04T00:00:00Z'), included);
    expect(data.device.messages).toEqual([
      expect.objectContaining({ seq: 1, file: 'brief.pdf', fileInZip: 'bestanden/5b1f9a3c-1-brief.pdf' }),
      expect.not.objectContaining({ fileInZip: expect.any(String) as unknown }),
    ]);
    expect(buildMyData(server, history).device.messages.some((m) => 'fileInZip' in m)).toBe(false);

    const archive = myDataZip(
      data,
      '<p>hallo</p>',
      new Map([[[...included][0]!, new Uint8Array([1, 2, 3])]]),
    );
    const names = new TextDecoder().decode(archive);
    expect(names).toContain('mijn-gegevens.json');
    expect(names).toContain('bestanden/5b1f9a3c-1-brief.pdf');
  });
});
