import { lazy, Suspense, type ReactNode } from 'react';
import { FullPageSpinner } from '../components/FullPageSpinner';
import { createBrowserRouter } from 'react-router-dom';
import { FeatureGuard, PermissionGuard } from '../components/Guards';
import { RequireAuth } from '../components/RequireAuth';
import { Shell } from '../components/Shell';
import { MfaPage } from '../features/account/routes/MfaPage';
import { ProfilePage } from '../features/account/routes/ProfilePage';
import { SessionsPage } from '../features/account/routes/SessionsPage';
import { AuditPage } from '../features/audit/routes/AuditPage';
import { GroupPage, NewGroupPage } from '../features/groups/routes/GroupPage';
import { GroupsPage } from '../features/groups/routes/GroupsPage';
import { OrganisationPage } from '../features/organisation/routes/OrganisationPage';
import { InvitationsPage } from '../features/users/routes/InvitationsPage';
import { InviteUserPage } from '../features/users/routes/InviteUserPage';
import { UserPage } from '../features/users/routes/UserPage';
import { UsersPage } from '../features/users/routes/UsersPage';
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
import { DiagramsPage } from '../features/diagrams/routes/DiagramsPage';
import { NewDiagramPage } from '../features/diagrams/routes/NewDiagramPage';
import { DiscoveredPage } from '../features/discovered/routes/DiscoveredPage';
import { DeviceDetailPage } from '../features/devices/routes/DeviceDetailPage';
import { DevicesPage } from '../features/devices/routes/DevicesPage';
import { DriftPage } from '../features/drift/routes/DriftPage';
import { KeysPage } from '../features/edgekeys/routes/KeysPage';
import { ImportWizardPage } from '../features/imports/routes/ImportWizardPage';
import { AlertDetailPage } from '../features/security/routes/AlertDetailPage';
import { AlertsPage } from '../features/security/routes/AlertsPage';
import { VlansPage, ZonesPage } from '../features/sites/routes/HierarchyPages';
import { SiteDetailPage } from '../features/sites/routes/SiteDetailPage';
import { SitesPage } from '../features/sites/routes/SitesPage';
import { VendorsPage } from '../features/vendors/routes/VendorsPage';
import { ForbiddenPage } from '../pages/ForbiddenPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { NotInPlanPage } from '../pages/NotInPlanPage';

// The canvas library is large: load the editor only when a diagram is opened.
const DiagramEditorPage = lazy(() => import('../features/diagrams/routes/DiagramEditorPage').then((m) => ({ default: m.DiagramEditorPage })));

const guard = (permission: string, el: ReactNode) => <PermissionGuard permission={permission}>{el}</PermissionGuard>;
const security = (permission: string, el: ReactNode) => <FeatureGuard feature="security">{guard(permission, el)}</FeatureGuard>;

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
          { path: 'diagrams', element: guard('diagrams.read', <DiagramsPage />) },
          { path: 'diagrams/new', element: guard('diagrams.create', <NewDiagramPage />) },
          { path: 'diagrams/:id', element: guard('diagrams.read', <Suspense fallback={<FullPageSpinner label="Loading the editor…" />}><DiagramEditorPage /></Suspense>) },
          { path: 'devices', element: guard('devices.read', <DevicesPage />) },
          { path: 'devices/:id', element: guard('devices.read', <DeviceDetailPage />) },
          { path: 'security/alerts', element: security('security.read', <AlertsPage />) },
          { path: 'security/alerts/:id', element: security('security.read', <AlertDetailPage />) },
          { path: 'settings/edge-keys', element: guard('settings.edge_registration_keys.manage', <KeysPage />) },
          { path: 'settings/users', element: guard('settings.users.read', <UsersPage />) },
          { path: 'settings/users/invite', element: guard('settings.users.manage', <InviteUserPage />) },
          { path: 'settings/users/:id', element: guard('settings.users.read', <UserPage />) },
          { path: 'settings/invitations', element: guard('settings.users.read', <InvitationsPage />) },
          { path: 'settings/groups', element: guard('settings.groups.read', <GroupsPage />) },
          { path: 'settings/groups/new', element: guard('settings.groups.manage', <NewGroupPage />) },
          { path: 'settings/groups/:id', element: guard('settings.groups.read', <GroupPage />) },
          { path: 'settings/audit', element: guard('settings.audit.read', <AuditPage />) },
          { path: 'settings/organisation', element: <OrganisationPage /> },
          { path: 'account/profile', element: <ProfilePage /> },
          { path: 'account/mfa', element: <MfaPage /> },
          { path: 'account/sessions', element: <SessionsPage /> },
          { path: '403', element: <ForbiddenPage /> },
          { path: 'not-in-plan', element: <NotInPlanPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
