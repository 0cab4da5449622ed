//! Creating the files that carry patient data out of the database (exports, handovers,
//! backups): readable by the owner only (0600, whatever the umask), written beside the target
//! and published whole, never over an existing file unless replacement was asked for, never
//! through a symbolic link, and never onto an SQLite database or its `-wal`/`-shm`/`-journal`.
//! Every writer goes through `write_private`; `private_dir` makes the folders they go in.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// The first 16 bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// What to do when the target exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse: the file is created only if nothing has that name (`O_EXCL` semantics).
    Refuse,
    /// Replace a regular file atomically (`--force`): readers see the old file or the new one.
    Replace,
}

/// Why a file was not written; each maps to a sentence in the catalogue.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{0} already exists")]
    Exists(PathBuf),
    #[error("{0} is a symbolic link")]
    Symlink(PathBuf),
    #[error("{0} is a database file")]
    Database(PathBuf),
    #[error("{0} is not a regular file")]
    NotRegular(PathBuf),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: {reason}")]
    Write { path: PathBuf, reason: String },
}

impl FileError {
    fn io(path: &Path, source: io::Error) -> FileError {
        FileError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            FileError::Exists(p)
            | FileError::Symlink(p)
            | FileError::Database(p)
            | FileError::NotRegular(p)
            | FileError::Io { path: p, .. }
            | FileError::Write { path: p, .. } => p,
        }
    }
}

/// Writes `path` with what `fill` puts in a fresh owner-only file. The content goes to a
/// temporary file in the same folder, is flushed to disk, and only then takes the target's
/// name, so a crash leaves the old file or nothing, never half a report.
pub fn write_private(
    path: &Path,
    existing: Existing,
    fill: impl FnOnce(&mut File) -> Result<(), String>,
) -> Result<(), FileError> {
    check_target(path, existing)?;
    let (tmp, mut file) = create_temp_beside(path)?;
    let written = fill(&mut file)
        .map_err(|reason| FileError::Write {
            path: path.to_path_buf(),
            reason,
        })
        .and_then(|()| file.sync_all().map_err(|e| FileError::io(path, e)));
    drop(file);
    let published = written.and_then(|()| publish(&tmp, path, existing));
    if published.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    published?;
    sync_dir(path);
    Ok(())
}

/// Like `write_private`, for writers that need a path rather than an open file (SQLite's
/// backup): `fill` gets the path of an empty owner-only temporary file beside the target.
pub fn write_private_at(
    path: &Path,
    existing: Existing,
    fill: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), FileError> {
    check_target(path, existing)?;
    let (tmp, file) = create_temp_beside(path)?;
    drop(file);
    let written = fill(&tmp)
        .map_err(|reason| FileError::Write {
            path: path.to_path_buf(),
            reason,
        })
        .and_then(|()| {
            File::open(&tmp)
                .and_then(|f| f.sync_all())
                .map_err(|e| FileError::io(path, e))
        });
    let published = written.and_then(|()| publish(&tmp, path, existing));
    if published.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    // SQLite may leave its companions beside the temporary name after a failure.
    for suffix in ["-journal", "-wal", "-shm"] {
        let mut companion = tmp.clone().into_os_string();
        companion.push(suffix);
        let _ = std::fs::remove_file(companion);
    }
    published?;
    sync_dir(path);
    Ok(())
}

/// A new file only: refused if anything (file, link, folder) has the name.
pub fn create_private_new(
    path: &Path,
    fill: impl FnOnce(&mut File) -> Result<(), String>,
) -> Result<(), FileError> {
    write_private(path, Existing::Refuse, fill)
}

/// A new file, or an existing regular file replaced atomically.
pub fn replace_private(
    path: &Path,
    fill: impl FnOnce(&mut File) -> Result<(), String>,
) -> Result<(), FileError> {
    write_private(path, Existing::Replace, fill)
}

/// Creates `dir` (and its parents) readable by the owner only, and tightens it to 0700 if it
/// was already there with a looser mode.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    b.mode(0o700);
    b.create(dir)?;
    #[cfg(unix)]
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    Ok(())
}

/// Opens a new owner-only file, refusing an existing name or a symbolic link.
pub fn open_private_excl(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).read(true).create_new(true);
    #[cfg(unix)]
    opts.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    opts.open(path)
}

/// True when the file at `path` is an SQLite database (by its header).
pub fn is_sqlite_database(path: &Path) -> bool {
    use std::io::Read;
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    let mut head = [0u8; 16];
    f.read_exact(&mut head).is_ok() && &head == SQLITE_MAGIC
}

