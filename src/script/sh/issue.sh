
# issue_client CA_CERT CA_KEY OUT_DIR: a fresh ALB client certificate and key from the private
# client CA, in OUT_DIR/tls.crt and tls.key, with the profile of `istio-alb ca issue`: ECDSA
# P-256, CA:FALSE, keyUsage digitalSignature (critical), extendedKeyUsage clientAuth only,
# authorityKeyIdentifier, a random 128-bit serial, 365 days.
issue_client() {
  local ca=$1 ca_key=$2 out=$3 name
  name="$(printf '%s' "$CLUSTER_NAME" | tr -cd 'A-Za-z0-9._-' | cut -c1-48)"
  rm -rf "$out"
  mkdir -p "$out"
  if ! same_key "$ca" "$ca_key"; then
    die "${ca_key#"$BUNDLE_DIR"/} is not the key of the client CA ${ca#"$BUNDLE_DIR"/}: no certificate issued"
  fi
  printf '%s\n' 'basicConstraints = critical, CA:FALSE' 'keyUsage = critical, digitalSignature' \
    'extendedKeyUsage = clientAuth' 'authorityKeyIdentifier = keyid' >"$out/ext.cnf"
  if ! {
    openssl ecparam -name prime256v1 -genkey -noout -out "$out/ec.key" &&
      openssl pkcs8 -topk8 -nocrypt -in "$out/ec.key" -out "$out/tls.key" &&
      openssl req -new -key "$out/tls.key" -subj "/O=istio-alb private CA/OU=$name/CN=ALB client $name" -out "$out/client.csr" &&
      openssl x509 -req -in "$out/client.csr" -CA "$ca" -CAkey "$ca_key" -set_serial "0x$(openssl rand -hex 16)" \
        -days 365 -sha256 -extfile "$out/ext.cnf" -out "$out/tls.crt"
  } >"$out/openssl.log" 2>&1; then
    die "openssl could not issue the client certificate: $(tail -n 3 "$out/openssl.log")"
  fi
  rm -f "$out/ec.key" "$out/client.csr"
  if ! openssl verify -CAfile "$ca" -purpose sslclient "$out/tls.crt" >/dev/null 2>&1 || ! same_key "$out/tls.crt" "$out/tls.key"; then
    die "the issued client certificate does not verify against the client CA for client authentication"
  fi
}
