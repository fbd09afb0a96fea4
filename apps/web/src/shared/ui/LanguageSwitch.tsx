import { ActionIcon, Button } from '@mantine/core';
import { IconLanguage } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { setLanguage } from '../../i18n';

/** One button that flips between Chinese and English (remembered in this browser); `compact` shows the icon only (phone header). */
export function LanguageSwitch({ variant, compact = false }: { variant: 'header' | 'page'; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const flip = () => void setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en');
  if (compact) {
    return (
      <ActionIcon
        size="lg"
        variant="subtle"
        color={variant === 'header' ? 'white' : 'gray'}
        aria-label={t('language.switch')}
        title={t('language.label')}
        onClick={flip}
      >
        <IconLanguage size={20} />
      </ActionIcon>
    );
  }
  return (
    <Button
      size="xs"
      variant={variant === 'header' ? 'subtle' : 'default'}
      color={variant === 'header' ? 'white' : undefined}
      c={variant === 'header' ? 'white' : undefined}
      leftSection={<IconLanguage size={16} />}
      title={t('language.label')}
      onClick={flip}
    >
      {t('language.switch')}
    </Button>
  );
}
