use crate::pki::cert::CertSummary;
use crate::pki::facts::KeyKind;
use crate::ui::rich_text::Name;
use leptos::prelude::*;

/// One certificate at a glance: subject, issuer, names, key, usages and a validity bar.
#[component]
pub fn CertCard(
    /// The summary computed by the core.
    summary: CertSummary,
    /// Check time, Unix seconds.
    at: i64,
    /// When "Create a private client CA" made this input's text (it is still that text).
    #[prop(into)]
    made_here: Signal<Option<i64>>,
) -> impl IntoView {
    let s = summary;
    let role = if s.is_ca {
        if s.is_self_signed {
            "root CA"
        } else {
            "intermediate CA"
        }
    } else {
        "leaf"
    };
    let mut names: Vec<String> = s.dns_sans.clone();
    names.extend(s.ip_sans.iter().cloned());
    let names = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    let eku = if s.extended_key_usage.is_empty() {
        "not restricted".to_string()
    } else {
        s.extended_key_usage
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let key = match &s.key_type {
        KeyKind::Rsa { bits } => format!("RSA, {bits} bits"),
        other => other.to_string(),
    };

    // Whole percent, in integers: the share of the lifetime still ahead.
    let lifetime = (s.not_after - s.not_before).max(1);
    let percent = ((s.not_after - at).clamp(0, lifetime) * 100 / lifetime).clamp(0, 100);
    let (state_class, text) = if at < s.not_before {
        (
            "validity validity--error",
            format!("not valid before {}", s.not_before_rfc3339),
        )
    } else if s.days_left < 0 {
        (
            "validity validity--error",
            format!(
                "expired {} days ago ({})",
                -s.days_left, s.not_after_rfc3339
            ),
        )
    } else if s.in_renewal_window(at) {
        (
            "validity validity--warning",
            format!(
                "{} days left of {}: time to renew (until {})",
                s.days_left,
                s.lifetime_days(),
                s.not_after_rfc3339
            ),
        )
    } else {
        (
            "validity",
            format!("{} days left (until {})", s.days_left, s.not_after_rfc3339),
        )
    };

    view! {
        <article class="cert-card">
            <h3 class="cert-card__title">
                <span class="cert-card__subject"><Name text=s.name.clone() /></span>
                <span class="cert-card__badges">
                    {move || made_here.get().map(|_| view! { <span class="made-here">"made here"</span> })}
                    <span class="cert-card__badge">{role}</span>
                </span>
            </h3>
            <dl class="cert-card__facts">
                <dt>"Subject"</dt>
                <dd><Name text=s.subject.clone() /></dd>
                <dt>"Issuer"</dt>
                <dd><Name text=s.issuer.clone() /></dd>
                <dt>"Names"</dt>
                <dd class="cert-card__sans"><Name text=names /></dd>
                <dt>"Key"</dt>
                <dd>{key}</dd>
                <dt>"Signature"</dt>
                <dd>{s.signature_algorithm.clone()}</dd>
                <dt>"Usage"</dt>
                <dd>{eku}</dd>
                <dt>"SHA-256"</dt>
                <dd class="cert-card__fingerprint">{s.sha256_fingerprint.clone()}</dd>
            </dl>
            <div class=state_class>
                <div
                    class="validity__bar"
                    role="meter"
                    aria-label="Validity left"
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=percent.to_string()
                >
                    <div class="validity__fill" style:width=format!("{percent}%")></div>
                </div>
                <div class="validity__text">{text}</div>
            </div>
        </article>
    }
}
