// The Admin API client: one fetch per call, Kong's error object surfaced as ApiError, and the
// admin token kept in sessionStorage only (gone when the tab closes).
import type { Json, KongError } from './schema';

const TOKEN_KEY = 'kongdb-admin-token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: KongError,
  ) {
    super(body.message ?? `HTTP ${status}`);
  }
}

export interface Page {
  data: Array<Record<string, Json>>;
  next: string | null;
  offset?: string;
}

export class AdminApi {
  constructor(readonly baseUrl: string) {}

  get token(): string {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  }
  set token(value: string) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  }

  async call<T = Json>(method: string, path: string, body?: Json): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.token) headers['Kong-Admin-Token'] = this.token;
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, { message: `The Admin API at ${this.baseUrl} cannot be reached` });
    }
    const text = await response.text();
    let parsed: Json = null;
    if (text) {
      try {
        parsed = JSON.parse(text) as Json;
      } catch {
        parsed = { message: text };
      }
    }
    if (!response.ok) {
      const err = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as KongError) : {};
      throw new ApiError(response.status, { ...err, message: err.message ?? `${response.status} ${response.statusText}` });
    }
    return parsed as T;
  }

  get<T = Json>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }
}

/**
 * Where the Admin API is: /kconfig.json from `kongdb start` (admin_gui_api_url). A wildcard
 * listener host (0.0.0.0, [::]) means "the host this page came from".
 */
export async function adminApiUrl(): Promise<string> {
  let url = `${location.protocol}//${location.hostname}:8001`;
  try {
    const r = await fetch('./kconfig.json', { cache: 'no-store' });
    if (r.ok) {
      const conf = (await r.json()) as { admin_api_url?: string };
      if (conf.admin_api_url) url = conf.admin_api_url;
    }
  } catch {
    // served without kongdb (vite dev): the default above
  }
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0' || parsed.hostname === '[::]') parsed.hostname = location.hostname;
  return parsed.toString().replace(/\/$/, '');
}
