import { createBrowserRouter } from 'react-router-dom';
import { PermissionGuard } from '../components/Guards';
import { RequireAuth } from '../components/RequireAuth';
import { Shell } from '../components/Shell';
import { AssetsPage } from '../features/assets/routes/AssetsPage';
import { LoginPage } from '../features/auth/routes/LoginPage';
import { DashboardPage } from '../features/dashboard/routes/DashboardPage';
import { ForbiddenPage } from '../pages/ForbiddenPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { NotInPlanPage } from '../pages/NotInPlanPage';

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <Shell />,
        children: [
          { index: true, element: <DashboardPage /> },
          {
            path: 'assets',
            element: (
              <PermissionGuard permission="assets.read">
                <AssetsPage />
              </PermissionGuard>
            ),
          },
          { path: '403', element: <ForbiddenPage /> },
          { path: 'not-in-plan', element: <NotInPlanPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
