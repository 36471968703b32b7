import { useState } from 'preact/hooks';
import { t } from '../i18n.ts';

/** Asks for desktop notifications only when the person presses the button (browsers ignore unasked prompts). */
export function NotificationsButton() {
  const [permission, setPermission] = useState(() =>
    'Notification' in window ? Notification.permission : 'denied',
  );
  if (permission !== 'default') return null;
  return (
    <p>
      <button type="button" onClick={() => void Notification.requestPermission().then(setPermission)}>
        {t('allowNotifications')}
      </button>
    </p>
  );
}
