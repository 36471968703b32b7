/** Whole days from `from` to `to` (`YYYY-MM-DD`); NaN when either is not a date. Not re-exported. */
export function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}
