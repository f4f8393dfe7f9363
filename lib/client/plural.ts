/** "1 key", "3 keys", "0 keys": a count with its noun in the right number (English; the plural given when it is not just "+s"). */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString("en")} ${count === 1 ? singular : pluralForm}`;
}
