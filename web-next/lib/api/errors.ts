/** The API's error envelope `{"error": {code, message, details}}`, as a thrown value the UI can show. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** 404/405/501/503 on a route means the feature is not installed or not running on this backend. */
  get unavailable(): boolean {
    return this.status === 404 || this.status === 405 || this.status === 501 || this.status === 503 || this.code === "offline";
  }
}

export function offlineError(): ApiError {
  return new ApiError(0, "offline", "The Venom API cannot be reached.");
}

interface Envelope {
  error?: { code?: unknown; message?: unknown; details?: unknown };
  detail?: unknown;
}

/** Build an ApiError from a failed response body; falls back to the status text. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let body: Envelope | null = null;
  try {
    body = (await res.json()) as Envelope;
  } catch {
    body = null;
  }
  const err = body?.error;
  if (err && typeof err.message === "string") {
    return new ApiError(res.status, typeof err.code === "string" ? err.code : `http_${res.status}`, err.message, err.details);
  }
  if (typeof body?.detail === "string") return new ApiError(res.status, `http_${res.status}`, body.detail);
  return new ApiError(res.status, `http_${res.status}`, `${res.status} ${res.statusText || "error"}`.trim());
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
