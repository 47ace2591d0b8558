// The findings server's client, used only by the background service worker (the token never leaves it). Every
// failure is classified so the options page and popup can say clearly what is wrong.
import type {
  ErrorResponse,
  MeResponse,
  MineResponse,
  PageFindingsResponse,
  SetStateResponse,
  SettableState,
} from "../../crawler/serve/api-types.js";
import { mineForExtension, pageAnswerForExtension } from "./findings.js";
import type { Translate } from "./i18n.js";

export type { MeResponse, MineResponse, PageFindingsResponse, SetStateResponse, SettableState };

export type ApiErrorKind =
  | "not-configured"
  | "unreachable"
  | "unauthorized"
  | "forbidden-origin"
  | "forbidden"
  | "not-gongkai"
  | "rate-limited"
  | "bad-request"
  | "not-found"
  | "conflict"
  | "server";

/** An error as it crosses extension messaging (plain data). */
export interface ApiErrorInfo {
  kind: ApiErrorKind;
  status?: number;
  /** The server's own message, when it gave one. */
  message?: string;
  serverUrl?: string;
}

export class ApiError extends Error {
  constructor(readonly info: ApiErrorInfo) {
    super(info.message ?? info.kind);
  }
}

/** The server URL as typed, or null when it is not an http(s) URL. Trailing slashes dropped. */
export function cleanServerUrl(input: string): string | null {
  const text = input.trim();
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

const isErrorBody = (b: unknown): b is ErrorResponse =>
  !!b && typeof b === "object" && typeof (b as ErrorResponse).error === "string" && typeof (b as ErrorResponse).message === "string";

export class ApiClient {
  constructor(
    readonly serverUrl: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = (...a) => fetch(...a),
    private readonly timeoutMs = 10_000,
  ) {}

  me(): Promise<MeResponse> {
    return this.request<MeResponse>("GET", "/api/me").then((body) => {
      // A server that answers 200 to anything is not ours.
      if (body?.server !== "gongkai") throw new ApiError({ kind: "not-gongkai", status: 200, serverUrl: this.serverUrl });
      return body;
    });
  }

  pageFindings(pageUrl: string, states: string[] = ["open"]): Promise<PageFindingsResponse> {
    // Office-only kinds (coverage) are left out here, so no part of the extension (badge, overlay, popup) sees them.
    return this.request<PageFindingsResponse>("GET", `/api/findings?page=${encodeURIComponent(pageUrl)}&states=${states.join(",")}`).then(pageAnswerForExtension);
  }

  mine(states: string[] = ["open"], limit = 500): Promise<MineResponse> {
    return this.request<MineResponse>("GET", `/api/findings/mine?states=${states.join(",")}&limit=${limit}`).then(mineForExtension);
  }

  setState(id: string, state: SettableState, note?: string): Promise<SetStateResponse> {
    return this.request("POST", `/api/findings/${encodeURIComponent(id)}/state`, { state, ...(note ? { note } : {}) });
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(this.serverUrl + path, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        credentials: "omit",
        cache: "no-store",
      });
    } catch (e) {
      throw new ApiError({ kind: "unreachable", message: (e as Error).message, serverUrl: this.serverUrl });
    }
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch {
      parsed = undefined;
    }
    if (res.ok) {
      if (parsed === undefined) throw new ApiError({ kind: "not-gongkai", status: res.status, serverUrl: this.serverUrl });
      return parsed as T;
    }
    // Only our server answers errors as {error, message}: anything else is some other service on that address.
    if (!isErrorBody(parsed)) throw new ApiError({ kind: "not-gongkai", status: res.status, serverUrl: this.serverUrl });
    const kind: ApiErrorKind =
      parsed.error === "unauthorized"
        ? "unauthorized"
        : parsed.error === "forbidden_origin"
          ? "forbidden-origin"
          : parsed.error === "forbidden"
            ? "forbidden"
            : parsed.error === "too_many_requests"
              ? "rate-limited"
              : parsed.error === "not_found"
                ? "not-found"
                : parsed.error === "conflict"
                  ? "conflict"
                  : res.status < 500
                    ? "bad-request"
                    : "server";
    throw new ApiError({ kind, status: res.status, message: parsed.message, serverUrl: this.serverUrl });
  }
}

/** One sentence saying what went wrong and what to do. */
export function errorText(t: Translate, e: ApiErrorInfo, extensionId: string): string {
  switch (e.kind) {
    case "not-configured":
      return t("err_not_configured");
    case "unreachable":
      return t("err_unreachable", [e.serverUrl ?? ""]);
    case "unauthorized":
      return t("err_unauthorized");
    case "forbidden-origin":
      return t("err_forbidden_origin", [extensionId]);
    case "forbidden":
      return t("err_forbidden", [e.message ?? ""]);
    case "not-gongkai":
      return t("err_not_gongkai", [e.status ?? "?"]);
    case "rate-limited":
      return t("err_rate_limited");
    default:
      return t("err_server", [e.status ?? "?", e.message ?? ""]);
  }
}

export function toErrorInfo(e: unknown): ApiErrorInfo {
  if (e instanceof ApiError) return e.info;
  return { kind: "server", message: (e as Error)?.message ?? String(e) };
}
