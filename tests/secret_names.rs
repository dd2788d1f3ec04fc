//! Two secrets of one name in one namespace are one secret: install.sh would write one over the
//! other. Every secret the bundle writes or reads, its own and IBM's that the settings name, is
//! distinct from every other in its namespace, or the settings get an error finding on the
//! field and no bundle is written, not even with `--force` (issue 22, class 4). IBM-renewed
//! mode, where the Gateway uses IBM's own secret by design, is no collision.
#![cfg(not(target_arch = "wasm32"))]

use istio_alb::bundle::{self, BundleError};
use istio_alb::demo;
use istio_alb::manifest::{self, Apis};
use istio_alb::plan::{self, Plan};
use istio_alb::settings::{Field, Profile, Settings, validate};

/// 2025-11-26T10:00:00Z: inside the demo certificates' validity.
const AT: i64 = 1_764_151_200;

fn planned(s: &Settings) -> Plan {
    plan::plan(s, &demo::cert_inputs(), AT)
}

/// Every valid combination of profile, ALB, infrastructure and secret mode of the demo.
fn combinations() -> Vec<Settings> {
    demo::every_combination()
        .into_iter()
        .filter(|s| validate(s).is_empty())
        .collect()
}

/// The plan refuses `s` with one secret-name finding on `field`, and no bundle is written,
/// even forced.
fn assert_collision(s: &Settings, field: Field, case: &str) {
    let p = planned(s);
    let about: Vec<_> = p.findings.iter().filter(|f| f.is_about(field)).collect();
    assert_eq!(about.len(), 1, "{case}: {:#?}", p.findings);
    assert_eq!(about[0].code, "input-invalid", "{case}");
    assert!(
        about[0].message.contains("one secret"),
        "{case}: {}",
        about[0].message
    );
    assert!(
        matches!(
            bundle::build_plan(&p, true),
            Err(BundleError::InvalidSettings { .. })
        ),
        "{case}: a bundle was written"
    );
}

fn assert_no_collision(s: &Settings, case: &str) {
    let p = planned(s);
    let collisions: Vec<_> = p
        .findings
        .iter()
        .filter(|f| f.message.contains("one secret"))
        .collect();
    assert!(collisions.is_empty(), "{case}: {collisions:#?}");
}

#[test]
fn the_demo_combinations_have_no_collision() {
    let all = combinations();
    assert_eq!(all.len(), 10, "the ten valid combinations");
    for s in &all {
        assert_no_collision(s, &demo::combination_name(s));
    }
}

/// The ALB secret named like one of the bundle's own secrets: where install copies IBM's ALB
/// secret next to the Ingress (the gateway namespace, current profile), the two collide; the
/// classic profile keeps it in `default` only.
#[test]
fn the_alb_secret_may_not_be_named_like_a_bundle_secret() {
    for base in combinations() {
        let apis = Apis::of(&base);
        for spec in manifest::secrets(&apis, &base) {
            let s = Settings {
                alb_secret: spec.name.clone(),
                ..base.clone()
            };
            let case = format!("{} alb_secret={}", demo::combination_name(&base), spec.name);
            if apis.copies_alb_secret() {
                assert_collision(&s, Field::AlbSecret, &case);
            } else {
                assert_no_collision(&s, &case);
            }
        }
    }
}

/// IBM's two secrets of one name: one namespace holds both (`default`, or the gateway namespace
/// when IBM keeps the NLB's there and install copies the ALB's there).
#[test]
fn the_nlb_and_alb_secrets_may_not_share_a_name() {
    for base in combinations() {
        let s = Settings {
            alb_secret: base.nlb_secret.clone(),
            ..base.clone()
        };
        assert_collision(&s, Field::AlbSecret, &demo::combination_name(&base));
    }
    // Kept in different namespaces, and not copied next to each other: allowed.
    let apart = Settings {
        nlb_secret_namespace: "certs".into(),
        alb_secret: demo::settings_for(Profile::Classic).nlb_secret,
        ..demo::settings_for(Profile::Classic)
    };
    assert_no_collision(&apart, "classic, NLB secret in certs");
}

/// The NLB secret where the bundle writes its own: IBM keeps it in the gateway namespace
/// (IBM-renewed mode), or the gateway runs in `default`.
#[test]
fn the_nlb_secret_may_not_be_named_like_a_bundle_secret() {
    for base in combinations() {
        let apis = Apis::of(&base);
        for spec in manifest::secrets(&apis, &base) {
            if spec.name.ends_with("-cacert") {
                continue; // made from nlb_secret itself
            }
            let case = format!("{} nlb_secret={}", demo::combination_name(&base), spec.name);
            let s = Settings {
                nlb_secret: spec.name.clone(),
                ..base.clone()
            };
            if base.ibm_keeps_gateway_secret() {
                assert_collision(&s, Field::NlbSecret, &case);
            } else {
                assert_no_collision(&s, &case);
                let in_default = Settings {
                    gateway_namespace: "default".into(),
                    ..s
                };
                assert_collision(
                    &in_default,
                    Field::NlbSecret,
                    &format!("{case}, gateway in default"),
                );
            }
        }
    }
}
