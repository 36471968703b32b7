import type { ComponentType, FunctionalComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';

/**
 * A page whose code loads when it is first shown (a separate chunk, outside the first-load
 * budget). Until then it says "Even geduld…"; a failed load (offline) says to try again. A
 * `quiet` part shows nothing until loaded (the service worker keeps it once fetched).
 */
export function lazyPage<P extends object>(
  load: () => Promise<ComponentType<P>>,
  /** A part of a page, not a page: nothing shows while it loads or when it cannot load. */
  quiet = false,
): FunctionalComponent<P> {
  let loaded: ComponentType<P> | null = null;
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Page) return;
      load()
        .then((component) => {
          loaded = component;
          setPage(() => component);
        })
        .catch(() => setFailed(true));
    }, [Page]);
    if (quiet && !Page) return null;
    if (failed) return <p role="alert">{t('trust_errorTryAgain')}</p>;
    if (!Page) return <p role="status">{t('loading')}</p>;
    return <Page {...props} />;
  };
}
