import { createElement, forwardRef, type AnchorHTMLAttributes } from 'react';
import { Link as WouterLink, useLocation } from 'wouter';
import { type navigate, useHistoryState, useLocationProperty, type BrowserLocationHook } from 'wouter/use-browser-location';

/**
 * The routing helpers the app shares, on wouter (~2 KB gzip on the first page, where react-router took ~13 KB).
 * Routes and params come straight from wouter (`Switch`, `Route`, `Redirect`, `useParams`); this module adds
 * what the app relied on from react-router: encoded addresses, typed history state and links that do not
 * duplicate the entry of the page already shown.
 */

/** What history state tells the sign-in page: where to return after signing in, or that the user just signed out. */
export interface SignInState {
  from?: string;
  signedOut?: boolean;
}

/** `navigate(path)` adds a history entry; `navigate(path, { replace: true, state })` replaces the current one. */
export const useNavigate = (): typeof navigate => useLocation()[1];

const currentAddress = () => location.pathname + location.search;
const currentUrl = () => location.pathname + location.search + location.hash;

/** The current path and query string exactly as in the address bar (wouter's useLocation/useSearch decode them). */
export const useAddress = () => useLocationProperty(currentAddress);

/** The sign-in page's history state, if it was sent there with one. */
export const useSignInState = () => useHistoryState<SignInState | null>();

export type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; replace?: boolean };

/** A link within the SPA. Following it to the address already shown replaces the history entry rather than adding one. */
export const Link = forwardRef<HTMLAnchorElement, LinkProps>(function Link({ replace, ...props }, ref) {
  const here = useLocationProperty(currentUrl);
  return createElement(WouterLink<BrowserLocationHook>, { ...props, ref, replace: replace ?? props.to === here });
});
