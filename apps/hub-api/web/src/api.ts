import { append, h } from './dom.js';
import { Session } from './session.js';

/** One bad field, as every hub service names it (api.md). */
export interface FieldFault {
  path: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldFault[] = [],
  ) {
    super(message);
  }
}

/**
 * hub-api from the browser: the session's bearer token and the page's ISA purpose on every
 * call, the public error shape turned into an ApiError. A 401 ends the session.
 */
export class Api {
  constructor(
    private readonly session: Session,
    private readonly onSignedOut: () => void,
  ) {}

  get<T>(path: string, purpose: string): Promise<T> {
    return this.json<T>('GET', path, purpose);
  }

  post<T>(path: string, purpose: string, body?: unknown): Promise<T> {
    return this.json<T>('POST', path, purpose, body);
  }

  put<T>(path: string, purpose: string, body?: unknown): Promise<T> {
    return this.json<T>('PUT', path, purpose, body);
  }

  delete<T>(path: string, purpose: string): Promise<T> {
    return this.json<T>('DELETE', path, purpose);
  }

  /** A file (PDF, CSV) as a Blob. */
  async blob(path: string, purpose: string): Promise<Blob> {
    return (await this.send('GET', path, purpose)).blob();
  }

  /**
   * A JSON read asked again with the ETag of the last answer: null when nothing changed
   * (304, which releases nothing and so is not audited), else the new value and its ETag.
   */
  async getIfChanged<T>(path: string, purpose: string, etag: string | null): Promise<{ value: T; etag: string | null } | null> {
    const res = await this.send('GET', path, purpose, undefined, undefined, etag ? { 'If-None-Match': etag } : {});
    if (res.status === 304) return null;
    return { value: (await res.json()) as T, etag: res.headers.get('ETag') };
  }

  /** The raw response, for streams (SSE-like progress, NDJSON). Body as given; a 304 is returned as it is. */
  async send(method: string, path: string, purpose: string, body?: BodyInit, contentType?: string, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { ...extraHeaders, 'X-Purpose': purpose };
    if (this.session.token) headers.Authorization = `Bearer ${this.session.token}`;
    if (contentType) headers['Content-Type'] = contentType;
    // no-store: the app asks for changes itself (getIfChanged); the browser cache keeps nothing about people
    const res = await fetch(path, { method, headers, body, cache: 'no-store' });
    if (res.ok || res.status === 304) return res;
    if (res.status === 401) {
      this.session.clear();
      this.onSignedOut();
    }
    throw await errorOf(res);
  }

  private async json<T>(method: string, path: string, purpose: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, purpose, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json');
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export async function errorOf(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  let fields: FieldFault[] = [];
  try {
    const body = await res.json();
    if (typeof body?.error === 'string') message = body.error;
    else if (typeof body?.message === 'string') message = body.message;
    if (Array.isArray(body?.fields)) fields = body.fields;
  } catch {
    /* not JSON: keep the status line */
  }
  return new ApiError(res.status, message, fields);
}

/**
 * An error summary at the top of a form or page: the message and every bad field, as a
 * focused alert so a screen reader user hears it at once.
 */
export function errorSummary(error: unknown): HTMLElement {
  const box = h('div', { class: 'error-summary', role: 'alert', tabindex: -1 }, h('h2', null, 'There is a problem'));
  if (error instanceof ApiError) {
    append(box, [h('p', null, error.status === 403 ? `Not allowed: ${error.message}` : error.message)]);
    if (error.fields.length > 0) append(box, [h('ul', null, error.fields.map((f) => h('li', null, h('strong', null, f.path || 'request'), `: ${f.reason}`)))]);
  } else {
    append(box, [h('p', null, error instanceof Error ? error.message : String(error))]);
  }
  return box;
}
