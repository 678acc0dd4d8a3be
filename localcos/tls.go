package localcos

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// With Config.TLS the server speaks HTTPS, so that clients exercise TLS,
// certificate checks and proxies (CONNECT) as they do against COS. Each
// start makes a new private CA and a server certificate it signs (ECDSA
// P-256, SAN 127.0.0.1, ::1, localhost and *.localhost); the CA certificate
// (never its key) is written as PEM to Config.CAFile, which clients add to
// their trust pool. Nothing secret touches the disk: the keys live in
// memory for the life of the server.

// DefaultCAFileName is the CA certificate's file name in DataDir when
// Config.CAFile is empty.
const DefaultCAFileName = "localcos-ca.pem"

// serverTLS generates the CA and the leaf certificate.
func serverTLS(hosts []string) (cfg *tls.Config, caPEM []byte, pool *x509.CertPool, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "localcos test CA", Organization: []string{"CosDrop localcos"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, nil, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	leaf := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"CosDrop localcos"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(397 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost", "*.localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			if !ip.IsLoopback() {
				leaf.IPAddresses = append(leaf.IPAddresses, ip)
			}
		} else if h != "" && h != "localhost" {
			leaf.DNSNames = append(leaf.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	pool = x509.NewCertPool()
	pool.AddCert(caCert)
	cfg = &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{der, caDER}, PrivateKey: key}},
	}
	caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return cfg, caPEM, pool, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}

// setupTLS prepares s.tlsConfig and writes the CA file.
func (s *Server) setupTLS() error {
	var hosts []string
	for _, a := range []string{s.cfg.Addr, s.cfg.STSAddr} {
		if h, _, err := net.SplitHostPort(a); err == nil {
			hosts = append(hosts, h)
		}
	}
	cfg, caPEM, pool, err := serverTLS(hosts)
	if err != nil {
		return fmt.Errorf("generate certificate: %w", err)
	}
	path := s.cfg.CAFile
	if path == "" {
		path = filepath.Join(s.cfg.DataDir, DefaultCAFileName)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	// Write then rename, so a client never reads half a certificate.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, caPEM, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	s.tlsConfig, s.caPool, s.caFile = cfg, pool, path
	return nil
}

// CAFile is the path of the PEM CA certificate that signs the server's
// certificate, or "" without Config.TLS.
func (s *Server) CAFile() string { return s.caFile }

// CertPool is a pool holding only the server's CA, or nil without
// Config.TLS. Clients use it as tls.Config.RootCAs.
func (s *Server) CertPool() *x509.CertPool { return s.caPool }
