/** Shapes of the management API used across features (see /api/v1/openapi.json on :8080). */
export interface Operator {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'support';
  status: 'active' | 'disabled';
  last_login_at: string | null;
}

export interface LoginResponse {
  mfa_required: boolean;
  session_token: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  operator: Operator;
}

export type TenantStatus = 'pending' | 'active' | 'suspended' | 'deleted';
export type RegistrationState = 'pending' | 'approved' | 'rejected';

export interface Tenant {
  id: string;
  cloud_tenant_id: string;
  account_name: string;
  organization_name: string;
  contact_name: string;
  contact_email: string;
  status: TenantStatus;
  source: 'self_registered' | 'operator';
  /** pending, approved or rejected for self-registrations; null for operator-created tenants. */
  registration: RegistrationState | null;
  deletion_scheduled_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface Limits {
  max_assets: number;
  max_devices: number;
  max_users: number;
}

export interface License {
  plan: string;
  features: string[];
  limits: Limits;
  starts_at: string;
  expires_at: string | null;
  grace_days: number;
  notes: string;
  issued_at: string;
  version: number;
}

export interface HistoryEntry {
  id: string;
  at: string;
  operator_id: string | null;
  status: TenantStatus;
  license: License | null;
}

export interface TenantDetail extends Tenant {
  license: License | null;
  /** Newest first. */
  history: HistoryEntry[];
}

/** Body of PUT /tenants/{id}/license and POST /registrations/{id}/approve. */
export interface LicenseInput {
  plan: string;
  features: string[];
  limits: Limits;
  starts_at: string;
  expires_at?: string | null;
  grace_days?: number | null;
  notes: string;
  version?: number | null;
}
