/**
 * The typed API client. Paths, query parameters, bodies and answers come from `schema.d.ts`,
 * which is generated from the backend's OpenAPI (`npm run codegen:api-types`); a CI step fails
 * when it drifts. Routes that subsystems add later and that are not in the schema yet go
 * through `request<T>()` with the hand-written types in `types.ts`.
 */
import { apiUrl } from "@/lib/config";
import { ApiError, errorFromResponse, offlineError } from "./errors";
import { reportReachable } from "./connectivity";
import type { components, paths } from "./schema";
import { isLang } from "@/lib/i18n";

export type Schemas = components["schemas"];
type Method = "get" | "post" | "put" | "patch" | "delete";

type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];
type Op<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer O } ? O : never;
type Json<S> = S extends { content: { "application/json": infer J } } ? J : unknown;
type Ok<O> = O extends { responses: infer R }
  ? R extends { 200: infer S } ? Json<S> : R extends { 201: infer S } ? Json<S> : R extends { 202: infer S } ? Json<S> : unknown
  : unknown;
type FormOf<O> = O extends { requestBody: { content: { "multipart/form-data": infer F } } } ? F : never;
type FormPaths = {
  [P in keyof paths]: paths[P] extends { post: infer O } ? ([FormOf<O>] extends [never] ? never : P) : never;
}[keyof paths];
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Q : never;
type BodyOf<O> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? B
    : never;

export interface RequestOptions<Q = Record<string, unknown>, B = unknown> {
  params?: Record<string, string>;
  query?: Q;
  body?: B;
  /** A multipart body (file uploads); sent as is, the browser sets its boundary. */
  form?: FormData;
  signal?: AbortSignal;
  timeoutMs?: number;
}

function buildPath(path: string, params?: Record<string, string>, query?: object): string {
  let out = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== "") qs.set(k, String(v));
    }
    const s = qs.toString();
    if (s) out += `?${s}`;
  }
  return out;
}

/** Untyped request; answers the parsed JSON body or throws ApiError with the API's sentence. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  return (await exchange<T>(method, buildPath(path, opts.params, opts.query), opts)).body;
}

/** The request headers: the JSON content type when there is a body, and the UI's language, so the
 * API's error sentences come in the language the person reads (the document's `lang` follows it). */
function headersFor(opts: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  const lang = typeof document === "undefined" ? null : document.documentElement.lang;
  if (isLang(lang)) headers["Accept-Language"] = lang;
  return headers;
}

/** One round trip to `target` (a path on the API, with its query); the parsed body and the headers. */
async function exchange<T>(method: string, target: string, opts: RequestOptions): Promise<{ body: T; headers: Headers }> {
  const url = apiUrl(target);
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 15_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, {
      method: method.toUpperCase(),
      headers: headersFor(opts),
      body: opts.form ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      cache: "no-store",
      signal,
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    reportReachable(false);
    throw offlineError();
  }
  reportReachable(res.status !== 502 && res.status !== 504);
  if (!res.ok) throw await errorFromResponse(res);
  if (res.status === 204) return { body: undefined as T, headers: res.headers };
  const text = await res.text();
  return { body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

/** The target of `rel="next"` in an RFC 8288 `Link` header, or null on the last page. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m?.[1] && /(^|;)\s*rel="?next"?\s*(;|$)/.test(m[2] ?? "")) return m[1];
  }
  return null;
}

/** An API path (with query) from a `Link` target: relative as the API sends it, or absolute. */
function linkTarget(link: string): string {
  if (link.startsWith("/")) return link;
  const u = new URL(link);
  return `${u.pathname}${u.search}`;
}

export interface Paged<T> {
  items: T;
  /** The next page's location from the `Link` header; pass it back as `next` to read that page. */
  next: string | null;
}

/** A GET on a route paged by a `Link: <…>; rel="next"` header. With `next`, reads that page instead. */
export async function apiGetPage<P extends PathsWith<"get">>(
  path: P,
  opts: RequestOptions<QueryOf<Op<P, "get">>> & { next?: string | null } = {},
): Promise<Paged<Ok<Op<P, "get">>>> {
  const target = opts.next ? linkTarget(opts.next) : buildPath(path, opts.params, opts.query ?? undefined);
  const { body, headers } = await exchange<Ok<Op<P, "get">>>("get", target, opts as RequestOptions);
  return { items: body, next: nextLink(headers.get("link")) };
}

export function apiGet<P extends PathsWith<"get">>(
  path: P,
  opts: RequestOptions<QueryOf<Op<P, "get">>> = {},
): Promise<Ok<Op<P, "get">>> {
  return request("get", path, opts as RequestOptions);
}

export function apiPost<P extends PathsWith<"post">>(
  path: P,
  opts: RequestOptions<QueryOf<Op<P, "post">>, BodyOf<Op<P, "post">>> = {},
): Promise<Ok<Op<P, "post">>> {
  return request("post", path, opts as RequestOptions);
}

export function apiPut<P extends PathsWith<"put">>(
  path: P,
  opts: RequestOptions<QueryOf<Op<P, "put">>, BodyOf<Op<P, "put">>> = {},
): Promise<Ok<Op<P, "put">>> {
  return request("put", path, opts as RequestOptions);
}

/** A multipart POST: every file goes as a part named by the route's form field (e.g. `file`). */
export function apiPostFiles<P extends FormPaths>(
  path: P,
  field: keyof FormOf<Op<P, "post">> & string,
  files: readonly File[],
  opts: Omit<RequestOptions, "body" | "form"> = {},
): Promise<Ok<Op<P, "post">>> {
  const form = new FormData();
  for (const f of files) form.append(field, f, f.name);
  return request("post", path, { ...opts, form });
}

export function apiPatch<P extends PathsWith<"patch">>(
  path: P,
  opts: RequestOptions<QueryOf<Op<P, "patch">>, BodyOf<Op<P, "patch">>> = {},
): Promise<Ok<Op<P, "patch">>> {
  return request("patch", path, opts as RequestOptions);
}

export function apiDelete<P extends PathsWith<"delete">>(
  path: P,
  opts: RequestOptions<QueryOf<Op<P, "delete">>> = {},
): Promise<Ok<Op<P, "delete">>> {
  return request("delete", path, opts as RequestOptions);
}

export { ApiError };
