//! Turning a dropped or picked file into the PEM text the inputs expect.
//!
//! People drop what they have: PEM files (sometimes with a UTF-8 byte-order mark), binary DER
//! certificates exported from a browser or Windows, and now and then a PKCS#12 bundle. PEM
//! passes through unchanged; a DER certificate is converted to PEM (it is public data); anything
//! else binary is refused with the openssl command that converts it, because guessing at private
//! key containers is how keys end up in the wrong place.

use std::fmt;

/// Why a file could not be used as PEM text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The file is empty.
    Empty { file: String },
    /// Binary, and not a DER certificate: most likely PKCS#12 or a DER private key.
    Binary { file: String },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Empty { file } => {
                write!(f, "The file {file} is empty: nothing was loaded from it.")
            }
            ImportError::Binary { file } => write!(
                f,
                "The file {file} is binary, not PEM text, so it was not loaded. A PKCS#12 bundle \
                 (.p12/.pfx) converts with `openssl pkcs12 -in {file} -nodes -out bundle.pem`; a \
                 DER private key with `openssl pkey -inform DER -in {file} -out key.pem`."
            ),
        }
    }
}

/// A file name as a message may show it: control characters escaped, at most 80 characters, and
/// described instead when it looks like key material.
fn shown(name: &str) -> String {
    crate::text::shown(name, 80)
}

/// The text to put into an input for a file called `name` with contents `bytes`.
/// Returns the text and whether it was converted from DER.
pub fn text_from_file(name: &str, bytes: &[u8]) -> Result<(String, bool), ImportError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty { file: shown(name) });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes)
        && !text.contains('\0')
    {
        return Ok((text.to_owned(), false));
    }
    match crate::pki::x509::ParsedCert::from_der_with_rest(bytes) {
        Ok((_, [])) => {
            let block = pem::Pem::new("CERTIFICATE", bytes.to_vec());
            let text = pem::encode_config(
                &block,
                pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
            );
            Ok((text, true))
        }
        _ => Err(ImportError::Binary { file: shown(name) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_text_passes_through_and_bom_is_dropped() {
        let pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert_eq!(
            text_from_file("a.pem", pem.as_bytes()),
            Ok((pem.to_owned(), false))
        );
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), pem.as_bytes()].concat();
        assert_eq!(
            text_from_file("a.pem", &with_bom),
            Ok((pem.to_owned(), false))
        );
    }

    #[test]
    fn empty_and_binary_files_are_refused_by_name() {
        assert_eq!(
            text_from_file("x.pem", b" \n"),
            Err(ImportError::Empty {
                file: "x.pem".into()
            })
        );
        let err = text_from_file("bundle.p12", &[0x30, 0x82, 0x01, 0x00, 0xff, 0x00]).unwrap_err();
        assert_eq!(
            err,
            ImportError::Binary {
                file: "bundle.p12".into()
            }
        );
        let message = err.to_string();
        assert!(
            message.contains("openssl pkcs12 -in bundle.p12"),
            "{message}"
        );
    }
}
