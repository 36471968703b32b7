import { t } from '../i18n.ts';
import { navigate } from '../router.ts';

/** "← Terug" to the home screen, as the chat has it. */
export function BackLink() {
  return (
    <p class="no-print">
      <a
        href="/"
        onClick={(event) => {
          event.preventDefault();
          navigate('/');
        }}
      >
        ← {t('back')}
      </a>
    </p>
  );
}
