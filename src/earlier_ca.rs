//! The private client CA of an earlier bundle, read back (issue 27, point 2).
//!
//! Why: the page never stores a key, so after a reload the CA made on an earlier visit exists
//! only in the zip downloaded then, under `private-ca/` (`client-ca.pem` beside
//! `client-ca.key`, see [`crate::bundle`]). Making a second CA would leave the gateway trusting
//! the first one and the ALB presenting a certificate from the second. So the page offers to
//! open that zip, or the two files taken out of it, and uses the CA again.
//!
//! What comes back is checked before anything is filled in: a CA certificate, a key, and the key
//! belonging to that certificate. The bundle's ALB client certificate and key (`certs/`) come
//! along when they are a pair the CA issued; otherwise the caller issues a fresh one
//! ([`crate::ca::issue`]).

use crate::ca::Issued;
use crate::inputs::CertInput;
use crate::pki::cert::{Cert, parse_certs};
use crate::pki::key::{PrivateKey, key_matches, read_private_key};
use crate::pki::rustcrypto::RustCrypto;
use std::fmt;
use std::io::{Cursor, Read as _};

/// The most a chosen zip may weigh: a bundle is a few dozen KiB.
pub const MAX_ZIP_BYTES: usize = 16 << 20;

/// The bundle's files this reads, relative to the bundle's folder.
const CA_CERT: &str = crate::script::CA_CERT;
const CA_KEY: &str = CertInput::ClientCaKey.bundle_path();
const CLIENT_CERT: &str = CertInput::AlbClientCert.bundle_path();
const CLIENT_KEY: &str = CertInput::AlbClientKey.bundle_path();

/// The private client CA of an earlier bundle, as PEM.
#[derive(Clone, PartialEq, Eq)]
pub struct EarlierCa {
    /// The CA certificate.
    pub ca_pem: String,
    /// Its private key.
    pub ca_key_pem: String,
    /// The bundle's ALB client certificate and key, when they are a pair that the CA issued.
    pub client: Option<Issued>,
}

impl fmt::Debug for EarlierCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EarlierCa")
            .field("client", &self.client.is_some())
            .finish_non_exhaustive()
    }
}

/// Why the earlier CA could not be used. File names are shown as [`crate::text::shown`] does
/// (escaped, shortened, never key material); no variant holds a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EarlierCaError {
    /// Nothing was chosen.
    NoFiles,
    /// A file is larger than a bundle or a PEM file can be.
    TooLarge { file: String, limit_kib: usize },
    /// A zip that could not be opened.
    BadZip { file: String, why: String },
    /// A zip whose entries are compressed (deflate): bundles are written stored, so this is a
    /// bundle from before that, or one packed again by another tool. The page carries no
    /// inflater; the two PEM files taken out of it do.
    Compressed { file: String },
    /// A zip without `private-ca/`: a bundle made without the CA's key, or another zip.
    NoPrivateCa { file: String },
    /// A file that is neither a zip nor PEM text.
    Unreadable { file: String, why: String },
    /// No CA certificate among what was chosen.
    NoCaCertificate,
    /// Certificates were chosen, but none of them is a CA.
    NotACa { certificate: String },
    /// The CA certificate came without a key.
    NoCaKey { certificate: String },
    /// A key was chosen, but it is not the CA certificate's.
    KeyMismatch { certificate: String, key: String },
}

