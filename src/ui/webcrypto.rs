//! The checks' public-key arithmetic in the page's first module, asked of the browser's
//! WebCrypto (`crypto.subtle`) instead of carrying RustCrypto's RSA, P-256/P-384 and Ed25519
//! (issue 26; `pki::crypto` says how the check asks). WebCrypto exists only in a secure context
//! (https, localhost, file://); a page served over plain http elsewhere gets its answers from
//! the second module, which carries RustCrypto for the bundle anyway (`ui::lazy`).
//!
//! What WebCrypto is handed is built by the core (`pki::crypto::{rsa_spki, pkcs8, ecdsa_raw}`,
//! tested natively against RustCrypto's decoders). A key or signature WebCrypto refuses to
//! import or read is a signature that does not verify, or a key that does not decode: the
//! answers RustCrypto gives for them.

use crate::inputs::CertInputs;
use crate::pki::CheckReport;
use crate::pki::crypto::{
    Answer, Answers, Asking, Hash, KeyDer, Question, SigAlg, ecdsa_raw, pkcs8, rsa_spki,
};
use crate::pki::key::PublicKey;
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `crypto.subtle`, when the page may use it.
fn subtle() -> Option<Object> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).ok()?;
    subtle.dyn_into::<Object>().ok()
}

/// A plain object of `(name, value)` pairs.
fn object(fields: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in fields {
        // Setting a field of a new plain object cannot fail.
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

/// `subtle[method](...args)`, awaited.
async fn call(subtle: &Object, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = Reflect::get(subtle, &method.into())?.dyn_into()?;
    let args: Array = args.iter().collect();
    let promise: Promise = f.apply(subtle, &args)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// The import algorithm and the verify algorithm of a signature scheme.
fn algorithms(alg: SigAlg) -> (Object, Object) {
    let name = |n: &str| ("name", JsValue::from_str(n));
    let hash = |h: Hash| ("hash", JsValue::from_str(h.name()));
    match alg {
        SigAlg::RsaPkcs1(h) => (
            object(&[name("RSASSA-PKCS1-v1_5"), hash(h)]),
            object(&[name("RSASSA-PKCS1-v1_5")]),
        ),
        SigAlg::RsaPss(h) => (
            object(&[name("RSA-PSS"), hash(h)]),
            object(&[
                name("RSA-PSS"),
                ("saltLength", JsValue::from(h.output_len() as u32)),
            ]),
        ),
        SigAlg::Ecdsa(c, h) => (
            object(&[name("ECDSA"), ("namedCurve", JsValue::from_str(c.name()))]),
            object(&[name("ECDSA"), hash(h)]),
        ),
        SigAlg::Ed25519 => (object(&[name("Ed25519")]), object(&[name("Ed25519")])),
    }
}

async fn verify(
    subtle: &Object,
    alg: SigAlg,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<bool, JsValue> {
    let (import, check) = algorithms(alg);
    let (format, key_data, signature) = match alg {
        SigAlg::RsaPkcs1(_) | SigAlg::RsaPss(_) => {
            ("spki", rsa_spki(public_key), signature.to_vec())
        }
        SigAlg::Ecdsa(c, _) => match ecdsa_raw(signature, c) {
            Some(raw) => ("raw", public_key.to_vec(), raw),
            None => return Ok(false),
        },
        SigAlg::Ed25519 => ("raw", public_key.to_vec(), signature.to_vec()),
    };
    let usages: Array = [JsValue::from_str("verify")].iter().collect();
    let key = call(
        subtle,
        "importKey",
        &[
            format.into(),
            bytes(&key_data),
            import.into(),
            false.into(),
            usages.into(),
        ],
    )
    .await?;
    let ok = call(
        subtle,
        "verify",
        &[check.into(), key, bytes(&signature), bytes(message)],
    )
    .await?;
    Ok(ok.as_bool() == Some(true))
}

/// A JWK field, base64url without padding, as bytes.
fn jwk_bytes(jwk: &JsValue, field: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let text = Reflect::get(jwk, &field.into()).ok()?.as_string()?;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()
}

async fn public_key(
    subtle: &Object,
    der: KeyDer,
    key: &[u8],
) -> Result<Option<PublicKey>, JsValue> {
    // A private key is imported as the key of a signature scheme of its type (the hash matters
    // to WebCrypto only when signing, which nothing here does).
    let scheme = match der {
        KeyDer::Pkcs1Rsa | KeyDer::Pkcs8Rsa => SigAlg::RsaPkcs1(Hash::Sha256),
        KeyDer::Sec1(c) | KeyDer::Pkcs8Ec(c) => SigAlg::Ecdsa(c, Hash::Sha256),
        KeyDer::Pkcs8Ed25519 => SigAlg::Ed25519,
    };
    let (algorithm, _) = algorithms(scheme);
    let usages: Array = [JsValue::from_str("sign")].iter().collect();
    let imported = call(
        subtle,
        "importKey",
        &[
            "pkcs8".into(),
            bytes(&pkcs8(der, key)),
            algorithm.into(),
            true.into(),
            usages.into(),
        ],
    )
    .await?;
    let jwk = call(subtle, "exportKey", &["jwk".into(), imported]).await?;
    let field = |f: &str| jwk_bytes(&jwk, f);
    Ok(match der {
        KeyDer::Pkcs1Rsa | KeyDer::Pkcs8Rsa => field("n")
            .zip(field("e"))
            .map(|(n, e)| PublicKey::rsa(&n, &e)),
        KeyDer::Sec1(c) | KeyDer::Pkcs8Ec(c) => field("x")
            .zip(field("y"))
            .and_then(|(x, y)| PublicKey::ec(c, &[&[4][..], &x, &y].concat())),
        KeyDer::Pkcs8Ed25519 => field("x")
            .and_then(|x| <[u8; 32]>::try_from(x).ok())
            .map(PublicKey::Ed25519),
    })
}

async fn answer_one(subtle: &Object, q: &Question) -> Answer {
    match q {
        Question::Signature {
            alg,
            public_key,
            message,
            signature,
        } => Answer::Signature(
            verify(subtle, *alg, public_key, message, signature)
                .await
                .unwrap_or(false),
        ),
        Question::PublicKey { der, key } => {
            Answer::PublicKey(public_key(subtle, *der, key).await.ok().flatten())
        }
    }
}

/// Answer `questions`: by WebCrypto, all at once, or by the second module where the page has
/// no WebCrypto. `Err` only when neither could answer (the second module did not load).
pub async fn answer(questions: Vec<Question>) -> Result<Vec<(Question, Answer)>, String> {
    let Some(subtle) = subtle() else {
        return crate::ui::lazy::answer(&questions)
            .await
            .map(|answers| questions.into_iter().zip(answers).collect());
    };
    // All at once: WebCrypto works on them off the page's thread.
    let answers = futures::future::join_all(questions.iter().map(|q| answer_one(&subtle, q))).await;
    Ok(questions.into_iter().zip(answers).collect())
}

/// The certificate check of `certs` at `now`, as the page shows it: the check asks WebCrypto for
/// its signatures and keys, which answers asynchronously; a run that asked something new is not
/// shown: the report stays the last complete one until the answers are in and the run that uses
/// them is complete (`pki::crypto`).
pub fn report(certs: Memo<CertInputs>, now: RwSignal<i64>) -> Memo<CheckReport> {
    let answers = RwSignal::new(Answers::new());
    let asked = Memo::new(move |_| {
        certs.with(|c| {
            answers.with(|a| {
                let asking = Asking::new(a);
                let report = crate::plan::check(c, now.get(), &asking);
                (report, asking.missing(), asking.answered())
            })
        })
    });
    let report = Memo::new(move |last: Option<&CheckReport>| {
        asked.with(|(report, missing, _)| match last {
            Some(last) if !missing.is_empty() => last.clone(),
            _ => report.clone(),
        })
    });
    Effect::new(move |_| {
        let (missing, answered) = asked.with(|(_, m, a)| (m.clone(), a.clone()));
        if missing.is_empty() {
            // Forget what the inputs no longer ask (a key that was replaced, say).
            if answers.with_untracked(|a| a.len() > answered.len()) {
                answers.update(|a| a.retain(|q, _| answered.contains(q)));
            }
            return;
        }
        leptos::task::spawn_local(async move {
            match answer(missing).await {
                Ok(got) => answers.update(|a| a.extend(got)),
                Err(e) => leptos::logging::error!("the certificates could not be checked: {e}"),
            }
        });
    });
    report
}
