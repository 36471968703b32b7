// The lazy chunks share code with the first load; importing the zod set-up here moves it into
// that shared chunk, so it still runs before any module there parses (else zod's eval probe
// trips the CSP).
import '../../zod-config.ts';
import { isSpreekuurError } from '@spreekuur/client';
import { t } from '../../i18n.ts';

/** A refusal in words: the server's own sentence for its code (in the device's language), else a general one. */
export function explain(error: unknown): string {
  if (isSpreekuurError(error) && !error.code.startsWith('ERR_CLIENT_') && error.code !== 'ERR_INTERNAL')
    return error.message;
  return t('moderation_error');
}
