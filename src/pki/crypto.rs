//! The public-key arithmetic the checks need, asked of a [`Crypto`]: does a signature verify,
//! and what is the public half of a private key. Everything else (reading, names, dates,
//! constraints, path building) is the core's own and needs neither.
//!
//! - The CLI, the tests and the page's second module answer with RustCrypto
//!   ([`super::rustcrypto::RustCrypto`]).
//! - The page's first module asks the browser's WebCrypto, which answers asynchronously
//!   (`ui::webcrypto`). So the check runs with the answers known so far ([`Asking`]): a question
//!   it has no answer for is recorded and answered optimistically (a signature verifies, so that
//!   the path is followed to its end and its other questions come in the same round), and the
//!   report of such a run is never shown. Once the browser has answered, the check runs again;
//!   it is final when it asked nothing new ([`check_until_answered`] is that loop, synchronous).
//!
//! Keeping the big-number and curve arithmetic out of the first module is what makes it light
//! (issue 26): RustCrypto's RSA, P-256/P-384 and Ed25519 were about 150 KB of its code.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;

/// A digest of the signature schemes the checks accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// WebCrypto's name of the hash.
    pub fn name(self) -> &'static str {
        match self {
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    /// The digest's length in bytes (RSA-PSS's salt length as webpki's identifiers encode it).
    pub fn output_len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }
}

/// The curves the checks accept for ECDSA keys and signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EcCurve {
    P256,
    P384,
}

impl EcCurve {
    /// WebCrypto's name of the curve.
    pub fn name(self) -> &'static str {
        match self {
            EcCurve::P256 => "P-256",
            EcCurve::P384 => "P-384",
        }
    }

    /// The size of a coordinate (and of a scalar) in bytes.
    pub fn field_len(self) -> usize {
        match self {
            EcCurve::P256 => 32,
            EcCurve::P384 => 48,
        }
    }

    /// The curve's OID, DER content bytes.
    pub fn oid(self) -> &'static [u8] {
        match self {
            EcCurve::P256 => &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
            EcCurve::P384 => &[0x2b, 0x81, 0x04, 0x00, 0x22],
        }
    }
}

/// A signature scheme: what webpki's algorithm identifiers name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SigAlg {
    /// RSA PKCS#1 v1.5; the key is a PKCS#1 `RSAPublicKey`.
    RsaPkcs1(Hash),
    /// RSA-PSS with MGF1 of the same hash and a salt as long as the digest.
    RsaPss(Hash),
    /// ECDSA; the key is a SEC1 point, the signature DER `Ecdsa-Sig-Value`.
    Ecdsa(EcCurve, Hash),
    /// Ed25519; the key is 32 bytes, the signature 64.
    Ed25519,
}

/// How a private key's DER is encoded (the key input's PEM block, or its PKCS#8 content).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyDer {
    /// PKCS#1 `RSAPrivateKey`.
    Pkcs1Rsa,
    /// SEC1 `ECPrivateKey` on this curve.
    Sec1(EcCurve),
    /// PKCS#8 `PrivateKeyInfo` of an RSA key.
    Pkcs8Rsa,
    /// PKCS#8 `PrivateKeyInfo` of an EC key on this curve.
    Pkcs8Ec(EcCurve),
    /// PKCS#8 `PrivateKeyInfo` of an Ed25519 key.
    Pkcs8Ed25519,
}

/// The public half of a key, comparable across encodings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PublicKey {
    /// Big-endian modulus and exponent without leading zeros.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// An ECDSA point in SEC1's compressed form (2 or 3, then x): one encoding per point, read
    /// from either form without any curve arithmetic. Whether it is on the curve is not
    /// checked here: a key derived from a private key always is, so a point that is not can
    /// only mismatch.
    Ec {
        curve: EcCurve,
        point: Vec<u8>,
    },
    Ed25519([u8; 32]),
}

impl PublicKey {
    pub fn describe(&self) -> String {
        match self {
            PublicKey::Rsa { n, .. } => format!("RSA {}", super::x509::bit_len(n)),
            PublicKey::Ec { curve, .. } => format!("ECDSA {}", curve.name()),
            PublicKey::Ed25519(_) => "Ed25519".to_owned(),
        }
    }

    /// An RSA key from its big-endian modulus and exponent.
    pub fn rsa(n: &[u8], e: &[u8]) -> PublicKey {
        PublicKey::Rsa {
            n: strip_zeros(n),
            e: strip_zeros(e),
        }
    }

