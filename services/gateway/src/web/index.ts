export { securityHeaders } from './security-headers.ts';
export { webApp } from './web-app.ts';
