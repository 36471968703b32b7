/**
 * `pnpm --filter @spreekuur/web exec tsx scripts/make-icons.ts`: draws the PWA's PNG icons from
 * public/icon.svg with the system Chromium (playwright-core), into public/: 192 and 512 px as they
 * are, and a 512 px maskable one (the whole square in the brand colour, the speech bubble inside
 * the central 80 % safe zone, so a round or squircle mask never cuts it). The PNGs are committed;
 * run this again only when icon.svg changes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch } from '../test/browser.ts';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
const svg = readFileSync(`${publicDir}icon.svg`, 'utf8');
const dataUrl = (text: string) => `data:image/svg+xml;base64,${Buffer.from(text).toString('base64')}`;
// Maskable: no rounded corners, the drawing shrunk to 70 % around the centre.
const maskable = svg
  .replace(
    /<rect [^>]*\/>/,
    '<rect width="512" height="512" fill="#004f9f"/><g transform="translate(76.8 76.8) scale(0.7)">',
  )
  .replace('</svg>', '</g></svg>');

const browser = await launch();
try {
  const page = await browser.newPage();
  for (const [name, source, size] of [
    ['icon-192.png', svg, 192],
    ['icon-512.png', svg, 512],
    ['icon-maskable-512.png', maskable, 512],
  ] as const) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img src="${dataUrl(source)}" width="${size}" height="${size}"></body></html>`,
    );
    await page.locator('img').screenshot({ path: `${publicDir}${name}`, omitBackground: true });
    console.warn(`wrote public/${name}`);
  }
} finally {
  await browser.close();
}
