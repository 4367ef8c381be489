import { createBrowserRouter } from 'react-router-dom';
import { RequireAuth } from '../components/RequireAuth';
import { Shell } from '../components/Shell';
import { AuditPage } from '../features/audit/routes/AuditPage';
import { LoginPage } from '../features/auth/routes/LoginPage';
import { DeliveriesPage } from '../features/deliveries/routes/DeliveriesPage';
import { DeliveryDetailPage } from '../features/deliveries/routes/DeliveryDetailPage';
import { OperatorsPage } from '../features/operators/routes/OperatorsPage';
import { RegistrationsPage } from '../features/registrations/routes/RegistrationsPage';
import { TenantDetailPage } from '../features/tenants/routes/TenantDetailPage';
import { TenantsPage } from '../features/tenants/routes/TenantsPage';
import { NotFoundPage } from '../pages/NotFoundPage';

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <Shell />,
        children: [
          { index: true, element: <TenantsPage /> },
          { path: 'tenants/:id', element: <TenantDetailPage /> },
          { path: 'registrations', element: <RegistrationsPage /> },
          { path: 'deliveries', element: <DeliveriesPage /> },
          { path: 'deliveries/:id', element: <DeliveryDetailPage /> },
          { path: 'operators', element: <OperatorsPage /> },
          { path: 'audit', element: <AuditPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
