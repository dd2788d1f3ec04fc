// Command x509verify verifies certificate chains with Go's crypto/x509, the verifier of a
// Traefik ALB (Traefik is written in Go and verifies upstream certificates with crypto/tls,
// which calls x509.Certificate.Verify).
//
// It reads a JSON array of cases from the file named as its argument (standard input without
// one) and writes one JSON object per case, one a
// line, in the same order:
//
//	in:  [{"id": "...", "leaf": "PEM", "intermediates": "PEM", "roots": "PEM",
//	       "name": "gw.example.com", "usage": "server"|"client", "at": 1767225600}]
//	out: {"id": "...", "ok": true|false, "error": "x509: ..."}
//
// The leaf and the intermediates are parsed as crypto/tls parses what a peer sends: a
// certificate that does not parse fails the case. The roots are read as Traefik reads a
// ServersTransport's rootCAs (x509.CertPool.AppendCertsFromPEM), which skips a certificate it
// cannot parse; a roots text with no usable certificate fails the case. Verify gets the peer
// name as DNSName (empty: no name check), the usage as KeyUsages (ExtKeyUsageServerAuth or
// ExtKeyUsageClientAuth) and the case's time as CurrentTime.
//
// It exits non-zero with a sentence on stderr only when its input cannot be read.
package main

import (
	"bufio"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"time"
)

type input struct {
	ID            string `json:"id"`
	Leaf          string `json:"leaf"`
	Intermediates string `json:"intermediates"`
	Roots         string `json:"roots"`
	Name          string `json:"name"`
	Usage         string `json:"usage"`
	At            int64  `json:"at"`
}

type output struct {
	ID    string `json:"id"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// parseAll parses every CERTIFICATE block of text; the first failure is returned.
func parseAll(text string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := []byte(text)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return out, nil
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parsing a certificate: %w", err)
		}
		out = append(out, c)
	}
}

func verify(in input) error {
	leaves, err := parseAll(in.Leaf)
	if err != nil {
		return fmt.Errorf("leaf: %w", err)
	}
	if len(leaves) == 0 {
		return fmt.Errorf("leaf: no certificate")
	}
	intermediates, err := parseAll(in.Intermediates)
	if err != nil {
		return fmt.Errorf("intermediates: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM([]byte(in.Roots)) {
		return fmt.Errorf("roots: no certificate could be read")
	}
	pool := x509.NewCertPool()
	// The leaf text may carry intermediates after the leaf, as a TLS peer sends them.
	for _, c := range append(leaves[1:], intermediates...) {
		pool.AddCert(c)
	}
	var usage x509.ExtKeyUsage
	switch in.Usage {
	case "server":
		usage = x509.ExtKeyUsageServerAuth
	case "client":
		usage = x509.ExtKeyUsageClientAuth
	default:
		return fmt.Errorf("usage %q is neither server nor client", in.Usage)
	}
	_, err = leaves[0].Verify(x509.VerifyOptions{
		DNSName:       in.Name,
		Intermediates: pool,
		Roots:         roots,
		CurrentTime:   time.Unix(in.At, 0),
		KeyUsages:     []x509.ExtKeyUsage{usage},
	})
	return err
}

func main() {
	in, from := os.Stdin, "standard input"
	if len(os.Args) > 1 {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "x509verify: %v\n", err)
			os.Exit(2)
		}
		defer f.Close()
		in, from = f, os.Args[1]
	}
	var cases []input
	if err := json.NewDecoder(bufio.NewReader(in)).Decode(&cases); err != nil {
		fmt.Fprintf(os.Stderr, "x509verify: reading the cases from %s: %v\n", from, err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(w)
	for _, c := range cases {
		o := output{ID: c.ID, OK: true}
		if err := verify(c); err != nil {
			o.OK, o.Error = false, err.Error()
		}
		if err := enc.Encode(o); err != nil {
			fmt.Fprintf(os.Stderr, "x509verify: writing the verdicts: %v\n", err)
			os.Exit(2)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(os.Stderr, "x509verify: writing the verdicts: %v\n", err)
		os.Exit(2)
	}
}
