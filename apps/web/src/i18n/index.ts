import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'oversight.language';

/**
 * Chinese ships with the first page (the rest with the signed-in shell: `loadSignedInMessages`); English is fetched
 * whole the first time someone switches to it.
 */
const LOAD: Record<Language, () => Promise<object>> = {
  'zh-CN': async () => zhCN,
  en: () => import('./en').then((m) => m.en),
};

function storedLanguage(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

async function use(language: Language): Promise<void> {
  if (!i18n.hasResourceBundle(language, 'translation')) i18n.addResourceBundle(language, 'translation', await LOAD[language]());
  document.documentElement.lang = language;
  await i18n.changeLanguage(language);
}

/**
 * Adds the signed-in pages' Chinese strings (fetched with the signed-in shell, so the sign-in page does not carry
 * them). English, when chosen, is fetched whole.
 */
export async function loadSignedInMessages(): Promise<void> {
  const { zhCNSignedIn } = await import('./zh-CN-signed-in');
  i18n.addResourceBundle('zh-CN', 'translation', zhCNSignedIn, true, false);
}

/** Starts i18next in the language this browser chose last (Chinese unless English was picked). */
export async function startI18n(): Promise<void> {
  await i18n.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN } },
    lng: 'zh-CN',
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  await use(storedLanguage());
}

/** Switches the interface language and remembers it in this browser. */
export async function setLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private windows may refuse storage; the switch still applies to this visit.
  }
  await use(language);
}

export { i18n };
