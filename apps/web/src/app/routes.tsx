import { lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { NotFound } from '../components/NotFound';
import { RoleGate } from '../components/RoleGate';
import { SignedInGate } from '../components/SignedInGate';
import { SignInPage } from '../pages/sign-in/SignInPage';
import { homePath, PAGES } from './pages';
import { useMe } from './session';

/** The signed-in shell loads after sign-in, keeping the first page small. */
const AppLayout = lazy(() => import('../layout/AppLayout').then((m) => ({ default: m.AppLayout })));

function HomeRedirect() {
  return <Navigate to={homePath(useMe().role)} replace />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<SignInPage />} />
      <Route
        path="/"
        element={
          <SignedInGate>
            <AppLayout />
          </SignedInGate>
        }
      >
        <Route index element={<HomeRedirect />} />
        {PAGES.map(({ path, roles, Component }) => (
          <Route
            key={path}
            path={path}
            element={
              <RoleGate roles={roles}>
                <Component />
              </RoleGate>
            }
          />
        ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
