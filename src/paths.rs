//! Where the tool keeps its files: the one place the platform's directories are asked for.

use std::path::PathBuf;

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "wa-groups")
}

/// The data directory: the store and the log (`~/.local/share/wa-groups` on Linux).
pub fn data_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().to_path_buf())
}

/// The config directory: `config.toml` and `keymap.toml` (`~/.config/wa-groups` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().to_path_buf())
}