    /// An EC key from a SEC1 point, compressed or not; `None` for any other encoding or length.
    pub fn ec(curve: EcCurve, point: &[u8]) -> Option<PublicKey> {
        let f = curve.field_len();
        let compressed = match point {
            [4, rest @ ..] if rest.len() == 2 * f => {
                let mut c = Vec::with_capacity(f + 1);
                c.push(2 | (rest[2 * f - 1] & 1));
                c.extend_from_slice(&rest[..f]);
                c
            }
            [2 | 3, x @ ..] if x.len() == f => point.to_vec(),
            _ => return None,
        };
        Some(PublicKey::Ec {
            curve,
            point: compressed,
        })
    }
}

fn strip_zeros(b: &[u8]) -> Vec<u8> {
    let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b[start..].to_vec()
}

/// Public-key arithmetic, answered at once. `Sync` because webpki's algorithms must be.
pub trait Crypto: Sync {
    /// Does `signature` over `message` verify with `public_key` under `alg`? Keys and signatures
    /// that do not decode are `false`, never a panic.
    fn verify(&self, alg: SigAlg, public_key: &[u8], message: &[u8], signature: &[u8]) -> bool;
    /// The public half of a private key, or `None` when the key does not decode as `der` says
    /// (or is not a valid key of its kind).
    fn public_key(&self, der: KeyDer, key: &[u8]) -> Option<PublicKey>;
}

/// One thing a [`Crypto`] is asked, with everything needed to answer it elsewhere.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Question {
    Signature {
        alg: SigAlg,
        public_key: Vec<u8>,
        message: Vec<u8>,
        signature: Vec<u8>,
    },
    PublicKey {
        der: KeyDer,
        key: Vec<u8>,
    },
}

impl std::fmt::Debug for Question {
    // Never prints key material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Question::Signature { alg, message, .. } => {
                write!(f, "Signature({alg:?}, {} bytes signed)", message.len())
            }
            Question::PublicKey { der, .. } => write!(f, "PublicKey({der:?})"),
        }
    }
}

/// What a question was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    Signature(bool),
    PublicKey(Option<PublicKey>),
}

impl Question {
    /// Answer it with `crypto`.
    pub fn answer(&self, crypto: &dyn Crypto) -> Answer {
        match self {
            Question::Signature {
                alg,
                public_key,
                message,
                signature,
            } => Answer::Signature(crypto.verify(*alg, public_key, message, signature)),
            Question::PublicKey { der, key } => Answer::PublicKey(crypto.public_key(*der, key)),
        }
    }
}

/// The answers known so far.
pub type Answers = HashMap<Question, Answer>;

/// A [`Crypto`] that answers from [`Answers`] and records what they do not hold.
pub struct Asking<'a> {
    answers: &'a Answers,
    // Mutexes because webpki wants `Sync` algorithms; nothing here runs on two threads.
    missing: Mutex<Vec<Question>>,
    asked: Mutex<Vec<Question>>,
}

impl<'a> Asking<'a> {
    pub fn new(answers: &'a Answers) -> Self {
        Asking {
            answers,
            missing: Mutex::new(Vec::new()),
            asked: Mutex::new(Vec::new()),
        }
    }

    fn ask(&self, q: Question) -> Option<Answer> {
        let known = self.answers.get(&q).cloned();
        let list = if known.is_some() {
            &self.asked
        } else {
            &self.missing
        };
        let mut list = list.lock().unwrap_or_else(|e| e.into_inner());
        if !list.contains(&q) {
            list.push(q);
        }
        known
    }

