import { lazy, Suspense, type ReactNode } from 'react';
import { Redirect } from 'wouter';
import { useAddress, type SignInState } from '../shared/navigation';
import { useSession } from '../shared/session';
import { LoadError, PageLoader } from '../shared/ui/Loading';

const FirstPasswordPage = lazy(() => import('../pages/password/FirstPasswordPage').then((m) => ({ default: m.FirstPasswordPage })));

/**
 * Lets signed-in users through; an account whose password someone else chose sees only the form to change it (the
 * server refuses it everything else); everyone else goes to the sign-in page (and comes back afterwards).
 */
export function SignedInGate({ children }: { children: ReactNode }) {
  const session = useSession();
  const address = useAddress();
  if (session.isPending) return <PageLoader />;
  if (session.error) return <LoadError error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) return <Redirect to="/login" replace state={{ from: address } satisfies SignInState} />;
  if (session.data.mustChangePassword)
    return (
      <Suspense fallback={<PageLoader />}>
        <FirstPasswordPage />
      </Suspense>
    );
  return <Suspense fallback={<PageLoader />}>{children}</Suspense>;
}
