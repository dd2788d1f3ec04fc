//! BoringSSL, the verifier of the Istio gateway (Envoy), on a client case: `X509_verify_cert`
//! as Envoy's default certificate validator calls it for `require_client_certificate` with a
//! trusted CA (`X509_STORE_CTX_set_default(ctx, "ssl_client")`: the SSL client purpose and
//! trust), the trusted CAs in the store, the certificates the client sent as the untrusted chain,
//! the case's time, no depth limit and no partial chains (Istio sets neither).

use super::Case;
use boring::stack::Stack;
use boring::x509::store::X509StoreBuilder;
use boring::x509::{X509, X509StoreContext};
use foreign_types::ForeignTypeRef;

fn certs(pems: &[String]) -> Result<Vec<X509>, String> {
    let mut out = Vec::new();
    for p in pems {
        out.extend(X509::stack_from_pem(p.as_bytes()).map_err(|e| format!("parse: {e}"))?);
    }
    Ok(out)
}

/// BoringSSL's verdict and, when it refuses, its reason (`X509_verify_cert_error_string` and
/// the depth).
pub fn verify(case: &Case) -> (bool, String) {
    match run(case) {
        Ok(()) => (true, String::new()),
        Err(e) => (false, e),
    }
}

fn run(case: &Case) -> Result<(), String> {
    let leaf = X509::from_pem(case.leaf.as_bytes()).map_err(|e| format!("leaf: {e}"))?;
    let mut store = X509StoreBuilder::new().map_err(|e| e.to_string())?;
    for ca in certs(&case.trusted)? {
        store.add_cert(ca).map_err(|e| format!("trusted CA: {e}"))?;
    }
    let store = store.build();
    let mut chain = Stack::new().map_err(|e| e.to_string())?;
    // The leaf text may carry the chain after the leaf, as a client sends it.
    let mut sent = certs(std::slice::from_ref(&case.leaf))?;
    if !sent.is_empty() {
        sent.remove(0);
    }
    for c in sent.into_iter().chain(certs(&case.untrusted)?) {
        chain.push(c).map_err(|e| e.to_string())?;
    }
    let mut ctx = X509StoreContext::new().map_err(|e| e.to_string())?;
    ctx.init(&store, &leaf, &chain, |ctx| {
        // SAFETY: ctx is initialised for the duration of this closure; the name is a
        // NUL-terminated static string.
        let set =
            unsafe { boring_sys::X509_STORE_CTX_set_default(ctx.as_ptr(), c"ssl_client".as_ptr()) };
        assert_eq!(set, 1, "X509_STORE_CTX_set_default(ssl_client)");
        ctx.verify_param_mut().set_time(case.at as _);
        let ok = ctx.verify_cert()?;
        Ok(if ok {
            Ok(())
        } else {
            Err(format!(
                "{} at depth {}",
                ctx.verify_result()
                    .err()
                    .map_or("unknown error".to_owned(), |e| e.to_string()),
                ctx.error_depth()
            ))
        })
    })
    .map_err(|e| e.to_string())?
}
