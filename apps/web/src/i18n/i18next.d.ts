import 'i18next';
import type { MessageTree } from './zh-CN';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: MessageTree };
  }
}
