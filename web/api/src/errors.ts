/** One field error of an RFC 9457 problem (the server's `errors[]`). */
export interface ProblemFieldError {
  field: string;
  code: string;
  message: string;
}

/** The problem+json body the Monozu APIs answer with on every error. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  instance?: string;
  request_id?: string;
  errors?: ProblemFieldError[];
}

/** An API failure: HTTP status, machine code, human detail and per-field messages for forms. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string | undefined;
  /** field → first message, ready for `FormField error={fieldErrors.email}`. */
  readonly fieldErrors: Record<string, string>;
  /** Seconds from a Retry-After header (429, 423), when present. */
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    code: string;
    title?: string;
    detail?: string;
    requestId?: string;
    fieldErrors?: Record<string, string>;
    retryAfter?: number;
  }) {
    super(init.detail || init.title || init.code);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? '';
    this.detail = init.detail ?? init.title ?? '';
    this.requestId = init.requestId;
    this.fieldErrors = init.fieldErrors ?? {};
    this.retryAfter = init.retryAfter;
  }

  static fromProblem(status: number, problem: Problem, retryAfter?: number): ApiError {
    const fieldErrors: Record<string, string> = {};
    for (const fe of problem.errors ?? []) {
      if (fe && typeof fe.field === 'string' && !(fe.field in fieldErrors)) fieldErrors[fe.field] = fe.message;
    }
    return new ApiError({
      status: problem.status ?? status,
      code: problem.code || 'http_' + String(status),
      title: problem.title,
      detail: problem.detail,
      requestId: problem.request_id,
      fieldErrors,
      retryAfter,
    });
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Builds an ApiError from a failed response, reading problem+json (or any JSON) when present. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const retry = Number(res.headers.get('Retry-After'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  const type = res.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as Problem;
      if (body && typeof body === 'object') return ApiError.fromProblem(res.status, body, retryAfter);
    } catch {
      // fall through to a generic error
    }
  }
  return new ApiError({ status: res.status, code: 'http_' + String(res.status), detail: res.statusText, retryAfter });
}

/** A short message for an error of any kind, for alerts and toasts. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.detail || e.title || e.code;
  if (e instanceof Error) return e.message;
  return 'Something went wrong.';
}
