import { useEffect, useState } from 'preact/hooks';
import { onLocaleChange, setLocale, locale, t } from '../i18n.ts';
import { route } from '../router.ts';
import { me, online, phase, start } from '../state/session.ts';
import { useObservable } from '../state/store.ts';
import { Join } from './join.tsx';
import { LinkThisDevicePage } from './trust/link-entry.tsx';
import { isLinkPath } from './trust/paths.ts';
import type * as ScreensModule from './screens.tsx';

/** The screens after joining load apart from the first screen (see docs/web.md, Weight); started at once. */
type Screens = typeof ScreensModule;
let screens: Promise<Screens> | null = null;
const loadScreens = () =>
  (screens ??= import('./screens.tsx').catch((error: unknown) => {
    screens = null; // offline before it came: try again on the next render
    throw error;
  }));
void loadScreens().catch(() => undefined);

function useLocale() {
  const [, force] = useState(0);
  useEffect(() => onLocaleChange(() => force((n) => n + 1)), []);
  return locale();
}

export function App() {
  const current = useLocale();
  const state = useObservable(phase);
  const path = useObservable(route);
  const isOnline = useObservable(online);
  const person = useObservable(me);

  useEffect(() => {
    document.title = t('appName');
  }, [current]);

  return (
    <>
      <a class="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header class="top">
        <span class="brand">{t('appName')}</span>
        {person && <span class="who">{person.person.displayName}</span>}
        <button
          type="button"
          class="link"
          lang={current === 'nl' ? 'en' : 'nl'}
          aria-label={t('switchLanguageLabel')}
          onClick={() => setLocale(current === 'nl' ? 'en' : 'nl')}
        >
          {t('switchLanguage')}
        </button>
      </header>
      {!isOnline && (
        <p class="notice" role="status">
          {t('offline')}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        {state === 'starting' && <p role="status">{t('loading')}</p>}
        {state === 'other-tab' && (
          <section class="card">
            <p>{t('otherTab')}</p>
            <button type="button" class="primary" onClick={() => void start(true)}>
              {t('useHere')}
            </button>
          </section>
        )}
        {state === 'revoked' && (
          <p class="card" role="alert">
            {t('revoked')}
          </p>
        )}
        {state === 'join' && (isLinkPath(path) ? <LinkThisDevicePage /> : <Join />)}
        {state === 'ready' && <Page path={path} />}
      </main>
    </>
  );
}

function Page({ path }: { path: string }) {
  const [loaded, setLoaded] = useState<Screens | null>(null);
  useEffect(() => {
    loadScreens().then(setLoaded, () => undefined);
  }, []);
  if (!loaded) return <p role="status">{t('loading')}</p>;
  return <loaded.Screen path={path} />;
}
