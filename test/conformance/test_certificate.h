// A self-signed EC certificate and its key (CN=example.com), valid until 2126, for the suites
// that store certificates.
#pragma once

namespace kongdb::conformance {

inline constexpr const char* kCert =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBhDCCASmgAwIBAgIUNiSEpoo76Af945Z6v2N35jj4630wCgYIKoZIzj0EAwIw\n"
    "FjEUMBIGA1UEAwwLZXhhbXBsZS5jb20wIBcNMjYxMTI4MTYxMjU2WhgPMjEyNjEx\n"
    "MDQxNjEyNTZaMBYxFDASBgNVBAMMC2V4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYI\n"
    "KoZIzj0DAQcDQgAEYVSKdzWhXsog9Mw/rACVRMuEHveMtyjxWLtPYmgdrZcJFH6k\n"
    "C49bl91CcNXJFoqdSZieHQTMESgHYjL8yIY3v6NTMFEwHQYDVR0OBBYEFG/yGiFE\n"
    "i5o2+cZuEld6kbFiOFwNMB8GA1UdIwQYMBaAFG/yGiFEi5o2+cZuEld6kbFiOFwN\n"
    "MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAIDxG3rqL/cTABd5\n"
    "a2l+Si5q0/dY749BHHeYy2e+kJD5AiEAu/E9L48Sl08Y0lbzl9EA/Y0QbNPj8IGO\n"
    "85yGnyrhznU=\n"
    "-----END CERTIFICATE-----\n";
inline constexpr const char* kKey =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgq3DNu3oJwiFGL1AH\n"
    "cZFasn55TRgLgU6DwwSK27Cf/VehRANCAARhVIp3NaFeyiD0zD+sAJVEy4Qe94y3\n"
    "KPFYu09iaB2tlwkUfqQLj1uX3UJw1ckWip1JmJ4dBMwRKAdiMvzIhje/\n"
    "-----END PRIVATE KEY-----\n";

}  // namespace kongdb::conformance
