export function sitePatterns(value: string): string[];
export function applySitePatterns<M extends { content_scripts?: { matches?: string[] }[]; host_permissions?: string[] }>(
  manifest: M,
  patterns: string[],
): M & { host_permissions: string[] };
