//! `report.json`: the findings, the verify depth and the chain pictures, for CI and for the
//! record.

use crate::finding::{Finding, Tally};
use crate::manifest;
use crate::pki::ChainView;
use crate::plan::Plan;
use crate::rfc3339;
use serde::Serialize;

#[derive(Serialize)]
struct ReportJson<'a> {
    generator: String,
    at: String,
    cluster_name: &'a str,
    profile: &'a str,
    ok: bool,
    errors: usize,
    warnings: usize,
    findings: &'a [Finding],
    verify_depth: u32,
    nlb_chain: &'a ChainView,
    alb_chain: &'a ChainView,
}

pub(super) fn render(plan: &Plan) -> String {
    let tally = Tally::of(&plan.findings);
    let r = ReportJson {
        generator: format!("istio-alb {}", env!("CARGO_PKG_VERSION")),
        at: rfc3339::format(plan.at),
        cluster_name: &plan.settings.cluster_name,
        profile: plan.settings.profile.as_str(),
        ok: tally.errors == 0,
        errors: tally.errors,
        warnings: tally.warnings,
        findings: &plan.findings,
        verify_depth: manifest::verify_depth(&plan.report),
        nlb_chain: &plan.report.nlb_chain,
        alb_chain: &plan.report.alb_chain,
    };
    let mut text = serde_json::to_string_pretty(&r).unwrap_or_default();
    text.push('\n');
    text
}
