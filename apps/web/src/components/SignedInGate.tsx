import { Suspense, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../app/session';
import { LoadError, PageLoader } from './Loading';

/** Lets signed-in users through; everyone else goes to the sign-in page (and comes back afterwards). */
export function SignedInGate({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <PageLoader />;
  if (session.error) return <LoadError error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <Suspense fallback={<PageLoader />}>{children}</Suspense>;
}