impl fmt::Display for EarlierCaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const AGAIN: &str = "Choose the zip you downloaded after the CA was made, or the \
                             client-ca.pem and client-ca.key of its private-ca/ folder";
        match self {
            EarlierCaError::NoFiles => write!(f, "No file was chosen. {AGAIN}."),
            EarlierCaError::TooLarge { file, limit_kib } => write!(
                f,
                "The file {file} is larger than {limit_kib} KiB, more than a bundle or a PEM file holds, \
                 so it was not read. {AGAIN}."
            ),
            EarlierCaError::BadZip { file, why } => {
                write!(
                    f,
                    "The file {file} could not be opened as a zip ({why}). {AGAIN}."
                )
            }
            EarlierCaError::Compressed { file } => write!(
                f,
                "The zip {file} is compressed (deflate), as bundles made before 2026-12-06 and zips \
                 packed again by other tools are; the page opens only the uncompressed zips it \
                 writes. Unzip it and choose the client-ca.pem and client-ca.key of its private-ca/ \
                 folder."
            ),
            EarlierCaError::NoPrivateCa { file } => write!(
                f,
                "The zip {file} has no private-ca/ folder: only a bundle made with the CA's key (after \
                 “Create a private client CA”) keeps the CA. {AGAIN}."
            ),
            EarlierCaError::Unreadable { file, why } => write!(
                f,
                "The file {file} is neither a bundle zip nor PEM text ({why}). {AGAIN}."
            ),
            EarlierCaError::NoCaCertificate => write!(
                f,
                "No CA certificate was among the files: client-ca.pem is missing. {AGAIN}."
            ),
            EarlierCaError::NotACa { certificate } => write!(
                f,
                "The certificate {certificate} is not a CA, so it cannot be the private client \
                 CA. {AGAIN}."
            ),
            EarlierCaError::NoCaKey { certificate } => write!(
                f,
                "The CA certificate {certificate} came without its key: choose client-ca.key \
                 too (both are in the bundle's private-ca/ folder)."
            ),
            EarlierCaError::KeyMismatch { certificate, key } => write!(
                f,
                "The key in {key} does not belong to the CA certificate {certificate}: they come \
                 from different CAs, and nothing was filled in. Choose client-ca.pem and \
                 client-ca.key from the same bundle's private-ca/ folder."
            ),
        }
    }
}

impl std::error::Error for EarlierCaError {}

fn shown(name: &str) -> String {
    crate::text::shown(name, 80)
}

/// One text taken from what was chosen, with where it came from (`bundle.zip: private-ca/…`).
struct Found {
    from: String,
    text: String,
}

/// Whether `bytes` start as a zip does (a local file header, or the end record of an empty zip).
fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The entries of a bundle zip that this reads, by their path inside the bundle's folder
/// (`<cluster>-istio-alb/private-ca/client-ca.pem`, or at the top of the zip).
fn read_zip(file: &str, bytes: &[u8]) -> Result<Vec<(&'static str, Found)>, EarlierCaError> {
    let bad = |e: &dyn fmt::Display| EarlierCaError::BadZip {
        file: shown(file),
        why: e.to_string(),
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let mut found = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| match e {
            zip::result::ZipError::CompressionMethodNotSupported(_) => {
                EarlierCaError::Compressed { file: shown(file) }
            }
            e => bad(&e),
        })?;
        let name = entry.name().map_err(|e| bad(&e))?.into_owned();
        let inner = name.split_once('/').map_or(name.as_str(), |(_, rest)| rest);
        let Some(path) = [CA_CERT, CA_KEY, CLIENT_CERT, CLIENT_KEY]
            .into_iter()
            .find(|p| *p == inner || *p == name)
        else {
            continue;
        };
        if entry.compression() != zip::CompressionMethod::Stored {
            return Err(EarlierCaError::Compressed { file: shown(file) });
        }
        // Never read more than an input may hold, whatever the entry claims.
        let limit = crate::pki::pem::MAX_INPUT_BYTES;
        let mut contents = Vec::new();
        (&mut entry)
            .take(limit as u64 + 1)
            .read_to_end(&mut contents)
            .map_err(|e| bad(&e))?;
        if contents.len() > limit {
            return Err(EarlierCaError::TooLarge {
                file: format!("{}: {path}", shown(file)),
                limit_kib: limit / 1024,
            });
        }
        let text = String::from_utf8(contents).map_err(|_| EarlierCaError::Unreadable {
            file: format!("{}: {path}", shown(file)),
            why: "not UTF-8 text".to_owned(),
        })?;
        found.push((
            path,
            Found {
                from: format!("{}: {path}", shown(file)),
                text,
            },
        ));
    }
    if !found.iter().any(|(p, _)| *p == CA_CERT || *p == CA_KEY) {
        return Err(EarlierCaError::NoPrivateCa { file: shown(file) });
    }
    Ok(found)
}

