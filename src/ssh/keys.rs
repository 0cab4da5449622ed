//! Keys: the server's own host key, the fingerprints desks' keys are registered by, and which
//! signature algorithms a desk may log in with.

use russh::keys::{Algorithm, HashAlg, PrivateKey, PublicKey};
use std::io::{Read, Write};
use std::path::Path;

/// The SHA-256 fingerprint OpenSSH prints (`SHA256:…`, as `ssh-keygen -lf` shows it).
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Reads an OpenSSH public key line (`ssh-ed25519 AAAA… comment`).
pub fn parse_public_key(text: &str) -> Result<PublicKey, String> {
    PublicKey::from_openssh(text.trim()).map_err(|e| e.to_string())
}

/// Whether a desk may sign its login with `algorithm`. RSA keys log in with rsa-sha2-256/512
/// (PuTTY ≥ 0.75, Xshell 7, OpenSSH); plain `ssh-rsa` signs with SHA-1, which OpenSSH itself
/// refuses since 8.8, so it is refused here too.
pub fn signature_accepted(algorithm: &Algorithm) -> bool {
    !matches!(algorithm, Algorithm::Rsa { hash: None })
}

/// The algorithms the server offers (for its host key and in `server-sig-algs`): russh's
/// defaults without SHA-1 RSA, so clients do not try what would be refused.
pub fn offered_algorithms() -> Vec<Algorithm> {
    russh::Preferred::DEFAULT
        .key
        .iter()
        .filter(|a| signature_accepted(a))
        .cloned()
        .collect()
}

/// The server's host key: read from `path`, or created there (mode 0600) on first start so
/// clients can pin it.
pub fn host_key(path: &Path) -> Result<PrivateKey, String> {
    if path.exists() {
        return russh::keys::load_secret_key(path, None)
            .map_err(|e| format!("{}: {e}", path.display()));
    }
    let mut seed = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut seed))
        .map_err(|e| e.to_string())?;
    let pair = russh::keys::ssh_key::private::Ed25519Keypair::from_seed(&seed);
    let key = PrivateKey::from(pair);
    let text = key
        .to_openssh(russh::keys::ssh_key::LineEnding::LF)
        .map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| e.to_string())?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_logs_in_with_sha2_signatures_only() {
        assert!(signature_accepted(&Algorithm::Rsa {
            hash: Some(HashAlg::Sha256)
        }));
        assert!(signature_accepted(&Algorithm::Rsa {
            hash: Some(HashAlg::Sha512)
        }));
        assert!(!signature_accepted(&Algorithm::Rsa { hash: None }));
        assert!(signature_accepted(&Algorithm::Ed25519));
        let offered = offered_algorithms();
        assert!(offered.contains(&Algorithm::Rsa {
            hash: Some(HashAlg::Sha256)
        }));
        assert!(!offered.contains(&Algorithm::Rsa { hash: None }));
    }

    #[test]
    fn a_created_host_key_is_private_to_its_owner_and_read_back_unchanged() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/host");
        let made = host_key(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let read = host_key(&path).unwrap();
        assert_eq!(
            fingerprint(made.public_key()),
            fingerprint(read.public_key())
        );
    }
}