    /// The questions asked that had no answer, each once, in the order asked.
    pub fn missing(&self) -> Vec<Question> {
        self.missing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The questions asked that had an answer (to forget the others).
    pub fn answered(&self) -> Vec<Question> {
        self.asked.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Crypto for Asking<'_> {
    fn verify(&self, alg: SigAlg, public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
        let q = Question::Signature {
            alg,
            public_key: public_key.to_vec(),
            message: message.to_vec(),
            signature: signature.to_vec(),
        };
        match self.ask(q) {
            Some(Answer::Signature(ok)) => ok,
            // Not known yet: assume it verifies, so that this run follows the path to its end
            // and asks that path's other questions now rather than in a later round.
            Some(Answer::PublicKey(_)) | None => true,
        }
    }

    fn public_key(&self, der: KeyDer, key: &[u8]) -> Option<PublicKey> {
        let q = Question::PublicKey {
            der,
            key: key.to_vec(),
        };
        match self.ask(q) {
            Some(Answer::PublicKey(p)) => p,
            Some(Answer::Signature(_)) | None => None,
        }
    }
}

/// Run `check` until it asks nothing new, answering with `crypto` between runs: the page's loop
/// (where the browser answers between runs) made synchronous, for tests and benchmarks. Returns
/// the final result and the number of runs.
pub fn check_until_answered<T>(
    crypto: &dyn Crypto,
    answers: &mut Answers,
    mut check: impl FnMut(&dyn Crypto) -> T,
) -> (T, usize) {
    let mut runs = 0;
    loop {
        runs += 1;
        let asking = Asking::new(answers);
        let result = check(&asking);
        let missing = asking.missing();
        if missing.is_empty() {
            return (result, runs);
        }
        for q in missing {
            let a = q.answer(crypto);
            answers.insert(q, a);
        }
    }
}

// --- encodings WebCrypto takes (pure, so that they are tested natively) ---

/// A DER element: `tag`, definite length, `content`.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let n = content.len();
    let mut out = vec![tag];
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let len = n.to_be_bytes();
        let skip = len.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (len.len() - skip) as u8);
        out.extend_from_slice(&len[skip..]);
    }
    out.extend_from_slice(content);
    out
}

const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

fn rsa_algorithm() -> Vec<u8> {
    der(
        0x30,
        &[der(0x06, OID_RSA_ENCRYPTION), vec![0x05, 0x00]].concat(),
    )
}

/// A PKCS#1 `RSAPublicKey` as a `SubjectPublicKeyInfo` (WebCrypto imports RSA keys as SPKI).
pub fn rsa_spki(pkcs1: &[u8]) -> Vec<u8> {
    let bits = der(0x03, &[&[0][..], pkcs1].concat());
    der(0x30, &[rsa_algorithm(), bits].concat())
}

/// A private key as PKCS#8 `PrivateKeyInfo` (WebCrypto imports private keys only so): PKCS#1
/// and SEC1 keys are wrapped, PKCS#8 keys returned as they are.
pub fn pkcs8(kind: KeyDer, key: &[u8]) -> Vec<u8> {
    let wrap = |algorithm: Vec<u8>| {
        let content = [vec![0x02, 0x01, 0x00], algorithm, der(0x04, key)].concat();
        der(0x30, &content)
    };
    match kind {
        KeyDer::Pkcs1Rsa => wrap(rsa_algorithm()),
        KeyDer::Sec1(curve) => wrap(der(
            0x30,
            &[der(0x06, OID_EC_PUBLIC_KEY), der(0x06, curve.oid())].concat(),
        )),
        KeyDer::Pkcs8Rsa | KeyDer::Pkcs8Ec(_) | KeyDer::Pkcs8Ed25519 => key.to_vec(),
    }
}

/// An ECDSA signature from DER (`SEQUENCE { r INTEGER, s INTEGER }`, as X.509 carries it) to
/// the fixed-width `r || s` WebCrypto verifies. `None` for anything but strict DER of two
/// positive integers that fit the curve (what RustCrypto's `Signature::from_der` takes).
pub fn ecdsa_raw(signature: &[u8], curve: EcCurve) -> Option<Vec<u8>> {
    /// One DER element of `tag` at the start of `b` (short or long definite length, minimal):
    /// its content and what follows.
    fn element(b: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
        let (&t, rest) = b.split_first()?;
        let (&l, rest) = rest.split_first()?;
        if t != tag {
            return None;
        }
        let (len, rest) = match l {
            0..=0x7f => (usize::from(l), rest),
            0x81 => {
                let (&n, rest) = rest.split_first()?;
                if n < 0x80 {
                    return None;
                }
                (usize::from(n), rest)
            }
            _ => return None,
        };
        (rest.len() >= len).then(|| rest.split_at(len))
    }
    let f = curve.field_len();
    let (seq, after) = element(signature, 0x30)?;
    if !after.is_empty() {
        return None;
    }
    let (r, seq) = element(seq, 0x02)?;
    let (s, seq) = element(seq, 0x02)?;
    if !seq.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(2 * f);
    for int in [r, s] {
        // Positive and minimal: no sign bit, no leading zero unless the next byte needs it.
        let digits = match int {
            [] => return None,
            [0] => return None,
            [0, next, ..] if next & 0x80 == 0 => return None,
            [0, rest @ ..] => rest,
            [first, ..] if first & 0x80 != 0 => return None,
            all => all,
        };
        if digits.len() > f || digits.iter().all(|&b| b == 0) {
            return None;
        }
        out.extend(std::iter::repeat_n(0, f - digits.len()));
        out.extend_from_slice(digits);
    }
    Some(out)
}
