//! What an attacker or a careless user pastes, through the release paths a user has: the CLI
//! and the bundle. Nothing typed is echoed beyond a short excerpt, keys stay in 0600 files,
//! certificate text cannot drive a terminal or a Markdown viewer, and hostile sizes get a
//! finding instead of a frozen check. (Speed itself is measured by `cargo bench --bench check`.)
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use istio_alb::bundle::Bundle;
use istio_alb::demo;
use istio_alb::inputs::CertInput;
use istio_alb::pki::key::RSA_MAX_BITS;
use istio_alb::plan;
use pki_fixtures::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const AT_TEXT: &str = "2025-11-26T10:00:00Z";

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_istio-alb"))
        .args(args)
        .output()
        .expect("the CLI runs")
}

fn all_output(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The demo settings with one input replaced by `text`, written to `dir`.
fn settings_with(dir: &Path, input: CertInput, text: &str) -> String {
    let out = cli(&["example", dir.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "{}", all_output(&out));
    let file = match input {
        CertInput::NlbCert => demo::files::NLB_CERT,
        CertInput::NlbKey => demo::files::NLB_KEY,
        CertInput::AlbClientCert => demo::files::ALB_CLIENT_CERT,
        CertInput::AlbClientKey => demo::files::ALB_CLIENT_KEY,
        CertInput::ClientCa | CertInput::GatewayCa => demo::files::CA,
        CertInput::ClientCaKey => panic!("the demo has no CA key file"),
    };
    fs::write(dir.join(file), text).expect("write the input");
    dir.join(demo::files::SETTINGS)
        .to_str()
        .expect("utf-8 path")
        .to_owned()
}

fn unzip_text(zip: &Path) -> Vec<(String, String, u32)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(fs::File::open(zip).expect("zip")).expect("a zip");
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("entry");
        let mut text = String::new();
        let _ = f.read_to_string(&mut text);
        out.push((
            f.name().unwrap_or_default().into_owned(),
            text,
            f.unix_mode().unwrap_or(0) & 0o777,
        ));
    }
    out
}

/// The demo key flattened onto one line, its BEGIN marker without closing dashes.
fn flattened_key() -> (String, String) {
    let body: String = demo::NLB_KEY
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let text = format!("-----BEGIN PRIVATE KEY {body} -----END PRIVATE KEY-----");
    (text, body)
}

#[test]
fn a_flattened_key_never_reaches_an_output_or_a_public_file() {
    let (key, body) = flattened_key();
    let probe = &body[10..50];
    for input in [CertInput::NlbCert, CertInput::NlbKey, CertInput::ClientCa] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let settings = settings_with(tmp.path(), input, &key);
        for format in ["text", "json"] {
            let out = cli(&["check", &settings, "--at", AT_TEXT, "--format", format]);
            assert!(!all_output(&out).contains(probe), "{input} check {format}");
        }
        let zip = tmp.path().join("b.zip");
        let out = cli(&[
            "bundle",
            &settings,
            "--out",
            zip.to_str().expect("utf-8"),
            "--at",
            AT_TEXT,
            "--force",
        ]);
        assert!(!all_output(&out).contains(probe), "{input} bundle output");
        if !zip.exists() {
            continue;
        }
        for (name, text, mode) in unzip_text(&zip) {
            let private = name.contains("/secrets/") || name.ends_with(".key");
            if !private {
                assert!(!text.contains(probe), "{input}: the key text is in {name}");
                if name.ends_with(".crt") || name.ends_with(".pem") {
                    assert!(!text.contains("PRIVATE KEY"), "{input}: {name}");
                }
            } else if !name.ends_with('/') {
                assert_eq!(mode, 0o600, "{name}");
            }
        }
    }
}

