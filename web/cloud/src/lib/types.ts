/** Shapes of the Cloud API used across features (see /api/v1/openapi.json). */
export interface User {
  id: string;
  email: string;
  display_name: string;
  status: 'invited' | 'active' | 'disabled';
  mfa_enabled: boolean;
  last_login_at: string | null;
  locale: string;
  appearance: 'system' | 'light' | 'dark';
  created_at: string;
}

export interface Tenant {
  id: string;
  account_name: string;
  display_name: string;
  status: 'pending' | 'active' | 'suspended' | 'deleted';
  auth_policy: 'standard' | 'restricted';
  mfa_policy: 'optional' | 'required';
  timezone: string;
}

export interface Me {
  user: User;
  tenant: Tenant;
  permissions: string[];
  features: Record<string, boolean>;
  mfa_enrollment_required: boolean;
  licence_expiring: boolean;
}

export interface TokenResponse {
  access_token?: string;
  expires_in?: number;
  token_type?: string;
  user?: User | null;
  mfa_required?: boolean;
  session_token?: string;
  mfa_enrollment_required?: boolean;
}
