// robots.txt: fetched once per origin (through the same limiter as everything else), obeyed for every request
// gongkai makes. The decision about one URL is pure (robotsRules); fetching lives in RobotsCache.
import robotsParserModule from "robots-parser";

type Robot = { isAllowed(url: string, ua?: string): boolean | undefined };
// robots-parser is CommonJS whose typings claim an ES default export; at runtime the import is the function itself.
const robotsParser = ((robotsParserModule as unknown as { default?: unknown }).default ?? robotsParserModule) as unknown as (
  url: string,
  body: string,
) => Robot;

/** The product token gongkai answers to in robots.txt (`User-agent: gongkai`). */
export const ROBOTS_UA = "gongkai";

export interface RobotsRules {
  allowed(url: string): boolean;
  /** Why the rules are what they are, for the log. */
  source: "file" | "none" | "unavailable";
}

/**
 * Rules from the answer to GET /robots.txt (RFC 9309 §2.3.1): a 2xx body is parsed; 4xx means no rules (crawl
 * everything); a 5xx means the site cannot say, which the RFC treats as "disallow everything". A network error is
 * "no rules": the real requests will meet the same error and report it truthfully.
 */
export function robotsRules(robotsUrl: string, answer: { status: number; body?: string } | { error: string }): RobotsRules {
  if ("error" in answer) return { allowed: () => true, source: "none" };
  if (answer.status >= 500) return { allowed: () => false, source: "unavailable" };
  if (answer.status < 200 || answer.status >= 300 || answer.body === undefined) return { allowed: () => true, source: "none" };
  // An HTML error page served as robots.txt (common on CMS sites) holds no directives and so allows everything.
  const parser = robotsParser(robotsUrl, answer.body);
  return {
    allowed: (url: string) => parser.isAllowed(url, ROBOTS_UA) !== false,
    source: "file",
  };
}

/** robots.txt URL for any URL on the origin. */
export function robotsUrlFor(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}/robots.txt`;
}

export class RobotsCache {
  private rules = new Map<string, Promise<RobotsRules>>();

  constructor(private readonly load: (robotsUrl: string) => Promise<{ status: number; body?: string } | { error: string }>) {}

  /** Whether `url` may be fetched; loads the origin's robots.txt the first time it is needed. */
  async allowed(url: string): Promise<boolean> {
    const robotsUrl = robotsUrlFor(url);
    if (url === robotsUrl) return true;
    let p = this.rules.get(robotsUrl);
    if (!p) {
      p = this.load(robotsUrl).then(
        (answer) => robotsRules(robotsUrl, answer),
        (e) => robotsRules(robotsUrl, { error: String(e) }),
      );
      this.rules.set(robotsUrl, p);
    }
    return (await p).allowed(url);
  }

  /** The rules for an origin once loaded (for the log), or undefined. */
  async source(url: string): Promise<RobotsRules["source"] | undefined> {
    const p = this.rules.get(robotsUrlFor(url));
    return p ? (await p).source : undefined;
  }
}
