//! Where the program keeps its files when not told: the per-user data and configuration
//! directories (XDG on Linux), else the working directory.

use std::path::PathBuf;

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("cn", "dutydesk", "dutydesk")
}

/// The data directory: databases, reports, logs, the SSH host key.
pub fn default_data_dir() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The configuration file read when none is given, if the directory is known.
pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("dutydesk.toml"))
}
