/** The words of the worker screens (see ../i18n.ts): Dutch first, English with the same keys. */
export const nl = {};

export const en: Record<keyof typeof nl, string> = {};