/// The database whose companion file (`-wal`, `-shm`, `-journal`) `path` would be, if any.
fn companion_of(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    ["-wal", "-shm", "-journal"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .filter(|base| !base.is_empty())
        .map(|base| path.with_file_name(base))
}

fn check_target(path: &Path, existing: Existing) -> Result<(), FileError> {
    if let Some(db) = companion_of(path)
        && is_sqlite_database(&db)
    {
        return Err(FileError::Database(path.to_path_buf()));
    }
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(FileError::io(path, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(FileError::Symlink(path.to_path_buf()));
    }
    if existing == Existing::Refuse {
        return Err(FileError::Exists(path.to_path_buf()));
    }
    if !meta.is_file() {
        return Err(FileError::NotRegular(path.to_path_buf()));
    }
    if is_sqlite_database(path) {
        return Err(FileError::Database(path.to_path_buf()));
    }
    Ok(())
}

/// A new, empty, owner-only file in the same folder as `path`, with a name nobody else uses.
pub fn create_temp_beside(path: &Path) -> Result<(PathBuf, File), FileError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Part of the name, so that a left-over temporary says whose it was; cut so that the
    // temporary's name stays within the 255 bytes a file name may have.
    let base: String = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .scan(0usize, |len, c| {
            *len += c.len_utf8();
            (*len <= 160).then_some(c)
        })
        .collect();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(
            ".{base}.{}-{stamp:x}-{n}.dutydesk-tmp",
            std::process::id()
        ));
        match open_private_excl(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(FileError::io(path, e)),
        }
    }
    Err(FileError::io(
        path,
        io::Error::new(io::ErrorKind::AlreadyExists, "no free temporary name"),
    ))
}

fn publish(tmp: &Path, path: &Path, existing: Existing) -> Result<(), FileError> {
    match existing {
        Existing::Replace => {
            // Checked again at the last moment: a link or a database put there meanwhile is
            // refused; `rename` itself replaces a name and never follows a link.
            check_target(path, Existing::Replace)?;
            std::fs::rename(tmp, path).map_err(|e| FileError::io(path, e))
        }
        Existing::Refuse => match std::fs::hard_link(tmp, path) {
            // A hard link takes the name only if it is free, atomically, like O_EXCL.
            Ok(()) => {
                let _ = std::fs::remove_file(tmp);
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Err(FileError::Exists(path.to_path_buf()))
            }
            Err(_) => {
                // A file system without hard links: claim the name with O_EXCL, then move the
                // finished file onto the claim.
                open_private_excl(path).map_err(|e| match e.kind() {
                    io::ErrorKind::AlreadyExists => FileError::Exists(path.to_path_buf()),
                    _ => FileError::io(path, e),
                })?;
                std::fs::rename(tmp, path).map_err(|e| FileError::io(path, e))
            }
        },
    }
}

/// Makes the new name durable; a folder that cannot be opened is not worth failing over.
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    fn fill(text: &'static str) -> impl FnOnce(&mut File) -> Result<(), String> {
        move |f| f.write_all(text.as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn a_new_export_is_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        create_private_new(&p, fill("x")).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "x");
        assert_eq!(mode(&p), 0o600);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn an_existing_file_is_not_overwritten_without_replace() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, "old").unwrap();
        let e = create_private_new(&p, fill("new")).unwrap_err();
        assert!(matches!(e, FileError::Exists(_)), "{e}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
    }

    #[test]
    fn replacing_is_atomic_and_leaves_the_file_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        replace_private(&p, fill("new")).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(mode(&p), 0o600);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, "old").unwrap();
        let e = replace_private(&p, |_| Err("disk full".into())).unwrap_err();
        assert!(matches!(e, FileError::Write { .. }));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_symlink_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        for existing in [Existing::Refuse, Existing::Replace] {
            let e = write_private(&link, existing, fill("evil")).unwrap_err();
            assert!(matches!(e, FileError::Symlink(_)), "{e}");
        }
        let dangling = dir.path().join("dangling.csv");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(create_private_new(&dangling, fill("evil")).is_err());
        assert!(!dir.path().join("nowhere").exists());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    }

    #[test]
    fn a_database_and_its_wal_and_shm_are_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("center.db");
        let mut head = SQLITE_MAGIC.to_vec();
        head.extend_from_slice(&[0; 84]);
        std::fs::write(&db, &head).unwrap();
        let e = replace_private(&db, fill("x")).unwrap_err();
        assert!(matches!(e, FileError::Database(_)), "{e}");
        for suffix in ["-wal", "-shm", "-journal"] {
            let p = dir.path().join(format!("center.db{suffix}"));
            let e = replace_private(&p, fill("x")).unwrap_err();
            assert!(matches!(e, FileError::Database(_)), "{suffix}: {e}");
            assert!(!p.exists());
        }
        assert_eq!(std::fs::read(&db).unwrap(), head);
    }

    #[test]
    fn a_long_name_still_gets_its_temporary_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(format!("{}.csv", "统".repeat(80)));
        create_private_new(&p, fill("x")).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "x");
    }

    #[test]
    fn a_folder_or_a_fifo_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let e = replace_private(&sub, fill("x")).unwrap_err();
        assert!(matches!(e, FileError::NotRegular(_)), "{e}");
    }

    #[test]
    fn the_reports_folder_is_owner_only_even_if_it_existed_open() {
        let dir = tempfile::tempdir().unwrap();
        let reports = dir.path().join("data").join("reports");
        std::fs::create_dir_all(&reports).unwrap();
        std::fs::set_permissions(&reports, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&reports).unwrap();
        assert_eq!(mode(&reports), 0o700);
        let fresh = dir.path().join("new").join("reports");
        private_dir(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o700);
    }
}
