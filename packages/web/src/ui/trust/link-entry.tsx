import { t } from '../../i18n.ts';
import { navigate } from '../../router.ts';
import { lazyPage } from './lazy.tsx';
import { LINK_PATH } from './paths.ts';

/** The new device's link form (`/koppelen`), shown instead of the join page; loads when needed. */
export const LinkThisDevicePage = lazyPage(() =>
  import('./link-this-device.tsx').then((m) => m.LinkThisDevice),
);

/** On the join page: the way to the link form, for people who use Spreekuur on another device already. */
export function LinkDeviceEntry() {
  return (
    <p class="link-entry">
      {t('trust_linkThisEntry')}{' '}
      <a
        href={LINK_PATH}
        onClick={(event) => {
          event.preventDefault();
          navigate(LINK_PATH);
        }}
      >
        {t('trust_linkThisButton')}
      </a>
    </p>
  );
}
