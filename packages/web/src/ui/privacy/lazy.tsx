import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';

/**
 * A page whose code loads when it is first opened (a dynamic import), so the privacy screens do
 * not weigh on the first load (packages/web/budget.json).
 */
export function lazyPage<P extends object>(load: () => Promise<{ default: ComponentType<P> }>) {
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<ComponentType<P> | null>(null);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      let live = true;
      load()
        .then((module) => live && setPage(() => module.default))
        .catch(() => live && setFailed(true));
      return () => {
        live = false;
      };
    }, []);
    if (failed)
      return (
        <p class="error" role="alert">
          {t('errorNetwork')}
        </p>
      );
    return Page ? <Page {...props} /> : <p role="status">{t('loading')}</p>;
  };
}
