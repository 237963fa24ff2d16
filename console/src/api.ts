import { S } from "./strings";

// The console's only way to the server: the /v1 routes of archive-api with the user's bearer token. The token lives
// in sessionStorage (this tab only, gone when it closes), never in a URL.
const kTokenKey = "league-archive.token";

export function token(): string | null {
  return sessionStorage.getItem(kTokenKey);
}

export function setToken(value: string | null): void {
  if (value === null) sessionStorage.removeItem(kTokenKey);
  else sessionStorage.setItem(kTokenKey, value);
}

// An answer that was not 2xx: the API's {code, message} (message in Chinese), or one of our own when there was none.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function send(method: string, path: string, body?: unknown, tokenOverride?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  const t = tokenOverride ?? token();
  if (t) headers["Authorization"] = `Bearer ${t}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "NETWORK", S.networkError);
  }
  if (response.ok) return response;
  let code = "HTTP_" + response.status;
  let message = S.unexpected(response.status);
  try {
    const e = (await response.json()) as { code?: string; message?: string };
    if (e.code) code = e.code;
    if (e.message) message = e.message;
  } catch {
    // not JSON: keep our own message
  }
  if (response.status === 401 && !tokenOverride) onUnauthenticated();
  throw new ApiError(response.status, code, message);
}

let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(fn: () => void): void {
  onUnauthenticated = fn;
}

export async function get<T>(path: string, tokenOverride?: string): Promise<T> {
  return (await (await send("GET", path, undefined, tokenOverride)).json()) as T;
}

export async function post<T>(path: string, body?: unknown): Promise<T> {
  return (await (await send("POST", path, body)).json()) as T;
}

// A file the API serves (evidence crop, PDF, .xlsx) as a blob: URL the page can show or download.
export async function blobUrl(path: string): Promise<string> {
  return URL.createObjectURL(await (await send("GET", path)).blob());
}

export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await send("GET", path);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const match = /filename="([^"]+)"/.exec(disposition);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = match ? match[1] : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "" && v !== false) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? "?" + s : "";
}

// The shapes of the routes the console reads (schemas/openapi.yaml).
export interface Me {
  login: string;
  role: string;
  org_id?: number;
}

export interface QueueItem {
  type: string;
  version_id: number;
  version_no: number;
  uploaded_at: string;
  verdict: string | null;
  member: { id: number; name: string; id_card_masked: string; dev_number: string | null };
  org: { id: number; name: string };
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Finding {
  id: number;
  code: string;
  severity: string;
  page: number | null;
  message: string;
  evidence: Record<string, unknown>;
  evidence_url: string | null;
}

export interface ArchiveStatus {
  member_id: number;
  name: string;
  id_card_masked: string;
  joined_on: string;
  dev_number: string | null;
  org: { id: number; name: string };
  archive_status: string;
  archive_status_text: string;
  current_version: {
    id: number;
    version_no: number;
    uploaded_at: string;
    verdict: string | null;
    decision: string | null;
    decision_reason: string | null;
    findings: Finding[];
  } | null;
}

export interface MemberRow {
  id: number;
  name: string;
  id_card_masked: string;
  joined_on: string;
  dev_number: string | null;
  org: { id: number; name: string };
  archive_status: string;
  archive_status_text: string;
  upload_deadline: string | null;
  overdue: boolean;
}

export interface Notice {
  id: number;
  kind: string;
  member_id: number | null;
  title: string;
  text: string;
  created_at: string;
  read_at: string | null;
}
