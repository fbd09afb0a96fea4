import type { Label } from '@oversight/domain';
import { useTranslation } from 'react-i18next';

/** Picks the current language's side of a `{ zh, en }` label. */
export function useLabel(): (label: Label) => string {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? (label) => label.en : (label) => label.zh;
}

/** The locale for numbers and dates in the current language. */
export function useLocale(): string {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? 'en-GB' : 'zh-CN';
}
