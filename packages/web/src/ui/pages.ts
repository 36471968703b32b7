import type { Role } from '@spreekuur/protocol/identity';
import type { VNode } from 'preact';

/**
 * How a feature adds screens without touching the app shell: pages it answers (by path) and
 * links to them on the home screen, per role. Each feature folder (ui/trust, ui/privacy,
 * ui/moderation, ui/worker) exports its own lists; app.tsx and home.tsx read them all.
 */
export interface FeaturePage {
  /** Matched against the whole path; capture groups go to `render`. */
  readonly pattern: RegExp;
  readonly render: (match: RegExpExecArray) => VNode;
}

export interface FeatureLink {
  readonly path: string;
  readonly label: () => string;
  /** Who sees the link; everyone when left out. */
  readonly roles?: readonly Role[];
}

export function findPage(pages: readonly FeaturePage[], path: string): VNode | null {
  for (const page of pages) {
    const match = page.pattern.exec(path);
    if (match) return page.render(match);
  }
  return null;
}
