/** The trust feature's page paths (Dutch, as people see them in the address bar). */
export const DEVICES_PATH = '/apparaten';
/** Where a device-link QR code leads the new device: `/koppelen#CODE` (the code never reaches the server's logs). */
export const LINK_PATH = '/koppelen';
export const safetyPath = (channelId: string, personId: string) =>
  `/veiligheidsnummer/${channelId}/${personId}`;

export function isLinkPath(path: string): boolean {
  return path === LINK_PATH;
}
