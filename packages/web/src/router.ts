import { Observable } from './state/store.ts';

/** The page path; the gateway answers every page path with index.html, so links survive a reload. */
export const route = new Observable(location.pathname);

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  route.set(path);
}

window.addEventListener('popstate', () => route.set(location.pathname));