/// What was chosen, sorted: certificates and keys, each with where it came from.
#[derive(Default)]
struct Pile {
    certs: Vec<(String, Cert)>,
    keys: Vec<(String, PrivateKey)>,
}

impl Pile {
    fn add(&mut self, found: Found, at: i64) {
        let (certs, _) = parse_certs(CertInput::ClientCa, &found.text, at);
        self.certs
            .extend(certs.into_iter().map(|c| (found.from.clone(), c)));
        if let (Some(key), _) = read_private_key(CertInput::ClientCaKey, &found.text, &RustCrypto) {
            self.keys.push((found.from, key));
        }
    }
}

/// The subject of a certificate, as the cards show it.
fn named(cert: &Cert) -> String {
    format!("“{}”", cert.summary.subject)
}

/// Read the private client CA back from what the user chose: the earlier bundle's zip, or PEM
/// files (`client-ca.pem` and `client-ca.key`, and optionally the ALB client certificate and
/// key). `files` are (file name, contents); `at` is the time the certificates are read at.
pub fn read(files: &[(String, Vec<u8>)], at: i64) -> Result<EarlierCa, EarlierCaError> {
    if files.is_empty() {
        return Err(EarlierCaError::NoFiles);
    }
    let mut pile = Pile::default();
    for (name, bytes) in files {
        if is_zip(bytes) {
            if bytes.len() > MAX_ZIP_BYTES {
                return Err(EarlierCaError::TooLarge {
                    file: shown(name),
                    limit_kib: MAX_ZIP_BYTES / 1024,
                });
            }
            for (_, found) in read_zip(name, bytes)? {
                pile.add(found, at);
            }
        } else {
            if bytes.len() > crate::pki::pem::MAX_INPUT_BYTES {
                return Err(EarlierCaError::TooLarge {
                    file: shown(name),
                    limit_kib: crate::pki::pem::MAX_INPUT_BYTES / 1024,
                });
            }
            let (text, _) = crate::file_import::text_from_file(name, bytes).map_err(|e| {
                EarlierCaError::Unreadable {
                    file: shown(name),
                    why: match e {
                        crate::file_import::ImportError::Empty { .. } => "it is empty",
                        crate::file_import::ImportError::Binary { .. } => "it is binary",
                    }
                    .to_owned(),
                }
            })?;
            pile.add(
                Found {
                    from: shown(name),
                    text,
                },
                at,
            );
        }
    }
    let (cas, leaves): (Vec<_>, Vec<_>) = pile.certs.iter().partition(|(_, c)| c.summary.is_ca);
    if cas.is_empty() {
        return Err(match leaves.first() {
            Some((_, leaf)) => EarlierCaError::NotACa {
                certificate: named(leaf),
            },
            None => EarlierCaError::NoCaCertificate,
        });
    }
    // The CA whose key was chosen with it.
    let pair = cas.iter().find_map(|(_, ca)| {
        pile.keys
            .iter()
            .find(|(_, key)| key_matches(key, ca) == Ok(true))
            .map(|(_, key)| (ca, key))
    });
    let Some((ca, ca_key)) = pair else {
        let certificate = named(&cas[0].1);
        return Err(match pile.keys.first() {
            Some((from, _)) => EarlierCaError::KeyMismatch {
                certificate,
                key: from.clone(),
            },
            None => EarlierCaError::NoCaKey { certificate },
        });
    };
    // The ALB client certificate the CA issued, with its own key.
    let client = leaves.iter().find_map(|(_, leaf)| {
        let issued = leaf.parsed.issuer.raw == ca.parsed.subject.raw;
        let key = pile
            .keys
            .iter()
            .find(|(_, key)| key_matches(key, leaf) == Ok(true));
        match (issued, key) {
            (true, Some((_, key))) => Some(Issued {
                cert_pem: crate::pki::pem::encode("CERTIFICATE", &leaf.der),
                key_pem: key.to_pem(),
            }),
            _ => None,
        }
    });
    Ok(EarlierCa {
        ca_pem: crate::pki::pem::encode("CERTIFICATE", &ca.der),
        ca_key_pem: ca_key.to_pem(),
        client,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ca::{ClientCa, init};
    use crate::inputs::CertInputs;

    const AT: i64 = 1_780_000_000;

    /// A chosen file: name and contents.
    type Chosen = (String, Vec<u8>);

    fn random(buf: &mut [u8]) {
        getrandom::fill(buf).expect("the OS gives random bytes");
    }

    fn made() -> ClientCa {
        init("shop-prod", AT, &mut random).expect("a CA is made")
    }

    /// The demo set with `ca` as the private client CA (and its key, as the page fills them).
    fn inputs(ca: &ClientCa, with_key: bool) -> CertInputs {
        let mut certs = crate::demo::cert_inputs();
        certs[CertInput::AlbClientCert] = ca.client.cert_pem.clone();
        certs[CertInput::AlbClientKey] = ca.client.key_pem.clone();
        certs[CertInput::ClientCa] = ca.ca_pem.clone();
        certs[CertInput::ClientCaKey] = if with_key {
            ca.ca_key_pem.clone()
        } else {
            String::new()
        };
        certs
    }

    /// The zip the bundle writer makes for `certs` (the page's download, the CLI's `bundle`).
    fn bundle_zip(certs: &CertInputs) -> Vec<u8> {
        crate::bundle::build(&crate::demo::settings(), certs, AT, true).expect("a bundle")
    }

    /// A zip holding `entries` (path, text), as an edited bundle would.
    fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write as _;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (path, text) in entries {
            w.start_file(*path, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn file(name: &str, bytes: impl Into<Vec<u8>>) -> Chosen {
        (name.to_owned(), bytes.into())
    }

    #[test]
    fn the_bundle_writers_zip_gives_back_the_ca_its_key_and_the_client_pair() {
        let ca = made();
        let zip = bundle_zip(&inputs(&ca, true));
        let earlier = read(&[file("shop-prod-istio-alb.zip", zip)], AT).expect("read back");
        assert_eq!(earlier.ca_pem, ca.ca_pem);
        assert_eq!(earlier.ca_key_pem, ca.ca_key_pem);
        assert_eq!(earlier.client, Some(ca.client));
    }

    #[test]
    fn the_two_pem_files_give_back_the_ca_without_a_client() {
        let ca = made();
        let files = [
            file("client-ca.key", ca.ca_key_pem.clone()),
            file("client-ca.pem", ca.ca_pem.clone()),
        ];
        let earlier = read(&files, AT).expect("read back");
        assert_eq!(
            (earlier.ca_pem, earlier.ca_key_pem, earlier.client),
            (ca.ca_pem, ca.ca_key_pem, None)
        );
    }

    #[test]
    fn what_cannot_be_the_earlier_ca_is_refused_with_a_reason() {
        let ca = made();
        let other = made();
        let without_key = bundle_zip(&inputs(&ca, false));
        let swapped = zip_of(&[
            ("shop-istio-alb/private-ca/client-ca.pem", &ca.ca_pem),
            ("shop-istio-alb/private-ca/client-ca.key", &other.ca_key_pem),
        ]);
        let huge = "A".repeat(crate::pki::pem::MAX_INPUT_BYTES + 1);
        let big = zip_of(&[("shop-istio-alb/private-ca/client-ca.pem", &huge)]);
        // A bundle zipped as before 2026-12-06 (deflate): the same zip, its entries marked as
        // method 8 in the local and the central headers.
        let mut deflated = zip_of(&[("shop-istio-alb/private-ca/client-ca.pem", &ca.ca_pem)]);
        for at in 0..deflated.len().saturating_sub(12) {
            match &deflated[at..at + 4] {
                b"PK\x03\x04" => deflated[at + 8] = 8,
                b"PK\x01\x02" => deflated[at + 10] = 8,
                _ => {}
            }
        }
        let subject = "“O=istio-alb private CA, OU=shop-prod, CN=istio-alb client CA shop-prod”";
        let cases: Vec<(&str, Vec<Chosen>, EarlierCaError)> = vec![
            (
                "a bundle zipped with deflate",
                vec![file("older.zip", deflated)],
                EarlierCaError::Compressed {
                    file: "older.zip".into(),
                },
            ),
            ("nothing chosen", vec![], EarlierCaError::NoFiles),
            (
                "a bundle made without the CA's key",
                vec![file("old.zip", without_key)],
                EarlierCaError::NoPrivateCa {
                    file: "old.zip".into(),
                },
            ),
            (
                "a zip whose key is another CA's",
                vec![file("edited.zip", swapped)],
                EarlierCaError::KeyMismatch {
                    certificate: subject.into(),
                    key: "edited.zip: private-ca/client-ca.key".into(),
                },
            ),
            (
                "the PEM files of two different CAs",
                vec![
                    file("client-ca.pem", ca.ca_pem.clone()),
                    file("other.key", other.ca_key_pem.clone()),
                ],
                EarlierCaError::KeyMismatch {
                    certificate: subject.into(),
                    key: "other.key".into(),
                },
            ),
            (
                "the certificate alone",
                vec![file("client-ca.pem", ca.ca_pem.clone())],
                EarlierCaError::NoCaKey {
                    certificate: subject.into(),
                },
            ),
            (
                "the key alone",
                vec![file("client-ca.key", ca.ca_key_pem.clone())],
                EarlierCaError::NoCaCertificate,
            ),
            (
                "the ALB client certificate instead of the CA",
                vec![
                    file("alb-client.crt", ca.client.cert_pem.clone()),
                    file("client-ca.key", ca.ca_key_pem.clone()),
                ],
                EarlierCaError::NotACa {
                    certificate: "“O=istio-alb private CA, OU=shop-prod, CN=ALB client shop-prod”"
                        .into(),
                },
            ),
            (
                "an entry larger than an input may hold (it is not inflated further)",
                vec![file("big.zip", big)],
                EarlierCaError::TooLarge {
                    file: "big.zip: private-ca/client-ca.pem".into(),
                    limit_kib: 1024,
                },
            ),
            (
                "a binary file that is not a zip",
                vec![file("photo.jpg", vec![0xff, 0xd8, 0xff, 0x00, 0x10])],
                EarlierCaError::Unreadable {
                    file: "photo.jpg".into(),
                    why: "it is binary".into(),
                },
            ),
        ];
        for (what, files, expected) in cases {
            // The page shows the message as it is: one or more sentences, as findings are.
            let message = expected.to_string();
            assert!(
                message.starts_with(char::is_uppercase) && message.ends_with('.'),
                "{what}: {message}"
            );
            assert_eq!(read(&files, AT), Err(expected), "{what}");
        }
    }

    #[test]
    fn no_message_shows_key_material() {
        let ca = made();
        let other = made();
        let body: String = ca
            .ca_key_pem
            .lines()
            .nth(1)
            .expect("a base64 line")
            .chars()
            .take(20)
            .collect();
        // A key pasted as a file name is described, not shown.
        let files = [
            file("client-ca.pem", ca.ca_pem.clone()),
            file(&other.ca_key_pem, other.ca_key_pem.clone()),
        ];
        let message = read(&files, AT).expect_err("a mismatch").to_string();
        assert!(!message.contains(&body), "{message}");
        assert!(!message.contains("BEGIN"), "{message}");
    }
}
