//! Mozilla's root list, as the `webpki-roots` crate carries it, reduced at build time to one
//! SHA-256 per root (32 bytes each, a few KB in the page instead of the list's ~70 KB of names
//! and keys): `pki::public_ca` recognises a public root, or a CA issued by one, in the client CA
//! input (issue 27).
//!
//! Each root's entry is SHA-256(subject name DER ‖ key identifier), where the key identifier is
//! the SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1). A certificate matches as
//! the root itself through its own subject and key, and as a CA issued by the root through its
//! issuer name and authorityKeyIdentifier. The table is sorted, for a binary search.

use sha1::{Digest as _, Sha1};
use sha2::Sha256;
use std::fmt::Write as _;

/// The DER length octets of `len`.
fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![u8::try_from(len).expect("short form")];
    }
    let bytes: Vec<u8> = len
        .to_be_bytes()
        .into_iter()
        .skip_while(|&b| b == 0)
        .collect();
    let mut out = vec![0x80 | u8::try_from(bytes.len()).expect("few length octets")];
    out.extend(bytes);
    out
}

/// One TLV at the start of `der`: (tag, contents, rest).
fn tlv(der: &[u8]) -> (u8, &[u8], &[u8]) {
    let tag = der[0];
    let (len, header) = if der[1] < 0x80 {
        (usize::from(der[1]), 2)
    } else {
        let n = usize::from(der[1] & 0x7f);
        let len = der[2..2 + n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, 2 + n)
    };
    (tag, &der[header..header + len], &der[header + len..])
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let mut entries: Vec<[u8; 32]> = webpki_roots::TLS_SERVER_ROOTS
        .iter()
        .map(|anchor| {
            // webpki-roots holds the name's and the SubjectPublicKeyInfo's contents, without
            // their outer SEQUENCE: the name gets it back (the certificate's DER has it), the
            // key info gives its BIT STRING, whose first octet counts unused bits.
            let subject: &[u8] = anchor.subject.as_ref();
            let mut name = vec![0x30];
            name.extend(der_len(subject.len()));
            name.extend_from_slice(subject);
            let (_, _, rest) = tlv(anchor.subject_public_key_info.as_ref());
            let (tag, bits, _) = tlv(rest);
            assert_eq!(tag, 0x03, "subjectPublicKey is a BIT STRING");
            let key_id = Sha1::digest(&bits[1..]);
            let mut h = Sha256::new();
            h.update(&name);
            h.update(key_id);
            h.finalize().into()
        })
        .collect();
    entries.sort_unstable();
    entries.dedup();
    let mut out = format!(
        "/// SHA-256(subject ‖ SHA-1 key identifier) of each root of Mozilla's list \
         (webpki-roots), sorted: written by build.rs.\n\
         pub(super) const MOZILLA_ROOTS: [[u8; 32]; {}] = [\n",
        entries.len()
    );
    for e in &entries {
        out.push_str("    [");
        for b in e {
            let _ = write!(out, "{b}, ");
        }
        out.push_str("],\n");
    }
    out.push_str("];\n");
    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(format!("{dir}/mozilla_roots.rs"), out).expect("write the root table");
}
