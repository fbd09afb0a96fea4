import { createTheme, type MantineColorsTuple } from '@mantine/core';

/** A sober government blue: deep navy header, blue actions, grey surfaces, compact controls. */
const govBlue: MantineColorsTuple = ['#ebf2fa', '#d5e2f2', '#a8c2e4', '#78a0d6', '#5183ca', '#3871c3', '#2a67c1', '#1c56aa', '#124b98', '#003f86'];

export const theme = createTheme({
  primaryColor: 'gov',
  primaryShade: 8,
  colors: { gov: govBlue },
  fontFamily: '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", -apple-system, "Segoe UI", Roboto, sans-serif',
  headings: { fontWeight: '600', sizes: { h2: { fontSize: '1.375rem' }, h3: { fontSize: '1.125rem' } } },
  defaultRadius: 'sm',
  components: {
    Button: { defaultProps: { size: 'sm' } },
    TextInput: { defaultProps: { size: 'sm' } },
    Table: { defaultProps: { verticalSpacing: 6, fontSize: 'sm' } },
    Paper: { defaultProps: { withBorder: true, radius: 'sm' } },
    Card: { defaultProps: { withBorder: true, radius: 'sm' } },
    Modal: { defaultProps: { centered: true } },
  },
});

/** The header's navy, shared by the sign-in page banner. */
export const NAVY = '#0b3266';
