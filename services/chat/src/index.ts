export { chatService, type ChatApi } from './plugin.ts';
