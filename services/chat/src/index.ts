export { chatService, type ChatApi } from './plugin.ts';
export { buildApp as buildChatApp } from './app.ts';
