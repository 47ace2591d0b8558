// The findings server's JSON API, as the extension sees it. Type-only: the extension imports these types.
import type { StoredFinding } from "../store/types.js";

/** States a maintainer may set. `fixed` is set only by a crawl. */
export const SETTABLE_STATES = ["open", "acknowledged", "false-positive"] as const;
export type SettableState = (typeof SETTABLE_STATES)[number];

export type ApiFinding = StoredFinding;

export interface ColumnRef {
  id: string;
  name?: string;
  /** The column's first list page (normalised). */
  url: string;
}

/** GET /api/me */
export interface MeResponse {
  server: "gongkai";
  version: string;
  user: { name: string; department: string; role: "maintainer" | "office" };
  /** The monitored site, from the config (when the server was given one) or the latest crawl. */
  site: { name: string; baseUrl: string } | null;
  /** Origins of the monitored site (its base URL and its columns' URLs): where the extension should run. */
  siteOrigins: string[];
}

/** GET /api/findings?page=URL[&states=open,acknowledged] */
export interface PageFindingsResponse {
  /** The page, normalised (shared/url normalizeUrl). */
  page: string;
  /** Findings about links on this page (they carry targetUrl). */
  linkFindings: ApiFinding[];
  /** Findings about the page itself (stale guide, misfiled item, …; stale/empty column on a column's list page). */
  pageFindings: ApiFinding[];
  /** When the page is a column's list page: that column. */
  column: ColumnRef | null;
  /** When the page is a column's list page: the column's findings on its other pages (at most 200, worst first). */
  columnFindings: ApiFinding[];
  columnFindingsTotal: number;
}

/** GET /api/findings/mine[?states=…&limit=N] */
export interface MineResponse {
  department: string;
  /** office: every department's findings. */
  scope: "department" | "all";
  total: number;
  findings: ApiFinding[];
}

/** POST /api/findings/:id/state  body {state, note?} */
export interface SetStateRequest {
  state: SettableState;
  note?: string;
}
export interface SetStateResponse {
  finding: ApiFinding;
}

/** Every error: HTTP status 400/401/403/404/405/409/413/415/429/500 with this body. */
export interface ErrorResponse {
  error:
    | "bad_request"
    | "unauthorized"
    | "forbidden"
    | "forbidden_origin"
    | "not_found"
    | "method_not_allowed"
    | "conflict"
    | "payload_too_large"
    | "unsupported_media_type"
    | "too_many_requests"
    | "internal";
  /** One sentence, Chinese then English. */
  message: string;
}
