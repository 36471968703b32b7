export { schedulingService, type SchedulingApi, type SchedulingPluginOptions } from './plugin.ts';
export { buildApp } from './app.ts';
