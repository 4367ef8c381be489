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
