import { isSpreekuurError } from '@spreekuur/client';
import { t } from '../../i18n.ts';

/** A refusal in words: the server's own sentence for its code (in the device's language), else a general one. */
export function explain(error: unknown): string {
  if (isSpreekuurError(error) && !error.code.startsWith('ERR_CLIENT_') && error.code !== 'ERR_INTERNAL')
    return error.message;
  return t('moderation_error');
}
