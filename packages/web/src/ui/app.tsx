import { useEffect, useState } from 'preact/hooks';
import { onLocaleChange, setLocale, locale, t } from '../i18n.ts';
import { route } from '../router.ts';
import { me, online, phase, start } from '../state/session.ts';
import { useObservable } from '../state/store.ts';
import { Chat } from './chat.tsx';
import { Home } from './home.tsx';
import { Join } from './join.tsx';
import { featurePages } from './features.ts';
import { findPage } from './pages.ts';
import { LinkThisDevice } from './trust/link-this-device.tsx';
import { isLinkPath } from './trust/paths.ts';

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
        {state === 'join' && (isLinkPath(path) ? <LinkThisDevice /> : <Join />)}
        {state === 'ready' && <Page path={path} />}
      </main>
    </>
  );
}

function Page({ path }: { path: string }) {
  const chat = /^\/gesprek\/([0-9a-f-]{36})$/.exec(path);
  if (chat) return <Chat channelId={chat[1]!} />;
  return findPage(featurePages, path) ?? <Home />;
}
