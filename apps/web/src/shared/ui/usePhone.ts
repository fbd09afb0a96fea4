import { em, useMantineTheme } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';

/**
 * True below the theme's `sm` breakpoint (a phone held upright): pages then stack what sits side by side on a
 * wider screen. Read on the first render (no flash of the desktop layout), then kept up to date.
 */
export function usePhone(): boolean {
  const theme = useMantineTheme();
  return useMediaQuery(`(max-width: ${em(Number.parseFloat(theme.breakpoints.sm) * 16 - 0.1)})`, false, { getInitialValueInEffect: false });
}
