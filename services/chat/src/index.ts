export { chatService, type ChatApi } from './plugin.ts';
export { buildApp as buildChatApp } from './app.ts';
export type { MembershipPublication } from './channels/channel-service.ts';
