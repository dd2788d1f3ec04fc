//! Generates the DEMO ONLY certificates embedded by `src/demo` (ran once; the output is committed).
//!
//! Re-run (new keys each time, then update the golden files):
//!     cargo run --example gen_demo && UPDATE_GOLDEN=1 cargo test --test bundle_golden
//!
//! A private demo CA issues a demo intermediate, which issues the gateway (NLB) certificate for
//! the demo NLB host name (serverAuth); the CA also issues the ALB client certificate (clientAuth).
//! Valid 2025-01-01 .. 2045-01-01 so the checks pass for years. ECDSA P-256 keys.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose,
        IsCa, KeyPair, KeyUsagePurpose, date_time_ymd,
    };
    use std::fs;

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo/pem");
    fs::create_dir_all(&dir)?;
    let dated = |mut p: CertificateParams, cn: &str| {
        p.not_before = date_time_ymd(2025, 1, 1);
        p.not_after = date_time_ymd(2045, 1, 1);
        p.distinguished_name.push(
            DnType::OrganizationName,
            "DEMO ONLY - istio-alb-configurator",
        );
        p.distinguished_name.push(DnType::CommonName, cn);
        p
    };
    let ca_params = |cn: &str, constraint| {
        let mut p = dated(CertificateParams::default(), cn);
        p.is_ca = IsCa::Ca(constraint);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        p
    };

    let root = CertifiedIssuer::self_signed(
        ca_params(
            "DEMO ONLY istio-alb Root CA",
            BasicConstraints::Unconstrained,
        ),
        KeyPair::generate()?,
    )?;
    let intermediate = CertifiedIssuer::signed_by(
        ca_params(
            "DEMO ONLY istio-alb Intermediate CA",
            BasicConstraints::Constrained(0),
        ),
        KeyPair::generate()?,
        &root,
    )?;

    let nlb_key = KeyPair::generate()?;
    let mut nlb = dated(
        CertificateParams::new(vec![istio_alb_demo_nlb_domain().to_owned()])?,
        "DEMO ONLY gateway",
    );
    nlb.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    nlb.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let nlb_cert = nlb.signed_by(&nlb_key, &intermediate)?;

    let alb_key = KeyPair::generate()?;
    let mut alb = dated(
        CertificateParams::new(vec!["alb-client.demo.invalid".to_owned()])?,
        "DEMO ONLY ALB client",
    );
    alb.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    alb.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let alb_cert = alb.signed_by(&alb_key, &root)?;

    let write = |name: &str, text: String| fs::write(dir.join(name), text);
    write("ca.pem", root.pem())?;
    write(
        "nlb.crt",
        format!("{}{}", nlb_cert.pem(), intermediate.pem()),
    )?;
    write("nlb.key", nlb_key.serialize_pem())?;
    write("alb-client.crt", alb_cert.pem())?;
    write("alb-client.key", alb_key.serialize_pem())?;
    println!("wrote DEMO ONLY certificates to {}", dir.display());
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
/// Must equal `istio_alb::demo::NLB_DOMAIN` (kept literal so the generator needs no crate build).
fn istio_alb_demo_nlb_domain() -> &'static str {
    "demo-cluster-0001.us-south.containers.example.com"
}

#[cfg(target_arch = "wasm32")]
fn main() {}
