// Command traefikclient is a stand-in for the client side of a Traefik ALB: it reads a
// ServersTransport (traefik.io/v1alpha1) and the Kubernetes secrets it names, builds the
// crypto/tls configuration as Traefik does, and makes one HTTPS request through it.
//
// Traefik itself cannot be built here; its verifier is Go's standard library, which this
// program uses unchanged. What it takes from Traefik (its documentation of the ServersTransport
// CRD, doc.traefik.io "Kubernetes CRD / HTTP / ServersTransport", and the kubernetescrd provider):
//
//   - serverName is tls.Config.ServerName: the SNI sent and the name the gateway certificate is
//     verified against;
//   - rootCAs (entries {secret: NAME}) are read from the secret's "tls.ca" key, else its
//     "ca.crt" key, and appended to one x509.CertPool (AppendCertsFromPEM, which skips what it
//     cannot parse); a secret with neither key makes the transport unusable;
//   - certificatesSecrets name kubernetes.io/tls secrets whose "tls.crt" and "tls.key" become
//     tls.Config.Certificates (tls.X509KeyPair); a pair that does not load is left out with a
//     log line, as Traefik does, and the request goes on without it;
//   - insecureSkipVerify is InsecureSkipVerify (the bundle never sets it).
//
// Objects are read as JSON, as Traefik gets them from the API server: -transport is the
// ServersTransport, -secrets a folder with one NAME.json per Secret. The request goes to -url
// (the gateway's address) with the Host header -host; the time is the machine's, as in Traefik.
// It prints "status N" and exits 0 when a response came back; otherwise it prints Go's error on
// stderr and exits 1 (2 when its input cannot be used).
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

type serversTransport struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		ServerName         string `json:"serverName"`
		InsecureSkipVerify bool   `json:"insecureSkipVerify"`
		RootCAs            []struct {
			Secret    string `json:"secret"`
			ConfigMap string `json:"configMap"`
		} `json:"rootCAs"`
		RootCAsSecrets      []string `json:"rootCAsSecrets"`
		CertificatesSecrets []string `json:"certificatesSecrets"`
	} `json:"spec"`
}

// secret is a v1 Secret; encoding/json decodes its base64 data into bytes.
type secret struct {
	Kind string            `json:"kind"`
	Data map[string][]byte `json:"data"`
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func readSecret(dir, name string) (secret, error) {
	var s secret
	if err := readJSON(filepath.Join(dir, name+".json"), &s); err != nil {
		return s, fmt.Errorf("secret %s: %w", name, err)
	}
	if s.Kind != "Secret" {
		return s, fmt.Errorf("secret %s: kind is %q, not Secret", name, s.Kind)
	}
	return s, nil
}

// tlsConfig builds the client configuration of one ServersTransport as Traefik does.
func tlsConfig(st serversTransport, secrets string) (*tls.Config, error) {
	if st.Kind != "ServersTransport" {
		return nil, fmt.Errorf("the transport's kind is %q, not ServersTransport", st.Kind)
	}
	var caNames []string
	for _, r := range st.Spec.RootCAs {
		if r.ConfigMap != "" {
			return nil, fmt.Errorf("rootCAs from a ConfigMap (%s) are not read by this stand-in", r.ConfigMap)
		}
		caNames = append(caNames, r.Secret)
	}
	caNames = append(caNames, st.Spec.RootCAsSecrets...)
	var roots *x509.CertPool
	if len(caNames) > 0 {
		roots = x509.NewCertPool()
		for _, name := range caNames {
			s, err := readSecret(secrets, name)
			if err != nil {
				return nil, err
			}
			pem, ok := s.Data["tls.ca"]
			if !ok {
				pem, ok = s.Data["ca.crt"]
			}
			if !ok {
				return nil, fmt.Errorf("secret %s contains neither tls.ca nor ca.crt", name)
			}
			roots.AppendCertsFromPEM(pem)
		}
	}
	var certs []tls.Certificate
	for _, name := range st.Spec.CertificatesSecrets {
		s, err := readSecret(secrets, name)
		if err != nil {
			return nil, err
		}
		pair, err := tls.X509KeyPair(s.Data["tls.crt"], s.Data["tls.key"])
		if err != nil {
			// Traefik logs this and goes on without the certificate.
			fmt.Fprintf(os.Stderr, "traefikclient: certificate of secret %s left out: %v\n", name, err)
			continue
		}
		certs = append(certs, pair)
	}
	return &tls.Config{
		ServerName:         st.Spec.ServerName,
		InsecureSkipVerify: st.Spec.InsecureSkipVerify,
		RootCAs:            roots,
		Certificates:       certs,
	}, nil
}

func run() (int, error) {
	transport := flag.String("transport", "", "the ServersTransport, as JSON")
	secrets := flag.String("secrets", "", "a folder with one NAME.json per Secret")
	url := flag.String("url", "", "the gateway URL, e.g. https://127.0.0.1:8443/status")
	host := flag.String("host", "", "the Host header (default: the URL's host)")
	timeout := flag.Duration("timeout", 10*time.Second, "the deadline of the request")
	flag.Parse()
	if *transport == "" || *secrets == "" || *url == "" {
		return 2, errors.New("-transport, -secrets and -url are required")
	}
	var st serversTransport
	if err := readJSON(*transport, &st); err != nil {
		return 2, fmt.Errorf("reading the transport: %w", err)
	}
	cfg, err := tlsConfig(st, *secrets)
	if err != nil {
		return 2, fmt.Errorf("building the TLS configuration: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return 2, fmt.Errorf("the URL %q: %w", *url, err)
	}
	if *host != "" {
		req.Host = *host
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
	resp, err := client.Do(req)
	if err != nil {
		return 1, fmt.Errorf("the request through the transport failed: %w", err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 1, fmt.Errorf("reading the response: %w", err)
	}
	fmt.Printf("status %d\n", resp.StatusCode)
	return 0, nil
}

func main() {
	code, err := run()
	if err != nil {
		fmt.Fprintf(os.Stderr, "traefikclient: %v\n", err)
	}
	os.Exit(code)
}