#[test]
fn the_zip_is_written_0600() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = cli(&["example", tmp.path().to_str().expect("utf-8")]);
    assert!(out.status.success());
    let zip = tmp.path().join("b.zip");
    fs::write(&zip, b"old").expect("an existing file");
    fs::set_permissions(&zip, fs::Permissions::from_mode(0o644)).expect("chmod");
    let settings = tmp.path().join("settings.yaml");
    let out = cli(&[
        "bundle",
        settings.to_str().expect("utf-8"),
        "--out",
        zip.to_str().expect("utf-8"),
        "--at",
        AT_TEXT,
    ]);
    assert!(out.status.success(), "{}", all_output(&out));
    let mode = fs::metadata(&zip).expect("zip").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

/// A certificate whose subject carries a terminal escape and Markdown/HTML.
#[test]
fn certificate_text_is_escaped_for_the_terminal_and_for_markdown() {
    let evil_cn = "evil\u{1b}]0;pwned\u{7}\u{1b}[31m <img src=x>|`x`";
    let root = self_signed(&Spec::ca("Escape Root"), Alg::P256);
    let leaf = issue(
        &Spec::leaf(evil_cn, &["evil.example.com"]),
        Alg::P256,
        &root,
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let pem = tmp.path().join("leaf.pem");
    fs::write(&pem, &leaf.pem).expect("write");
    let out = cli(&["inspect", pem.to_str().expect("utf-8"), "--at", AT_TEXT]);
    let text = all_output(&out);
    assert!(text.contains("evil"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );

    // The same subject in a finding, in the bundle's README.
    let mut certs = demo::cert_inputs();
    certs[CertInput::NlbCert] = leaf.pem.clone();
    certs[CertInput::NlbKey] = leaf.key_pem();
    let p = plan::plan(&demo::settings(), &certs, at());
    let readme = Bundle::of(&p)
        .file("README.md")
        .expect("README")
        .text()
        .to_owned();
    assert!(readme.contains("evil"), "the finding names the certificate");
    assert!(!readme.contains('\u{1b}'), "{readme}");
    assert!(!readme.contains("<img"), "{readme}");
}

#[test]
fn an_rsa_key_over_8192_bits_is_refused_before_any_arithmetic() {
    // A PKCS#1 structure with a 32,768-bit modulus (not a real key: reading it must stop at
    // the size, before the big numbers are used).
    fn der_int(bytes: &[u8]) -> Vec<u8> {
        let mut v = vec![0x02];
        v.extend(der_len(bytes.len()));
        v.extend_from_slice(bytes);
        v
    }
    fn der_len(n: usize) -> Vec<u8> {
        if n < 0x80 {
            vec![n as u8]
        } else {
            let b = n.to_be_bytes();
            let b: Vec<u8> = b.iter().copied().skip_while(|x| *x == 0).collect();
            let mut v = vec![0x80 | b.len() as u8];
            v.extend(b);
            v
        }
    }
    let mut modulus = vec![0x00, 0xC5];
    modulus.extend(std::iter::repeat_n(0x5A, 32_768 / 8 - 1));
    let mut body = der_int(&[0]);
    body.extend(der_int(&modulus));
    for _ in 0..7 {
        body.extend(der_int(&[0x01, 0x00, 0x01]));
    }
    let mut der = vec![0x30];
    der.extend(der_len(body.len()));
    der.extend(body);
    let pem = istio_alb::pki::pem::encode("RSA PRIVATE KEY", &der);
    let (key, errors) = istio_alb::pki::key::read_private_key(
        CertInput::NlbKey,
        &pem,
        &istio_alb::pki::rustcrypto::RustCrypto,
    );
    assert!(key.is_none());
    let codes: Vec<&str> = errors.iter().map(|e| e.code().as_str()).collect();
    assert_eq!(codes, ["key-unsupported"]);
    let message = errors[0].to_string();
    assert!(message.contains("32768 bits"), "{message}");
    assert!(message.contains(&RSA_MAX_BITS.to_string()), "{message}");
}

#[test]
fn hostile_sizes_give_one_finding_not_a_flood() {
    let cases: Vec<(&str, String)> = vec![
        ("over 1 MiB", "A".repeat((1 << 20) + 1)),
        (
            "1 MB of short garbage lines",
            "-----BEGIN X-----\n".repeat(55_000),
        ),
        (
            "1 MB on one line",
            "-----END CERTIFICATE----- ".repeat(38_000),
        ),
        (
            "1 MB of markers without dashes",
            "-----BEGIN ".repeat(90_000),
        ),
    ];
    for (name, text) in cases {
        let mut certs = demo::cert_inputs();
        certs[CertInput::NlbCert] = text.clone();
        certs[CertInput::ClientCa] = text;
        let r = plan::check(&certs, at(), &istio_alb::pki::rustcrypto::RustCrypto);
        let about_cert = r
            .findings
            .iter()
            .filter(|f| f.is_about(CertInput::NlbCert))
            .count();
        assert!(
            (1..=2 * (istio_alb::pki::check::MAX_FINDINGS_OF_A_KIND + 1)).contains(&about_cert),
            "{name}: {about_cert} findings: {:?}",
            r.findings.first()
        );
    }
}

#[test]
fn settings_export_never_carries_key_material() {
    let mut s = demo::settings();
    s.cluster_name = demo::NLB_KEY.into();
    s.nlb_secret = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj".into();
    let yaml = istio_alb::bundle::settings_yaml(&s, &demo::cert_inputs());
    assert!(!yaml.contains("PRIVATE KEY"), "{yaml}");
    assert!(!yaml.contains("MIIEvQIB"), "{yaml}");
}

/// `check` run with at most 1 GiB of address space and a 120 s deadline, so that a regression
/// (reading `/dev/zero` whole, waiting on a FIFO) fails here instead of taking the machine's
/// memory or hanging the test run. `timeout` answers 124 when the deadline passed.
fn bounded_check(settings: &str) -> Output {
    Command::new("bash")
        .args(["-c", "ulimit -v 1048576 && exec timeout 120 \"$@\"", "bash"])
        .arg(env!("CARGO_BIN_EXE_istio-alb"))
        .args(["check", settings, "--at", AT_TEXT, "--format", "json"])
        .output()
        .expect("bash runs")
}

/// A certificate path in settings.yaml that names a device, a FIFO, a directory or a file over
/// the 1 MiB limit is refused without being read whole (or waited on), with the reason and the
/// limit; the same for the settings file itself.
#[test]
fn named_files_are_read_only_when_regular_and_within_the_limit() {
    use istio_alb::pki::pem::MAX_INPUT_BYTES;
    use istio_alb::settings::Settings;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    assert!(
        cli(&["example", dir.to_str().expect("utf-8")])
            .status
            .success()
    );
    let fifo = dir.join("key.fifo");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo failed");
    // One byte over the limit, as PEM text would be.
    let mut big = demo::NLB_KEY.to_owned();
    big.push_str(&"#".repeat(MAX_INPUT_BYTES + 1 - big.len()));
    fs::write(dir.join("big.key"), &big).expect("write");
    fs::create_dir(dir.join("folder.key")).expect("mkdir");
    let settings_path = dir.join(demo::files::SETTINGS);
    let original = fs::read_to_string(&settings_path).expect("settings");
    // (entry, code, words of the message)
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "/dev/zero",
            "input-invalid",
            &["character device", "not a regular file"],
        ),
        ("key.fifo", "input-invalid", &["FIFO", "not a regular file"]),
        ("folder.key", "input-invalid", &["directory"]),
        ("big.key", "input-too-large", &["1024 KiB", "1048576 bytes"]),
    ];
    for (entry, code, words) in cases {
        let mut s = Settings::from_yaml(&original).expect("the example parses");
        s.certificates[CertInput::NlbKey] = (*entry).into();
        fs::write(&settings_path, s.to_yaml()).expect("write settings");
        let out = bounded_check(settings_path.to_str().expect("utf-8"));
        assert_eq!(out.status.code(), Some(1), "{entry}: {}", all_output(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let about_key: Vec<&serde_json::Value> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["input"] == "nlb_key")
            .collect();
        assert_eq!(about_key.len(), 1, "{entry}: {json:#}");
        assert_eq!(about_key[0]["code"], *code, "{entry}: {json:#}");
        let message = about_key[0]["message"].as_str().expect("message");
        for w in *words {
            assert!(message.contains(w), "{entry}: {message:?} lacks {w:?}");
        }
    }
    // The settings file itself.
    for (path, words) in [
        ("/dev/zero", "character device"),
        (fifo.to_str().expect("utf-8"), "FIFO"),
    ] {
        let out = bounded_check(path);
        assert_eq!(out.status.code(), Some(2), "{path}: {}", all_output(&out));
        assert!(
            all_output(&out).contains(words),
            "{path}: {}",
            all_output(&out)
        );
    }
}

/// A line of key text (the start of an RSA PKCS#8 key, 64 characters with no `=`), which
/// passes for a path or a name by its characters alone, and the part of it no demo file holds.
fn key_line() -> (String, &'static str) {
    let line = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
    (line.to_owned(), &line[44..])
}

/// Key text in a settings value is described, never quoted: for every text field and three
/// shapes of value (a bare base64 line, one behind a prefix that draws its own finding, a PEM
/// header), in every finding message and every file of the bundle the page previews (README.md,
/// report.json, manifests, scripts).
#[test]
fn key_text_in_a_settings_field_is_described_never_shown() {
    use istio_alb::settings::Field;
    let (line, probe) = key_line();
    let certs = demo::cert_inputs();
    let at = istio_alb::rfc3339::parse(AT_TEXT).expect("a time");
    for field in Field::TEXT {
        for value in [
            line.clone(),
            format!("kube-{line}"),
            format!("-----BEGIN PRIVATE KEY-----\n{line}"),
        ] {
            let mut s = demo::settings();
            *s.text_mut(field).expect("a text field") = value.clone();
            let p = plan::plan(&s, &certs, at);
            assert!(
                p.findings.iter().any(|f| f.is_about(field)),
                "{field} = {value:?}: no finding about it"
            );
            for f in &p.findings {
                assert!(!f.message.contains(probe), "{field}: {}", f.message);
            }
            for file in Bundle::of(&p).files {
                let text = String::from_utf8_lossy(&file.contents);
                assert!(
                    !text.contains(probe),
                    "{field} = {value:?} is in {}",
                    file.path
                );
            }
        }
    }
}

/// The same for a certificate entry of settings.yaml that holds key text instead of a path:
/// `check` (text and JSON) and the bundle written with `--force` (README.md, report.json)
/// describe it.
#[test]
fn key_text_as_a_certificate_path_is_described_never_shown() {
    use istio_alb::settings::Settings;
    let (line, probe) = key_line();
    for input in [
        CertInput::NlbKey,
        CertInput::AlbClientCert,
        CertInput::ClientCa,
    ] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        assert!(
            cli(&["example", dir.to_str().expect("utf-8")])
                .status
                .success()
        );
        let path = dir.join(demo::files::SETTINGS);
        let mut s = Settings::from_yaml(&fs::read_to_string(&path).expect("settings"))
            .expect("the example parses");
        s.certificates[input] = line.clone();
        fs::write(&path, s.to_yaml()).expect("write settings");
        let settings = path.to_str().expect("utf-8");
        for format in ["text", "json"] {
            let out = cli(&["check", settings, "--at", AT_TEXT, "--format", format]);
            assert_eq!(out.status.code(), Some(1), "{input} {format}");
            let all = all_output(&out);
            assert!(!all.contains(probe), "{input} check {format}: {all}");
            assert!(
                all.contains("looks like a certificate or key"),
                "{input}: {all}"
            );
        }
        let zip = dir.join("b.zip");
        let zip_path = zip.to_str().expect("utf-8");
        let out = cli(&[
            "bundle", settings, "--out", zip_path, "--at", AT_TEXT, "--force",
        ]);
        assert!(!all_output(&out).contains(probe), "{input} bundle output");
        assert!(zip.exists(), "{input}: {}", all_output(&out));
        for (name, text, _) in unzip_text(&zip) {
            assert!(!text.contains(probe), "{input}: the key text is in {name}");
        }
    }
}
