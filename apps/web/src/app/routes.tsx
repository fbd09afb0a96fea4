import { lazy } from 'react';
import { Route, Switch } from 'wouter';
import { loadSignedInMessages } from '../i18n';
import { SignInPage } from '../pages/sign-in/SignInPage';
import { SignedInGate } from './SignedInGate';

/** The signed-in shell, with its page table and its pages' strings, loads after sign-in, keeping the first page small. */
const AppLayout = lazy(() => Promise.all([import('./AppLayout'), loadSignedInMessages()]).then(([m]) => ({ default: m.AppLayout })));

/** The sign-in page, or the signed-in shell (which routes every other address to its page, or to NotFound). */
export function AppRoutes() {
  return (
    <Switch>
      <Route path="/login">
        <SignInPage />
      </Route>
      <Route>
        <SignedInGate>
          <AppLayout />
        </SignedInGate>
      </Route>
    </Switch>
  );
}
