// Writing PromQL from untrusted text (service names, span names, code function names come from whoever sends spans):
// every label value goes through promString (a valid, closed PromQL string literal whatever it holds) and, for =~,
// through regexLiteral first (RE2 metacharacters taken literally). Pure functions, tested against a real Prometheus.

/** RE2's metacharacters; a backslash before any of them makes it literal. */
const RE2_META = /[\\.+*?()|[\]{}^$]/g;

/** `s` as an RE2 pattern that matches exactly `s` (Prometheus anchors =~ patterns at both ends). */
export function regexLiteral(s: string): string {
  return s.replace(RE2_META, m => `\\${m}`);
}

/**
 * `s` as a PromQL double-quoted string literal. PromQL reads string literals with Go's escape rules, which accept
 * every escape JSON.stringify writes (\" \\ \n \t \r \b \f \uXXXX); lone UTF-16 surrogates (which Go would refuse
 * and which no Prometheus label can hold) become U+FFFD first.
 */
export function promString(s: string): string {
  return JSON.stringify(toWellFormed(s));
}

function toWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** A label matcher for a set of values: `=` for one, `=~` of the escaped alternatives for several. */
export function setMatcher(label: string, values: readonly string[]): string {
  const uniq = [...new Set(values)];
  if (uniq.length === 1) return `${label}=${promString(uniq[0]!)}`;
  return `${label}=~${promString(uniq.map(regexLiteral).join('|'))}`;
}

/** A PromQL duration in whole seconds (at least 1s). */
export function promDuration(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}

/** Label names PromQL accepts unquoted. The names used here come from discovery, so they are checked, not trusted. */
export function isPlainLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}
