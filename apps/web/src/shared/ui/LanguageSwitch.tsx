import { Button } from '@mantine/core';
import { IconLanguage } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { setLanguage } from '../../i18n';

/** One button that flips between Chinese and English (remembered in this browser). */
export function LanguageSwitch({ variant }: { variant: 'header' | 'page' }) {
  const { t, i18n } = useTranslation();
  return (
    <Button
      size="xs"
      variant={variant === 'header' ? 'subtle' : 'default'}
      color={variant === 'header' ? 'white' : undefined}
      c={variant === 'header' ? 'white' : undefined}
      leftSection={<IconLanguage size={16} />}
      title={t('language.label')}
      onClick={() => void setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}
    >
      {t('language.switch')}
    </Button>
  );
}
