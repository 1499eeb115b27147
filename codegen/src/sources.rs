//! Walking a spec's sources: every [`Source`] a spec holds, in file order (the API's
//! facts, operations, types, gaps, reconciliation), to read or rewrite. The one list of where sources
//! sit: the pipeline anchors snapshot lines through it, `cargo xtask diff` anchors the
//! lines of specs written before anchors, and the coverage test checks that each one
//! resolves.

use crate::spec::{AuthScheme, Pagination, Source, Spec, TypeKind};

impl Spec {
    /// Every source of the spec, to rewrite.
    pub fn sources_mut(&mut self) -> Vec<&mut Source> {
        let mut out: Vec<&mut Source> = Vec::new();
        let api = &mut self.api;
        out.extend(api.base_url.as_mut().map(|b| &mut b.source));
        for scheme in &mut api.auth {
            out.push(match scheme {
                AuthScheme::ApiKeyHeader { source, .. }
                | AuthScheme::Bearer { source, .. }
                | AuthScheme::OAuth2 { source, .. } => source,
            });
        }
        out.extend(api.pagination.as_mut().map(|p| match p {
            Pagination::PageNumber { source, .. } | Pagination::Offset { source, .. } => source,
        }));
        out.extend(api.rate_limit.as_mut().map(|r| &mut r.source));
        out.extend(api.error_body.as_mut().map(|e| &mut e.source));
        out.extend(api.statuses.iter_mut().map(|s| &mut s.source));
        for op in &mut self.operations {
            out.extend(op.resolved_by.as_mut());
            for p in &mut op.parameters {
                out.extend(p.type_source.as_mut());
                out.extend(p.taken_from.as_mut());
                out.push(&mut p.source);
            }
            if let Some(request) = &mut op.request {
                out.extend(request.examples.iter_mut().map(|e| &mut e.source));
                out.push(&mut request.source);
            }
            for response in &mut op.responses {
                out.extend(response.examples.iter_mut().map(|e| &mut e.source));
                out.extend(response.taken_from.as_mut());
                out.push(&mut response.source);
            }
            out.extend(op.pagination.as_mut().and_then(|p| p.source.as_mut()));
            out.push(&mut op.source);
        }
        for def in &mut self.types {
            if let TypeKind::Object { fields } = &mut def.kind {
                for f in fields {
                    out.extend(f.taken_from.as_mut());
                    out.push(&mut f.source);
                }
            }
            out.extend(def.sources.iter_mut());
        }
        out.extend(self.gaps.iter_mut().map(|g| &mut g.source));
        if let Some(r) = &mut self.reconciliation {
            for fact in &mut r.settled {
                out.extend(fact.page.as_mut().map(|p| &mut p.source));
                out.push(&mut fact.definition.source);
                out.push(&mut fact.by);
            }
            for entry in &mut r.removable {
                out.push(&mut entry.entry);
                out.push(&mut entry.definition);
            }
            out.extend(r.definition_only.iter_mut().map(|o| &mut o.source));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::spec::{Source, Spec};

    /// Every `source:`-like value of a spec's YAML text.
    fn written_sources(spec: &Spec) -> Vec<String> {
        let text = crate::yaml::to_string(spec).unwrap();
        text.split_whitespace()
            .map(|w| w.trim_matches(|c| c == '\'' || c == '"'))
            .filter(|w| w.starts_with("doc:") || w.starts_with("def:") || w.starts_with("overlay:"))
            .map(String::from)
            .collect()
    }

    #[test]
    fn the_walk_reaches_every_source_the_file_holds() {
        // A spec that holds a source in every place a source can be.
        let text = include_str!("../tests/fixtures/every-source.yaml");
        let mut spec: Spec = crate::yaml::from_str(text).unwrap();
        let written = written_sources(&spec);
        assert!(written.len() >= 20, "{written:?}");
        // Rewriting every source the walk gives rewrites every one the file holds.
        for (i, source) in spec.sources_mut().into_iter().enumerate() {
            *source = Source::Doc(90_000 + i as u32);
        }
        let rewritten = written_sources(&spec);
        assert_eq!(rewritten.len(), written.len());
        assert!(rewritten.iter().all(|s| s.starts_with("doc:9")), "{rewritten:?}");
    }
}
