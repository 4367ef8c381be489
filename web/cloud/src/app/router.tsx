import type { ReactNode } from 'react';
import { createBrowserRouter } from 'react-router-dom';
import { PermissionGuard } from '../components/Guards';
import { RequireAuth } from '../components/RequireAuth';
import { Shell } from '../components/Shell';
import { AssetDetailPage } from '../features/assets/routes/AssetDetailPage';
import { AssetCreatePage, AssetEditPage } from '../features/assets/routes/AssetFormPage';
import { AssetsPage } from '../features/assets/routes/AssetsPage';
import { AcceptInvitationPage } from '../features/auth/routes/AcceptInvitationPage';
import { ForgotPasswordPage } from '../features/auth/routes/ForgotPasswordPage';
import { LoginPage } from '../features/auth/routes/LoginPage';
import { PendingPage } from '../features/auth/routes/PendingPage';
import { RegisterPage } from '../features/auth/routes/RegisterPage';
import { ResetPasswordPage } from '../features/auth/routes/ResetPasswordPage';
import { DashboardPage } from '../features/dashboard/routes/DashboardPage';
import { DiscoveredPage } from '../features/discovered/routes/DiscoveredPage';
import { DriftPage } from '../features/drift/routes/DriftPage';
import { ImportWizardPage } from '../features/imports/routes/ImportWizardPage';
import { VlansPage, ZonesPage } from '../features/sites/routes/HierarchyPages';
import { SiteDetailPage } from '../features/sites/routes/SiteDetailPage';
import { SitesPage } from '../features/sites/routes/SitesPage';
import { VendorsPage } from '../features/vendors/routes/VendorsPage';
import { ForbiddenPage } from '../pages/ForbiddenPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { NotInPlanPage } from '../pages/NotInPlanPage';

const guard = (permission: string, el: ReactNode) => <PermissionGuard permission={permission}>{el}</PermissionGuard>;

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/register', element: <RegisterPage /> },
  { path: '/pending', element: <PendingPage /> },
  { path: '/invite/:token', element: <AcceptInvitationPage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password/:token', element: <ResetPasswordPage /> },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <Shell />,
        children: [
          { index: true, element: <DashboardPage /> },
          { path: 'assets', element: guard('assets.read', <AssetsPage />) },
          { path: 'assets/new', element: guard('assets.create', <AssetCreatePage />) },
          { path: 'assets/import', element: guard('assets.create', <ImportWizardPage />) },
          { path: 'assets/:id', element: guard('assets.read', <AssetDetailPage />) },
          { path: 'assets/:id/edit', element: guard('assets.update', <AssetEditPage />) },
          { path: 'discovered', element: guard('assets.read', <DiscoveredPage />) },
          { path: 'drift', element: guard('assets.read', <DriftPage />) },
          { path: 'sites', element: guard('sites.read', <SitesPage />) },
          { path: 'sites/:id', element: guard('sites.read', <SiteDetailPage />) },
          { path: 'zones', element: guard('sites.read', <ZonesPage />) },
          { path: 'vlans', element: guard('sites.read', <VlansPage />) },
          { path: 'vendors', element: guard('vendors.read', <VendorsPage />) },
          { path: '403', element: <ForbiddenPage /> },
          { path: 'not-in-plan', element: <NotInPlanPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
