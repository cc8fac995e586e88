// Spans regrouped into OTLP's resource → scope → spans nesting, keeping document order exactly: consecutive spans
// with the same resource share a ResourceSpans entry and, within it, consecutive spans with the same scope share a
// ScopeSpans entry (merging non-adjacent runs would reorder spans, and parse(encode(x)) must equal x).
import { UNKNOWN_SERVICE, type Attributes, type Resource, type Scope, type Span, type Trace } from '../model';

export interface ScopeGroup { readonly scope: Scope | undefined; readonly spans: Span[] }
export interface ResourceGroup { readonly resource: Resource; readonly scopes: ScopeGroup[] }

export function groupSpans(traces: readonly Trace[]): ResourceGroup[] {
  const out: ResourceGroup[] = [];
  let rg: ResourceGroup | undefined;
  let sg: ScopeGroup | undefined;
  for (const t of traces) {
    for (const s of t.spans) {
      if (!rg || rg.resource !== s.resource) {
        rg = { resource: s.resource, scopes: [] };
        out.push(rg);
        sg = undefined;
      }
      if (!sg || sg.scope !== s.scope) {
        sg = { scope: s.scope, spans: [] };
        rg.scopes.push(sg);
      }
      sg.spans.push(s);
    }
  }
  return out;
}

/**
 * A resource's attributes as OTLP must carry them: OTLP has no service field of its own, so a Resource whose
 * attributes lack `service.name` (one built by hand, or by another tool) gets it from `serviceName` — unless that is
 * the parsers' placeholder for "no service given", which must stay absent so that parse(encode(x)) equals x.
 */
export function resourceAttributesForOtlp(resource: Resource): Attributes {
  if (resource.serviceName === UNKNOWN_SERVICE || resource.attributes.some(a => a.key === 'service.name')) return resource.attributes;
  return [{ key: 'service.name', value: resource.serviceName }, ...resource.attributes];
}
