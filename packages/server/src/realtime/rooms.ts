/** socket.io room names; one place so no two modules spell them differently. */
export const rooms = {
  device: (deviceId: string) => `device:${deviceId}`,
  person: (personId: string) => `person:${personId}`,
  organisation: (orgId: string) => `org:${orgId}`,
  channel: (channelId: string) => `channel:${channelId}`,
  team: (teamId: string) => `team:${teamId}`,
} as const;
